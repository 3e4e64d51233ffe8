package station

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// rpcCSMS is a small CSMS on rpc.Server for the scale, leak and benchmark
// tests. It accepts every station, answers what stations send with
// schema-valid payloads (its Validator checks both directions and records
// what fails), and records every connection of every station. stop closes
// its listener and every connection, as a crashing CSMS would; start
// listens again on the same port.
type rpcCSMS struct {
	srv *rpc.Server

	mu       sync.Mutex
	addr     string
	http     *http.Server // nil while stopped
	served   chan struct{}
	stations map[string]*csmsStation
	invalid  []string
	total    int  // connections accepted, all stations
	drop     bool // close each connection once its StatusNotification is answered
}

// csmsStation is what the CSMS knows of one station.
type csmsStation struct {
	conn      *rpc.Conn     // the latest connection
	connected []time.Time   // when each connection was accepted
	statuses  int           // StatusNotifications on the latest connection, which is kept
	heartbeat chan struct{} // a Heartbeat arrived; buffered 1
}

// startRPCCSMS listens on a loopback port; the test's cleanup stops it.
func startRPCCSMS(t testing.TB) *rpcCSMS {
	t.Helper()
	cs := &rpcCSMS{addr: "127.0.0.1:0", stations: map[string]*csmsStation{}}
	cs.srv = &rpc.Server{Prefix: "/ocpp", OnConnect: cs.connected,
		Options: rpc.Options{Validator: recordingValidator{cs}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	if err := cs.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.stop() })
	return cs
}

// url is the endpoint for the CSMS resource.
func (cs *rpcCSMS) url() string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return "ws://" + cs.addr + "/ocpp"
}

// start listens on the CSMS's port (a free one the first time).
func (cs *rpcCSMS) start() error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	l, err := net.Listen("tcp", cs.addr)
	if err != nil {
		return fmt.Errorf("CSMS listen on %s: %w", cs.addr, err)
	}
	cs.addr = l.Addr().String()
	cs.http = &http.Server{Handler: cs.srv, ErrorLog: log.New(io.Discard, "", 0)}
	cs.served = make(chan struct{})
	go func(hs *http.Server, done chan struct{}) {
		defer close(done)
		_ = hs.Serve(l)
	}(cs.http, cs.served)
	return nil
}

// stop closes the listener, then every station's connection at once, and
// returns when each connection was dropped. An http.Server does not track
// hijacked (WebSocket) connections, hence the second step.
func (cs *rpcCSMS) stop() map[string]time.Time {
	cs.mu.Lock()
	hs, served := cs.http, cs.served
	cs.http = nil
	cs.mu.Unlock()
	if hs != nil {
		_ = hs.Close()
		<-served
	}
	return cs.closeConns()
}

// closeConns closes every open station connection at once and returns
// when each was dropped.
func (cs *rpcCSMS) closeConns() map[string]time.Time {
	cs.mu.Lock()
	conns := map[string]*rpc.Conn{}
	for id, st := range cs.stations {
		if st.conn.Err() == nil {
			conns[id] = st.conn
		}
	}
	cs.mu.Unlock()
	var mu sync.Mutex
	var wg sync.WaitGroup
	dropped := map[string]time.Time{}
	for id, c := range conns {
		wg.Go(func() {
			mu.Lock()
			dropped[id] = time.Now()
			mu.Unlock()
			_ = c.Close()
		})
	}
	wg.Wait()
	return dropped
}

func (cs *rpcCSMS) connected(id string, c *rpc.Conn) {
	c.SetHandler(cs.handler(id, c))
	cs.mu.Lock()
	defer cs.mu.Unlock()
	st := cs.stations[id]
	if st == nil {
		st = &csmsStation{heartbeat: make(chan struct{}, 1)}
		cs.stations[id] = st
	}
	st.conn, st.statuses = c, 0
	st.connected = append(st.connected, time.Now())
	cs.total++
}

