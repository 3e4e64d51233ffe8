package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

const bootReq = `{"reason":"PowerUp","chargingStation":{"model":"M1","vendorName":"V"}}`

// TestRoundTripOwnServer exchanges a BootNotification and a CSMS-initiated
// Reset with the package's own Server, both sides validating every payload
// against the OCA schemas.
func TestRoundTripOwnServer(t *testing.T) {
	v := needSchemas(t)
	var gotBoot atomic.Value
	srv := &Server{Options: Options{Validator: v, Handler: func(_ context.Context, action string, p json.RawMessage) (any, error) {
		if action != "BootNotification" {
			return nil, Errorf(NotImplemented, "%s", action)
		}
		gotBoot.Store(string(p))
		return map[string]any{"currentTime": "2026-01-01T00:00:00Z", "interval": 300, "status": "Accepted"}, nil
	}}}
	url, conns := startServer(t, srv)
	st := dialStation(t, url, "CS-1", Options{Validator: v, Handler: stationHandler})
	csms := recvConn(t, conns)
	if csms.StationID() != "CS-1" {
		t.Fatalf("server sees station %q", csms.StationID())
	}

	res, err := st.Call(testCtx(t), "BootNotification", []byte(bootReq))
	if err != nil {
		t.Fatalf("BootNotification: %v", err)
	}
	var boot struct{ Status string }
	if err := json.Unmarshal(res, &boot); err != nil || boot.Status != "Accepted" {
		t.Fatalf("BootNotification result %s (%v)", res, err)
	}
	if gotBoot.Load() != bootReq {
		t.Fatalf("CSMS handler got %v, want the raw payload %s", gotBoot.Load(), bootReq)
	}

	res, err = csms.Call(testCtx(t), "Reset", map[string]string{"type": "Immediate"})
	if err != nil || string(res) != `{"status":"Accepted"}` {
		t.Fatalf("Reset: %s %v", res, err)
	}
}

// TestHandlerErrors checks what each kind of handler outcome puts on the wire.
func TestHandlerErrors(t *testing.T) {
	v := needSchemas(t)
	tests := []struct {
		name    string
		handler Handler
		want    ErrorCode
	}{
		{"ocpp error passes through", func(context.Context, string, json.RawMessage) (any, error) {
			return nil, Errorf(NotSupported, "no smart charging")
		}, NotSupported},
		{"plain error is InternalError", func(context.Context, string, json.RawMessage) (any, error) {
			return nil, errors.New("disk on fire")
		}, InternalError},
		{"panic is InternalError", func(context.Context, string, json.RawMessage) (any, error) {
			panic("boom")
		}, InternalError},
		{"invalid own response is InternalError", func(context.Context, string, json.RawMessage) (any, error) {
			return map[string]string{"status": "Maybe"}, nil
		}, InternalError},
		{"no handler is NotImplemented", nil, NotImplemented},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var log logSink
			url, conns := startServer(t, &Server{})
			dialStation(t, url, "CS-H", Options{Validator: v, Handler: tc.handler, Logger: log.logger()})
			csms := recvConn(t, conns)
			for range 2 { // the second proves the connection survived the first
				_, err := csms.Call(testCtx(t), "Reset", []byte(`{"type":"OnIdle"}`))
				if got := codeOf(err); got != tc.want {
					t.Fatalf("got %q (%v), want %q", got, err, tc.want)
				}
			}
			if tc.want == InternalError {
				log.waitFor(t, "action=Reset") // the failure is logged on the station
			}
		})
	}
}

// TestReceivedCallError checks that a peer's CALLERROR, in either
// spelling, becomes an *Error with its details.
func TestReceivedCallError(t *testing.T) {
	url, peers := startRawPeer(t, true)
	st := dialStation(t, url, "CS-E", Options{})
	peer := recvConn(t, peers)
	for _, tc := range []struct{ sent, want string }{
		{"FormationViolation", string(FormatViolation)},
		{"OccurrenceConstraintViolation", string(OccurrenceConstraintViolation)},
		{"Weird", string(GenericError)},
	} {
		errc := make(chan error, 1)
		go func() { _, err := st.Call(context.Background(), "Heartbeat", nil); errc <- err }()
		call := peer.read(t)
		peer.write(t, fmt.Sprintf(`[4,%s,%q,"nope",{"field":"x"}]`, call[1], tc.sent))
		err := <-errc
		var oe *Error
		if !errors.As(err, &oe) || string(oe.Code) != tc.want || oe.Details["field"] != "x" {
			t.Fatalf("sent %s: got %#v, want code %s with details", tc.sent, err, tc.want)
		}
	}
}

// TestOneOutstandingCall: no CALL is sent while another is unanswered, and
// each concurrent caller gets the answer to its own CALL.
func TestOneOutstandingCall(t *testing.T) {
	url, peers := startRawPeer(t, true)
	st := dialStation(t, url, "CS-O", Options{})
	peer := recvConn(t, peers)

	const n = 3
	type outcome struct{ req, res string }
	out := make(chan outcome, n)
	for i := range n {
		go func() {
			req := fmt.Sprintf(`{"vendorId":"v%d"}`, i)
			res, err := st.Call(context.Background(), "DataTransfer", []byte(req))
			if err != nil {
				out <- outcome{req, err.Error()}
				return
			}
			out <- outcome{req, string(res)}
		}()
	}
	ids := map[string]bool{}
	for range n {
		call := peer.read(t)
		peer.quiet(t, 200*time.Millisecond)
		if ids[string(call[1])] {
			t.Fatalf("message id %s reused", call[1])
		}
		ids[string(call[1])] = true
		peer.write(t, fmt.Sprintf(`[3,%s,%s]`, call[1], call[3])) // echo the request
	}
	for range n {
		o := <-out
		if o.res != o.req {
			t.Fatalf("caller sent %s but got %s", o.req, o.res)
		}
	}
}

