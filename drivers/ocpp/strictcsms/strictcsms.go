package strictcsms

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

//go:embed csms.js
var script []byte

// Event is one line the CSMS reports. Ev is one of listening, connect,
// rejected, disconnect, call (a CALL from a station that passed strict
// validation), fault (a fault of Settings.TransactionEventFaults applied to
// the call before it), strictValidationFailure, badMessage or reply (to a
// command).
type Event struct {
	Ev       string          `json:"ev"`
	Identity string          `json:"identity,omitempty"`
	Method   string          `json:"method,omitempty"`
	Params   json.RawMessage `json:"params,omitempty"`
	// MessageID is the CALL's id, on call and fault events.
	MessageID string `json:"messageId,omitempty"`
	// Frame is the CALL frame as the station sent it, on call events.
	Frame    string          `json:"frame,omitempty"`
	Fault    csmsfault.Fault `json:"fault,omitempty"`
	Result   json.RawMessage `json:"result,omitempty"`
	Password *string         `json:"password,omitempty"`
	Protocol string          `json:"protocol,omitempty"`
	Outbound bool            `json:"outbound,omitempty"`
	IsCall   bool            `json:"isCall,omitempty"`
	Error    string          `json:"error,omitempty"`
	Details  json.RawMessage `json:"details,omitempty"`
	Code     any             `json:"code,omitempty"`
	Message  string          `json:"message,omitempty"`
	Port     int             `json:"port,omitempty"`
	Ref      *int            `json:"ref,omitempty"`
}

// Settings change how the CSMS answers; nil fields are left as they are.
type Settings struct {
	BootStatus string `json:"bootStatus,omitempty"` // Accepted (default), Pending or Rejected
	Interval   int    `json:"interval,omitempty"`   // BootNotification interval, seconds
	// Passwords, when set, are the only Basic-auth passwords accepted, per identity.
	Passwords map[string]string `json:"passwords,omitempty"`
	// Replies fix the reply to a station's CALL by action. They are sent
	// as given, after strict validation, ahead of every setting below
	// except TransactionEventFaults.
	Replies map[string]any `json:"replies,omitempty"`
	// ClockOffsetMs is added to the currentTime the CSMS answers
	// BootNotification and Heartbeat with, in milliseconds: the clock a
	// station takes from its CSMS. 0 (the start) is the real time.
	ClockOffsetMs *int64 `json:"clockOffsetMs,omitempty"`

	// The settings below are replaced whole when not nil; an empty value
	// clears them.

	// AuthorizeStatus is the idTokenInfo.status (Accepted, Blocked,
	// ConcurrentTx, Expired, Invalid, NoCredit, NotAllowedTypeOut,
	// NotAtThisLocation, NotAtThisTime, Unknown) an Authorize for that
	// idToken.idToken is answered with. Tokens not listed are Accepted.
	AuthorizeStatus map[string]string `json:"authorize"`
	// TransactionEventStatus is the idTokenInfo.status a TransactionEvent
	// carrying that idToken.idToken is answered with (Invalid deauthorizes
	// the session). Events with another idToken get Accepted, events
	// without one an empty answer.
	TransactionEventStatus map[string]string `json:"txIdToken"`
	// TransactionEventFaults are taken in order, one by each next
	// TransactionEvent CALL from any station, instead of its answer; when
	// they are used up, answers are normal again. Each is reported as a
	// fault event after the call event. Set checks every value.
	TransactionEventFaults []csmsfault.Fault `json:"txFaults"`
}

// CSMS is one running ocpp-rpc strict server on loopback.
type CSMS struct {
	// URL is the base a station appends "/<stationId>" to.
	URL string

	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{}

	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced on every new event
	waiting map[int]chan Event
	nextRef int
	stderr  strings.Builder
}

// Start installs the peer if needed and starts it on a free loopback port.
func Start(ctx context.Context) (*CSMS, error) {
	dir, err := Install()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "csms.js")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		return nil, fmt.Errorf("strictcsms: %w", err)
	}
	c := &CSMS{done: make(chan struct{}), changed: make(chan struct{}), waiting: map[int]chan Event{}}
	c.cmd = exec.Command("node", path)
	c.cmd.Env = append(os.Environ(), "OCPP_RPC_DIR="+dir, "GARBAGE_PAYLOAD="+csmsfault.GarbagePayload)
	c.cmd.Stderr = &lockedWriter{mu: &c.mu, b: &c.stderr}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("strictcsms: %w", err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("strictcsms: %w", err)
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("strictcsms: start node: %w", err)
	}
	go c.read(out)
	ev, err := c.WaitEvent(ctx, func(e Event) bool { return e.Ev == "listening" })
	if err != nil {
		c.Stop()
		return nil, fmt.Errorf("strictcsms: not listening: %w (stderr: %s)", err, c.Stderr())
	}
	c.URL = fmt.Sprintf("ws://127.0.0.1:%d", ev.Port)
	return c, nil
}

func (c *CSMS) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for sc.Scan() {
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			e = Event{Ev: "unparsed", Message: sc.Text()}
		}
		c.mu.Lock()
		if e.Ev == "reply" && e.Ref != nil {
			if ch := c.waiting[*e.Ref]; ch != nil {
				ch <- e
				delete(c.waiting, *e.Ref)
			}
		} else {
			c.events = append(c.events, e)
			close(c.changed)
			c.changed = make(chan struct{})
		}
		c.mu.Unlock()
	}
}

