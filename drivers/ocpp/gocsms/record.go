package gocsms

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// Message is one CALL a station sent, recorded before it is answered.
type Message struct {
	Index     int // arrival position among every station's CALLs, from 0
	Station   string
	Action    string
	MessageID string
	Payload   json.RawMessage // exactly as the station sent it
	Fault     csmsfault.Fault // the fault that replaced its answer, "" for none
}

// notify wakes the waiters; c.mu must be held.
func (c *CSMS) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Mark is the number of CALLs recorded so far: a position to count or
// wait from.
func (c *CSMS) Mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.messages)
}

// Since returns the CALLs recorded at or after position from.
func (c *CSMS) Since(from int) []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	if from > len(c.messages) {
		return nil
	}
	return append([]Message(nil), c.messages[from:]...)
}

// Messages returns the CALLs of action from station, in arrival order; ""
// matches any station or action.
func (c *CSMS) Messages(station, action string) []Message {
	var out []Message
	for _, m := range c.Since(0) {
		if (station == "" || m.Station == station) && (action == "" || m.Action == action) {
			out = append(out, m)
		}
	}
	return out
}

// TransactionEvents returns the payload of every TransactionEvent from
// station ("" for all), as sent, in arrival order, faulted ones included:
// what txledger.New audits.
func (c *CSMS) TransactionEvents(station string) []json.RawMessage {
	var out []json.RawMessage
	for _, m := range c.Messages(station, transactionEvent) {
		out = append(out, m.Payload)
	}
	return out
}

// Ledger audits the TransactionEvents from station ("" for all) in arrival
// order; those whose answer a fault replaced count as unanswered, so their
// resends are retries rather than duplicates.
func (c *CSMS) Ledger(station string) *txledger.Ledger {
	l := &txledger.Ledger{}
	for _, m := range c.Messages(station, transactionEvent) {
		add := l.Add
		if m.Fault != "" {
			add = l.AddUnanswered
		}
		_ = add(m.Payload) // a malformed one shows in the Summary
	}
	return l
}

// Wait returns the first CALL at or after position from that match
// accepts, waiting for it until ctx ends. match runs without the CSMS's
// lock and may call it.
func (c *CSMS) Wait(ctx context.Context, from int, match func(Message) bool) (Message, error) {
	for {
		c.mu.Lock()
		msgs, changed := c.messages[min(from, len(c.messages)):], c.changed
		from = len(c.messages)
		c.mu.Unlock()
		for _, m := range msgs {
			if match(m) {
				return m, nil
			}
		}
		select {
		case <-changed:
		case <-c.done:
			return Message{}, errStopped
		case <-ctx.Done():
			return Message{}, fmt.Errorf("gocsms: waiting for a CALL: %w", ctx.Err())
		}
	}
}

// WaitConnections waits until the Connections list holds n entries
// matching accept, for example n reconnections of a station.
func (c *CSMS) WaitConnections(ctx context.Context, n int, accept func(Connection) bool) error {
	for {
		c.mu.Lock()
		seen, changed := 0, c.changed
		for _, conn := range c.connections {
			if accept(conn) {
				seen++
			}
		}
		c.mu.Unlock()
		if seen >= n {
			return nil
		}
		select {
		case <-changed:
		case <-c.done:
			return errStopped
		case <-ctx.Done():
			return fmt.Errorf("gocsms: waiting for %d connection events, %d so far: %w", n, seen, ctx.Err())
		}
	}
}

// Requests decodes the CALLs of R's action from station ("" for all) into
// ocpp-go's type, in arrival order: Requests[transactions.TransactionEventRequest](c, "ST-1").
// A payload that does not decode is an error naming it.
func Requests[R any, PR interface {
	*R
	ocpp.Request
}](c *CSMS, station string) ([]PR, error) {
	action := PR(new(R)).GetFeatureName()
	var out []PR
	for _, m := range c.Messages(station, action) {
		r := PR(new(R))
		if err := json.Unmarshal(m.Payload, r); err != nil {
			return out, fmt.Errorf("gocsms: %s #%d from %s: %w", action, m.Index, m.Station, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// WaitRequest waits, until ctx ends, for the first CALL of R's action from
// station ("" for any) at or after position from whose decoded request
// match accepts (nil accepts any), and returns it with its Message.
func WaitRequest[R any, PR interface {
	*R
	ocpp.Request
}](ctx context.Context, c *CSMS, from int, station string, match func(PR) bool) (PR, Message, error) {
	action := PR(new(R)).GetFeatureName()
	var got PR
	m, err := c.Wait(ctx, from, func(m Message) bool {
		if m.Action != action || (station != "" && m.Station != station) {
			return false
		}
		r := PR(new(R))
		if json.Unmarshal(m.Payload, r) != nil || (match != nil && !match(r)) {
			return false
		}
		got = r
		return true
	})
	return got, m, err
}