// handler answers one station's CALLs. A response without required fields
// ({}) suits NotifyReport, SecurityEventNotification and the other
// notifications a station may send here; the Validator would turn a wrong
// one into a recorded failure.
func (cs *rpcCSMS) handler(id string, c *rpc.Conn) rpc.Handler {
	return func(_ context.Context, action string, _ json.RawMessage) (any, error) {
		now := ocpp.NewDateTime(time.Now())
		switch action {
		case ocpp.ActionBootNotification:
			return ocpp.BootNotificationResponse{CurrentTime: now, Interval: 300, Status: ocpp.RegistrationStatusAccepted}, nil
		case ocpp.ActionHeartbeat:
			cs.mu.Lock()
			hb := cs.stations[id].heartbeat
			cs.mu.Unlock()
			select {
			case hb <- struct{}{}:
			default:
			}
			return ocpp.HeartbeatResponse{CurrentTime: now}, nil
		case ocpp.ActionStatusNotification:
			cs.mu.Lock()
			drop := cs.drop
			if !drop {
				cs.stations[id].statuses++
			}
			cs.mu.Unlock()
			if drop {
				return rpc.Reply{Payload: ocpp.StatusNotificationResponse{}, Then: func() { go c.Close() }}, nil
			}
			return ocpp.StatusNotificationResponse{}, nil
		}
		return struct{}{}, nil
	}
}

// setDrop makes the CSMS close each connection right after answering its
// StatusNotification (true), or keep connections (false).
func (cs *rpcCSMS) setDrop(drop bool) {
	cs.mu.Lock()
	cs.drop = drop
	cs.mu.Unlock()
}

// connections returns when each connection of a station was accepted.
func (cs *rpcCSMS) connections(id string) []time.Time {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if st := cs.stations[id]; st != nil {
		return append([]time.Time(nil), st.connected...)
	}
	return nil
}

func (cs *rpcCSMS) accepted() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.total
}

// conn is a station's latest connection, or nil.
func (cs *rpcCSMS) conn(id string) *rpc.Conn {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if st := cs.stations[id]; st != nil {
		return st.conn
	}
	return nil
}

// notReady names a station whose latest connection is closed or has not
// had a StatusNotification answered (and the connection kept) yet, or
// returns "".
func (cs *rpcCSMS) notReady(ids []string) string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, id := range ids {
		st := cs.stations[id]
		switch {
		case st == nil:
			return id + " never connected"
		case st.conn.Err() != nil:
			return id + " is disconnected"
		case st.statuses == 0:
			return id + " sent no StatusNotification on its connection yet"
		}
	}
	return ""
}

// triggerHeartbeat is one exchange in each direction: the CSMS sends
// TriggerMessage(Heartbeat), the station answers it and then sends a
// Heartbeat, which the CSMS answers.
func (cs *rpcCSMS) triggerHeartbeat(ctx context.Context, id string) error {
	cs.mu.Lock()
	st := cs.stations[id]
	cs.mu.Unlock()
	res, err := st.conn.Call(ctx, ocpp.ActionTriggerMessage, triggerHeartbeatRequest)
	if err != nil {
		return fmt.Errorf("%s: %w", id, err)
	}
	if !bytes.Contains(res, []byte(`"Accepted"`)) {
		return fmt.Errorf("%s answered TriggerMessage with %s", id, res)
	}
	select {
	case <-st.heartbeat:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s sent no Heartbeat: %w", id, ctx.Err())
	}
}

var triggerHeartbeatRequest = json.RawMessage(`{"requestedMessage":"Heartbeat"}`)

func (cs *rpcCSMS) failures() []string {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]string(nil), cs.invalid...)
}

// recordingValidator is the project's validator, recording what fails: a
// CSMS that only answered FormatViolation would hide a bad frame.
type recordingValidator struct{ cs *rpcCSMS }

func (v recordingValidator) ValidateRequest(action string, payload []byte) error {
	return v.record("request", action, payload, validator{}.ValidateRequest(action, payload))
}

func (v recordingValidator) ValidateResponse(action string, payload []byte) error {
	return v.record("response", action, payload, validator{}.ValidateResponse(action, payload))
}

func (v recordingValidator) record(what, action string, payload []byte, err error) error {
	if err != nil {
		v.cs.mu.Lock()
		v.cs.invalid = append(v.cs.invalid, fmt.Sprintf("%s %s %s: %v", action, what, payload, err))
		v.cs.mu.Unlock()
	}
	return err
}

// stationGoroutineStacks returns the stacks of goroutines a station runs:
// Run, and the reader and handler goroutines of its connection.
func stationGoroutineStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "controllers/station.(*Station)") || strings.Contains(g, "controllers/station.(*Reconciler)") ||
			strings.Contains(g, "created by github.com/ocppgw/ocppgw/drivers/ocpp/rpc.(*Conn).start") {
			out = append(out, g)
		}
	}
	return out
}