// Events returns a copy of every event so far.
func (c *CSMS) Events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Event(nil), c.events...)
}

// Failures returns every strict validation failure and bad message so far:
// a conformant station causes none.
func (c *CSMS) Failures() []Event {
	var out []Event
	for _, e := range c.Events() {
		if e.Ev == "strictValidationFailure" || e.Ev == "badMessage" || e.Ev == "unparsed" {
			out = append(out, e)
		}
	}
	return out
}

// WaitEvent waits for the first event, past or future, that match accepts.
// match runs under the CSMS's lock: it must not call the CSMS.
func (c *CSMS) WaitEvent(ctx context.Context, match func(Event) bool) (Event, error) {
	seen := 0
	for {
		c.mu.Lock()
		for ; seen < len(c.events); seen++ {
			if match(c.events[seen]) {
				e := c.events[seen]
				c.mu.Unlock()
				return e, nil
			}
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-c.done:
			return Event{}, errors.New("strictcsms: the CSMS process ended")
		case <-ctx.Done():
			return Event{}, ctx.Err()
		}
	}
}

// Set changes how the CSMS answers from now on.
func (c *CSMS) Set(ctx context.Context, s Settings) error {
	if err := csmsfault.Check(s.TransactionEventFaults); err != nil {
		return fmt.Errorf("strictcsms: %w", err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	m["op"] = "set"
	_, err = c.command(ctx, m)
	return err
}

// Payload returns the payload of a call event as the station sent it, or
// Params (as ocpp-rpc re-encoded it) when the frame is not there.
func (e Event) Payload() json.RawMessage {
	var f []json.RawMessage
	if e.Frame != "" && json.Unmarshal([]byte(e.Frame), &f) == nil && len(f) == 4 {
		return f[3]
	}
	return e.Params
}

// TransactionEvents returns the payload of every TransactionEvent CALL
// received from identity ("" for every station), as sent, in arrival
// order: what txledger.New audits. Faulted calls are included; calls that
// failed strict validation are not (see Failures).
func (c *CSMS) TransactionEvents(identity string) []json.RawMessage {
	var out []json.RawMessage
	for _, e := range c.Events() {
		if e.Ev == "call" && e.Method == "TransactionEvent" && (identity == "" || e.Identity == identity) {
			out = append(out, e.Payload())
		}
	}
	return out
}

// Ledger audits the TransactionEvents received from identity ("" for every
// station) in arrival order; those a fault answered count as unanswered,
// so their resends are retries rather than duplicates.
func (c *CSMS) Ledger(identity string) *txledger.Ledger {
	type key struct{ identity, id string }
	faulted := map[key]bool{}
	events := c.Events()
	for _, e := range events {
		if e.Ev == "fault" {
			faulted[key{e.Identity, e.MessageID}] = true
		}
	}
	l := &txledger.Ledger{}
	for _, e := range events {
		if e.Ev != "call" || e.Method != "TransactionEvent" || (identity != "" && e.Identity != identity) {
			continue
		}
		add := l.Add
		if faulted[key{e.Identity, e.MessageID}] {
			add = l.AddUnanswered
		}
		_ = add(e.Payload()) // a malformed one shows in the Summary
	}
	return l
}

// Call sends a CALL to a connected station and returns its CALLRESULT
// payload. A CALLERROR, or a reply that fails strict validation, is an error.
// The station has until ctx's deadline to answer (10 s without one).
func (c *CSMS) Call(ctx context.Context, identity, method string, params any) (json.RawMessage, error) {
	cmd := map[string]any{"op": "call", "identity": identity, "method": method, "params": params}
	if d, ok := ctx.Deadline(); ok {
		// The station may take as long as the caller allows: an answer
		// that waits for a slow device is still an answer.
		cmd["timeoutMs"] = max(time.Until(d).Milliseconds(), 1)
	}
	ev, err := c.command(ctx, cmd)
	if err != nil {
		return nil, err
	}
	return ev.Result, nil
}

// Disconnect closes the connection of one station from the CSMS side.
func (c *CSMS) Disconnect(ctx context.Context, identity string) error {
	_, err := c.command(ctx, map[string]any{"op": "close", "identity": identity})
	return err
}

func (c *CSMS) command(ctx context.Context, m map[string]any) (Event, error) {
	ch := make(chan Event, 1)
	c.mu.Lock()
	c.nextRef++
	ref := c.nextRef
	c.waiting[ref] = ch
	c.mu.Unlock()
	m["ref"] = ref
	b, err := json.Marshal(m)
	if err != nil {
		return Event{}, err
	}
	if _, err := c.stdin.Write(append(b, '\n')); err != nil {
		return Event{}, fmt.Errorf("strictcsms: send command: %w", err)
	}
	select {
	case ev := <-ch:
		if ev.Error != "" {
			return ev, fmt.Errorf("strictcsms: %s %v: %s", m["op"], ev.Code, ev.Error)
		}
		return ev, nil
	case <-c.done:
		return Event{}, errors.New("strictcsms: the CSMS process ended")
	case <-ctx.Done():
		return Event{}, ctx.Err()
	}
}

// Stderr is what node wrote to its standard error.
func (c *CSMS) Stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stderr.String()
}

// Stop ends the CSMS: closing stdin makes it close every connection and
// exit; it is killed if it has not exited within five seconds.
func (c *CSMS) Stop() {
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
	c.cmd.Wait()
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}
