package gocsms

import (
	"encoding/json"
	"fmt"

	"github.com/gorilla/websocket"
	"github.com/lorenzodonini/ocpp-go/ws"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
)

// tap sits between ocpp-go and its WebSocket server. It sees every frame
// in both directions as bytes: it records the CALLs a station sends as
// sent, validates them, and replaces the answers the faults ask for. ocpp-go
// still parses, validates and answers every frame.
type tap struct {
	*ws.Server
	csms *CSMS
}

// SetMessageHandler is how ocpp-go takes the frames a station sends.
func (t *tap) SetMessageHandler(handler func(ch ws.Channel, data []byte) error) {
	t.Server.SetMessageHandler(func(ch ws.Channel, data []byte) error {
		if t.csms.received(ch.ID(), data) == csmsfault.Close {
			// The answer is dropped (see Write) as the socket closes.
			_ = t.Server.StopConnection(ch.ID(), websocket.CloseError{Code: websocket.CloseInternalServerErr, Text: "fault injected by the test"})
		}
		return handler(ch, data)
	})
}

// Write is how ocpp-go sends a frame to a station.
func (t *tap) Write(station string, data []byte) error {
	out, send := t.csms.sending(station, data)
	if !send {
		return nil
	}
	return t.Server.Write(station, out)
}

// frame is the head of an OCPP-J message: type, id and, for a CALL, action
// and payload; for a CALLRESULT the payload is Action.
type frame struct {
	kind    int
	id      string
	action  string
	payload json.RawMessage
}

func parseFrame(data []byte) (frame, bool) {
	var f frame
	var elems []json.RawMessage
	if json.Unmarshal(data, &elems) != nil || len(elems) < 3 ||
		json.Unmarshal(elems[0], &f.kind) != nil || json.Unmarshal(elems[1], &f.id) != nil {
		return f, false
	}
	switch {
	case f.kind == 2 && len(elems) == 4:
		f.payload = elems[3]
		return f, json.Unmarshal(elems[2], &f.action) == nil
	case f.kind == 3:
		f.payload = elems[2]
		return f, true
	case f.kind == 4:
		return f, true
	}
	return f, false
}

// received records a frame from a station and returns the fault its answer
// gets. Frames that are not CALLs are answers to this CSMS: they are
// validated against the action they answer.
func (c *CSMS) received(station string, data []byte) csmsfault.Fault {
	f, ok := parseFrame(data)
	if !ok {
		return "" // ocpp-go refuses it and reports the problem
	}
	if f.kind != 2 {
		c.answered(station, f)
		return ""
	}
	if c.validator != nil {
		if err := c.validator.ValidateRequest(f.action, f.payload); err != nil {
			c.problem("%s sent %s that fails the schema: %v: %s", station, f.action, err, f.payload)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := Message{Index: len(c.messages), Station: station, Action: f.action, MessageID: f.id,
		Payload: append(json.RawMessage(nil), f.payload...)}
	if f.action == transactionEvent && len(c.answers.faults) > 0 {
		m.Fault, c.answers.faults = c.answers.faults[0], c.answers.faults[1:]
		c.answers.faulted[callKey{station, f.id}] = m.Fault
	}
	c.messages = append(c.messages, m)
	c.notify()
	return m.Fault
}

// answered validates a station's answer to a CALL of this CSMS and hands
// its bytes to the Send waiting for them.
func (c *CSMS) answered(station string, f frame) {
	c.mu.Lock()
	action, ok := c.answers.pending[callKey{station, f.id}]
	delete(c.answers.pending, callKey{station, f.id})
	c.answerRaw(callKey{station, f.id}, f)
	c.mu.Unlock()
	if ok && f.kind == 3 && c.validator != nil {
		if err := c.validator.ValidateResponse(action, f.payload); err != nil {
			c.problem("%s answered %s with a payload that fails the schema: %v: %s", station, action, err, f.payload)
		}
	}
}

// sending notes the CALLs this CSMS sends, so their answers can be
// validated, and applies the fault chosen for an answer.
func (c *CSMS) sending(station string, data []byte) ([]byte, bool) {
	f, ok := parseFrame(data)
	if !ok {
		return data, true
	}
	key := callKey{station, f.id}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.kind == 2 {
		c.answers.pending[key] = f.action
		c.callSent(key, f)
		return data, true
	}
	fault, ok := c.answers.faulted[key]
	if !ok {
		return data, true
	}
	delete(c.answers.faulted, key)
	switch fault {
	case csmsfault.CallError:
		return fmt.Appendf(nil, `[4,%q,"InternalError","fault injected by the test",{}]`, f.id), true
	case csmsfault.Garbage:
		return fmt.Appendf(nil, `[3,%q,%s]`, f.id, csmsfault.GarbagePayload), true
	case csmsfault.BadFrame:
		return fmt.Appendf(nil, `[3,%q,{"idTokenInfo":`, f.id), true
	default: // NoAnswer, Close
		return nil, false
	}
}
