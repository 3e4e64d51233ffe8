package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// wait bounds every blocking step of a test so a bug fails instead of
// hanging; no test asserts how long anything took.
const wait = 10 * time.Second

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// startServer runs s on a loopback httptest server and returns its ws://
// base URL and the Conns it accepts.
func startServer(t testing.TB, s *Server) (string, <-chan *Conn) {
	t.Helper()
	conns := make(chan *Conn, 16)
	user := s.OnConnect
	s.OnConnect = func(id string, c *Conn) {
		if user != nil {
			user(id, c)
		}
		select {
		case conns <- c:
		default:
		}
	}
	if s.Options.Logger == nil {
		s.Options.Logger = quiet()
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp", conns
}

// rawPeer is a CSMS that hands the test the bare socket, so the test can
// send any frame it likes and see exactly what the station answers. A
// reader goroutine queues the frames so "nothing arrived" can be checked
// without breaking the socket with a read deadline.
type rawPeer struct {
	ws     *websocket.Conn
	frames chan []byte
	gone   chan struct{}
	pings  atomic.Int32
}

// startRawPeer accepts stations; answerPings false makes a peer that reads
// but never pongs, i.e. looks dead to WebSocket keep-alive.
func startRawPeer(t *testing.T, answerPings bool) (string, <-chan *rawPeer) {
	t.Helper()
	peers := make(chan *rawPeer, 4)
	up := websocket.Upgrader{Subprotocols: []string{Subprotocol}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		p := &rawPeer{ws: ws, frames: make(chan []byte, 64), gone: make(chan struct{})}
		ping := ws.PingHandler()
		ws.SetPingHandler(func(data string) error {
			p.pings.Add(1)
			if answerPings {
				return ping(data)
			}
			return nil
		})
		go p.readLoop()
		peers <- p
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http"), peers
}

func (p *rawPeer) readLoop() {
	defer close(p.gone)
	for {
		_, data, err := p.ws.ReadMessage()
		if err != nil {
			return
		}
		p.frames <- data
	}
}

// read returns the next frame's array elements.
func (p *rawPeer) read(t *testing.T) []json.RawMessage {
	t.Helper()
	select {
	case data := <-p.frames:
		var elems []json.RawMessage
		if err := json.Unmarshal(data, &elems); err != nil {
			t.Fatalf("station sent non-array %s: %v", data, err)
		}
		return elems
	case <-p.gone:
		t.Fatal("station closed the connection")
	case <-time.After(wait):
		t.Fatal("station sent nothing")
	}
	return nil
}

// quiet fails if a frame arrives within d. It can only catch a frame sent
// wrongly; it never fails a correct implementation.
func (p *rawPeer) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case data := <-p.frames:
		t.Fatalf("unexpected frame %s", data)
	case <-time.After(d):
	}
}

func (p *rawPeer) write(t *testing.T, frame string) {
	t.Helper()
	if err := p.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatalf("raw peer write: %v", err)
	}
}

func dialStation(t testing.TB, url, id string, opts Options) *Conn {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet()
	}
	c, _, err := Dial(testCtx(t), DialOptions{URL: url, StationID: id, Options: opts})
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func recvConn[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatal("no connection arrived")
	}
	var zero T
	return zero
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("element %s is not a string", raw)
	}
	return s
}

// echoHandler answers the CSMS-to-station actions the tests use with
// schema-valid responses.
func stationHandler(_ context.Context, action string, _ json.RawMessage) (any, error) {
	switch action {
	case "Reset", "ClearCache":
		return map[string]string{"status": "Accepted"}, nil
	case "DataTransfer":
		return []byte(`{"status":"UnknownVendorId"}`), nil
	case "Heartbeat":
		return map[string]string{"currentTime": "2026-01-01T00:00:00Z"}, nil
	}
	return nil, nil
}

// blockingHandler answers Accepted once release is closed.
func blockingHandler(release <-chan struct{}) Handler {
	return func(ctx context.Context, _ string, _ json.RawMessage) (any, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return map[string]string{"status": "Accepted"}, nil
	}
}

// logSink captures a Conn's log lines so tests can check that dropped
// frames and failures are reported, not just swallowed.
type logSink struct{ testutil.Buffer }

func (s *logSink) logger() *slog.Logger { return slog.New(slog.NewTextHandler(s, nil)) }

// waitFor polls until the log holds all the fragments: the reader logs
// asynchronously to the test.
func (s *logSink) waitFor(t *testing.T, fragments ...string) {
	t.Helper()
	testutil.Eventually(t, wait, "log lines", func() string {
		text := s.String()
		for _, f := range fragments {
			if !strings.Contains(text, f) {
				return fmt.Sprintf("log lacks %q:\n%s", f, text)
			}
		}
		return ""
	})
}
