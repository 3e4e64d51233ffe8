package rawcsms

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Fault is one way to answer a CALL.
type Fault string

// The answers. OK is a schema-valid CALLRESULT; the others misbehave.
const (
	OK        Fault = ""
	CallError Fault = "callError" // CALLERROR InternalError
	NoAnswer  Fault = "noAnswer"  // nothing: the station's call times out
	Garbage   Fault = "garbage"   // a text frame that is not JSON
	WrongID   Fault = "wrongId"   // a valid CALLRESULT for another message id
	Invalid   Fault = "invalid"   // a CALLRESULT whose payload breaks the schema
	Close     Fault = "close"     // the TCP connection dropped, no close frame
)

// InvalidPayload breaks every OCPP 2.0.1 response schema: they all forbid
// additional properties.
const InvalidPayload = `{"notInTheSchema":true}`

// Script picks the answer to the n-th CALL of action (from 0, counted over
// all connections of all stations).
type Script func(action string, n int) Fault

// Call is one CALL the CSMS received.
type Call struct {
	Station string
	Conn    int // the connection's number, from 1, over all stations
	Action  string
	Payload json.RawMessage
	Fault   Fault
}

// CSMS is a running test CSMS at URL (ws://host:port; a station connects
// to URL/<stationId>).
type CSMS struct {
	URL string
	// CloseDelay is how long the CSMS takes to answer a close frame (a
	// slow CSMS); the connection counts as open until then. Set before
	// stations connect.
	CloseDelay time.Duration
	srv        *httptest.Server

	mu      sync.Mutex
	script  Script
	counts  map[string]int
	calls   []Call
	conns   int
	open    map[string]int
	maxOpen map[string]int
	opened  map[string]int
	times   map[string][]time.Time
	current map[string]*peerConn
}

// peerConn serialises writes to one connection.
type peerConn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

func (p *peerConn) write(s string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ws.WriteMessage(websocket.TextMessage, []byte(s))
}

// Start runs a CSMS that answers as script says (nil: always OK).
func Start(script Script) *CSMS {
	c := &CSMS{script: script, counts: map[string]int{}, open: map[string]int{},
		maxOpen: map[string]int{}, opened: map[string]int{},
		times: map[string][]time.Time{}, current: map[string]*peerConn{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	c.URL = "ws" + strings.TrimPrefix(c.srv.URL, "http")
	return c
}

// Stop closes the server and every connection.
func (c *CSMS) Stop() {
	c.srv.CloseClientConnections()
	c.srv.Close()
}

// Calls returns the CALLs received so far, in order.
func (c *CSMS) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// ConnectedAt returns when each connection of station was opened.
func (c *CSMS) ConnectedAt(station string) []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.times[station]...)
}

// Send writes frame as is on station's latest connection.
func (c *CSMS) Send(station, frame string) error {
	c.mu.Lock()
	p := c.current[station]
	c.mu.Unlock()
	if p == nil {
		return fmt.Errorf("rawcsms: %s never connected", station)
	}
	if err := p.write(frame); err != nil {
		return fmt.Errorf("rawcsms: send to %s: %w", station, err)
	}
	return nil
}

// Connections returns how many connections station opened, and the most
// that were open at the same time.
func (c *CSMS) Connections(station string) (opened, maxOpen int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opened[station], c.maxOpen[station]
}

func (c *CSMS) serve(w http.ResponseWriter, r *http.Request) {
	station := strings.TrimPrefix(r.URL.Path, "/")
	up := websocket.Upgrader{Subprotocols: []string{"ocpp2.0.1"}}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	p := &peerConn{ws: ws}
	c.mu.Lock()
	c.conns++
	conn := c.conns
	c.current[station] = p
	c.times[station] = append(c.times[station], time.Now())
	c.opened[station]++
	c.open[station]++
	c.maxOpen[station] = max(c.maxOpen[station], c.open[station])
	c.mu.Unlock()
	var once sync.Once
	closed := func() {
		once.Do(func() {
			c.mu.Lock()
			c.open[station]--
			c.mu.Unlock()
		})
	}
	defer closed()
	defer ws.Close()
	// The connection counts as closed before the answering close frame
	// leaves: a station that waits for it dials again only after.
	ws.SetCloseHandler(func(code int, text string) error {
		time.Sleep(c.CloseDelay)
		closed()
		return ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
	})
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if !c.answer(p, station, conn, data) {
			closed()
			return
		}
	}
}

// answer records one frame and answers it; false drops the connection.
func (c *CSMS) answer(p *peerConn, station string, conn int, data []byte) bool {
	var f []json.RawMessage
	var typ int
	var id, action string
	if json.Unmarshal(data, &f) != nil || len(f) != 4 || json.Unmarshal(f[0], &typ) != nil || typ != 2 ||
		json.Unmarshal(f[1], &id) != nil || json.Unmarshal(f[2], &action) != nil {
		return true // answers from the station to CALLs we never send, or junk: ignored
	}
	c.mu.Lock()
	fault := OK
	if c.script != nil {
		fault = c.script(action, c.counts[action])
	}
	c.counts[action]++
	c.calls = append(c.calls, Call{Station: station, Conn: conn, Action: action, Payload: f[3], Fault: fault})
	c.mu.Unlock()
	var out string
	switch fault {
	case OK:
		out = fmt.Sprintf(`[3,%q,%s]`, id, validAnswer(action))
	case CallError:
		out = fmt.Sprintf(`[4,%q,"InternalError","rawcsms refuses %s",{}]`, id, action)
	case NoAnswer:
		return true
	case Garbage:
		out = `[3,"` + id + `",{"currentTime": nope`
	case WrongID:
		out = fmt.Sprintf(`[3,%q,%s]`, "not-"+id, validAnswer(action))
	case Invalid:
		out = fmt.Sprintf(`[3,%q,%s]`, id, InvalidPayload)
	case Close:
		return false
	}
	return p.write(out) == nil
}

// validAnswer is a schema-valid response payload: BootNotification
// Accepted with a 1 s heartbeat, so tests see heartbeats soon.
func validAnswer(action string) string {
	now := time.Now().UTC().Format(time.RFC3339)
	switch action {
	case "BootNotification":
		return `{"currentTime":"` + now + `","interval":1,"status":"Accepted"}`
	case "Heartbeat":
		return `{"currentTime":"` + now + `"}`
	case "Authorize":
		return `{"idTokenInfo":{"status":"Accepted"}}`
	}
	return `{}`
}
