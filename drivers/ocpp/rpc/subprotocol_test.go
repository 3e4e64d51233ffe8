package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestOtherVersionSubprotocol: the layer is not tied to 2.0.1. A Server
// and a station that both name ocpp1.6 connect and exchange a CALL; a
// station naming ocpp1.6 against a 2.0.1 Server is refused, and a 2.0.1
// station gets ErrSubprotocol from a 1.6 CSMS.
func TestOtherVersionSubprotocol(t *testing.T) {
	const v16 = "ocpp1.6"
	srv := &Server{Options: Options{Subprotocol: v16}, OnConnect: func(_ string, c *Conn) {
		c.SetHandler(func(_ context.Context, action string, _ json.RawMessage) (any, error) {
			return map[string]string{"currentTime": "2026-12-03T00:00:00Z", "action": action}, nil
		})
	}}
	url16, conns := startServer(t, srv)
	st := dialStation(t, url16, "CS-16", Options{Subprotocol: v16})
	if got := recvConn(t, conns).ws.Subprotocol(); got != v16 {
		t.Fatalf("negotiated %q, want %q", got, v16)
	}
	got, err := st.Call(testCtx(t), "Heartbeat", struct{}{})
	if err != nil || !strings.Contains(string(got), `"action":"Heartbeat"`) {
		t.Fatalf("1.6 Heartbeat: %s, %v", got, err)
	}

	_, _, err = Dial(testCtx(t), DialOptions{URL: url16, StationID: "CS-201", Options: Options{Logger: quiet()}})
	if !errors.Is(err, ErrSubprotocol) || !strings.Contains(err.Error(), `"ocpp2.0.1"`) {
		t.Fatalf("2.0.1 station against a 1.6 CSMS: %v, want ErrSubprotocol naming ocpp2.0.1", err)
	}
}

// TestTraceWithoutRedactShowsNoContent: which fields are secret depends on
// the version's messages; a Conn that was given no Redact logs a frame's
// size only, never a token it cannot recognise.
func TestTraceWithoutRedactShowsNoContent(t *testing.T) {
	var out testutil.Buffer
	lg, err := logging.New(logging.Options{Levels: "trace", Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	url, peers := startRawPeer(t, true)
	conn := dialStation(t, url, "CP043", Options{Logger: lg.With("station", "CP043")})
	defer conn.Close()
	peer := recvConn(t, peers)
	done := make(chan error, 1)
	go func() {
		_, err := conn.Call(context.Background(), "Authorize", map[string]any{"idToken": map[string]string{"idToken": "TOKEN-9999", "type": "ISO14443"}})
		done <- err
	}()
	elems := peer.read(t)
	peer.write(t, `[3,`+string(elems[1])+`,{"idTokenInfo":{"status":"Accepted"}}]`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	logs := out.String()
	if strings.Contains(logs, "TOKEN-9999") || strings.Contains(logs, "Authorize") {
		t.Errorf("a frame's content was traced without a Redact:\n%s", logs)
	}
	if strings.Count(logs, "no Redact configured") != 2 {
		t.Errorf("want both frames traced by size:\n%s", logs)
	}
}