// TestMessageTimeout: an unanswered CALL fails with ErrTimeout, its late
// CALLRESULT and one for an id never sent are dropped, and the connection
// keeps working.
func TestMessageTimeout(t *testing.T) {
	url, peers := startRawPeer(t, true)
	var log logSink
	st := dialStation(t, url, "CS-T", Options{MessageTimeout: 100 * time.Millisecond, Logger: log.logger()})
	peer := recvConn(t, peers)

	_, err := st.Call(testCtx(t), "Heartbeat", nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	late := peer.read(t)
	peer.write(t, fmt.Sprintf(`[3,%s,{"late":true}]`, late[1]))
	peer.write(t, `[3,"never-sent",{"stray":true}]`)
	peer.write(t, `[4,"never-sent-either","InternalError","",{}]`)
	log.waitFor(t, "dropped answer", "id="+str(t, late[1]), "id=never-sent ", "id=never-sent-either")

	errc := make(chan error, 1)
	var res json.RawMessage
	go func() {
		var err error
		res, err = st.Call(context.Background(), "Heartbeat", nil)
		errc <- err
	}()
	call := peer.read(t)
	if string(call[1]) == string(late[1]) {
		t.Fatalf("retry reused message id %s", call[1])
	}
	peer.write(t, fmt.Sprintf(`[3,%s,{"fresh":true}]`, call[1]))
	if err := <-errc; err != nil || string(res) != `{"fresh":true}` {
		t.Fatalf("call after timeout: %s %v", res, err)
	}
	if st.Err() != nil {
		t.Fatalf("connection closed: %v", st.Err())
	}
}

// TestPingDetectsDeadPeer: a peer that stops answering pings is detected
// and the Conn closes with ErrPongTimeout.
func TestPingDetectsDeadPeer(t *testing.T) {
	url, _ := startRawPeer(t, false)
	st := dialStation(t, url, "CS-P", Options{PingInterval: 20 * time.Millisecond, PongTimeout: 50 * time.Millisecond})
	select {
	case <-st.Done():
	case <-time.After(wait):
		t.Fatal("dead peer not detected")
	}
	if err := st.Err(); !errors.Is(err, ErrPongTimeout) || !errors.Is(err, ErrClosed) {
		t.Fatalf("got %v, want ErrPongTimeout", err)
	}
}

// TestPingKeepsLivePeer: pings go out and a peer answering them keeps the
// connection open.
func TestPingKeepsLivePeer(t *testing.T) {
	url, peers := startRawPeer(t, true)
	st := dialStation(t, url, "CS-L", Options{PingInterval: 10 * time.Millisecond, PongTimeout: wait})
	peer := recvConn(t, peers)
	for peer.pings.Load() < 5 {
		select {
		case <-st.Done():
			t.Fatalf("closed while peer answered pings: %v", st.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if st.Err() != nil {
		t.Fatalf("closed: %v", st.Err())
	}
}

// TestCloseReleasesCall: closing, from either side, ends a pending Call
// with ErrClosed and closes Done.
func TestCloseReleasesCall(t *testing.T) {
	for _, side := range []string{"station", "peer"} {
		t.Run(side, func(t *testing.T) {
			url, peers := startRawPeer(t, true)
			st := dialStation(t, url, "CS-C", Options{})
			peer := recvConn(t, peers)
			errc := make(chan error, 1)
			go func() { _, err := st.Call(context.Background(), "Heartbeat", nil); errc <- err }()
			peer.read(t)
			if side == "station" {
				_ = st.Close()
			} else {
				_ = peer.ws.Close()
			}
			if err := <-errc; !errors.Is(err, ErrClosed) {
				t.Fatalf("pending call got %v, want ErrClosed", err)
			}
			<-st.Done()
			if _, err := st.Call(testCtx(t), "Heartbeat", nil); !errors.Is(err, ErrClosed) {
				t.Fatalf("call after close got %v", err)
			}
		})
	}
}

// TestOwnRequestValidated: an invalid outgoing request never reaches the wire.
func TestOwnRequestValidated(t *testing.T) {
	v := needSchemas(t)
	url, peers := startRawPeer(t, true)
	st := dialStation(t, url, "CS-V", Options{Validator: v})
	peer := recvConn(t, peers)
	_, err := st.Call(testCtx(t), "BootNotification", []byte(`{"reason":"PowerUp"}`))
	if codeOf(err) != OccurrenceConstraintViolation {
		t.Fatalf("got %v, want OccurrenceConstraintViolation", err)
	}
	if _, err := st.Call(testCtx(t), "BootNotification", []byte(`[1]`)); err == nil {
		t.Fatal("array payload accepted")
	}
	peer.quiet(t, 100*time.Millisecond)
}

// TestCloseInOnConnect: a CSMS refusing a station from OnConnect does not
// hang, and the station sees the close.
func TestCloseInOnConnect(t *testing.T) {
	url, _ := startServer(t, &Server{OnConnect: func(_ string, c *Conn) { _ = c.Close() }})
	st := dialStation(t, url, "CS-X", Options{})
	select {
	case <-st.Done():
	case <-time.After(wait):
		t.Fatal("station not closed")
	}
	if !errors.Is(st.Err(), ErrClosed) {
		t.Fatalf("got %v", st.Err())
	}
}
