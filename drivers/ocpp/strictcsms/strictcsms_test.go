package strictcsms

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func start(t *testing.T) *CSMS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx)
	if err != nil {
		if os.Getenv("CI") == "" && err == ErrNoNode {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

func dial(t *testing.T, c *CSMS, identity, password string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	if password != "" {
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(identity+":"+password)))
	}
	d := websocket.Dialer{Subprotocols: []string{"ocpp2.0.1"}, HandshakeTimeout: 10 * time.Second}
	ws, resp, err := d.Dial(c.URL+"/"+identity, h)
	if err != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP %d)", identity, err, code)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func roundTrip(t *testing.T, ws *websocket.Conn, frame string) []json.RawMessage {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var msg []json.RawMessage
	if err := json.Unmarshal(b, &msg); err != nil {
		t.Fatalf("reply %s: %v", b, err)
	}
	return msg
}

const boot = `[2,"m1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}]`

func TestValidCallIsAnsweredAndRecorded(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-1", "secret-password")
	msg := roundTrip(t, ws, boot)
	if string(msg[0]) != "3" || !strings.Contains(string(msg[2]), `"status":"Accepted"`) {
		t.Fatalf("BootNotification reply %s", msg)
	}
	ev, err := c.WaitEvent(context.Background(), func(e Event) bool { return e.Ev == "connect" })
	if err != nil || ev.Identity != "ST-1" || ev.Password == nil || *ev.Password != "secret-password" || ev.Protocol != "ocpp2.0.1" {
		t.Fatalf("connect event %+v, %v", ev, err)
	}
	if f := c.Failures(); len(f) != 0 {
		t.Fatalf("a valid call was reported as a failure: %+v", f)
	}
}

// TestInvalidCallIsAFailure proves the peer is strict: a BootNotification
// whose model is longer than the schema's maxLength 20 is refused and reported.
func TestInvalidCallIsAFailure(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-2", "")
	msg := roundTrip(t, ws, strings.Replace(boot, `"model":"M"`, `"model":"`+strings.Repeat("m", 21)+`"`, 1))
	if string(msg[0]) != "4" {
		t.Fatalf("over-long model accepted: %s", msg)
	}
	ev, err := c.WaitEvent(context.Background(), func(e Event) bool { return e.Ev == "strictValidationFailure" })
	if err != nil || ev.Method != "BootNotification" || ev.Outbound {
		t.Fatalf("failure event %+v, %v", ev, err)
	}
	if len(c.Failures()) != 1 {
		t.Fatalf("failures %+v", c.Failures())
	}
}

func TestCallToStationAndBadReply(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-3", "")
	roundTrip(t, ws, boot)
	answer := func(reply string) {
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Error(err)
			return
		}
		var call []json.RawMessage
		json.Unmarshal(b, &call)
		ws.WriteMessage(websocket.TextMessage, []byte(`[3,`+string(call[1])+`,`+reply+`]`))
	}
	ctx := context.Background()
	// One answer at a time, each finished before the next starts: the
	// WebSocket takes one writer.
	answered := make(chan struct{})
	go func() { answer(`{"status":"Accepted"}`); close(answered) }()
	res, err := c.Call(ctx, "ST-3", "Reset", map[string]any{"type": "Immediate"})
	<-answered
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset: %s, %v", res, err)
	}
	answered = make(chan struct{})
	go func() { answer(`{"status":"Sure"}`); close(answered) }() // not a ResetStatusEnumType value
	_, err = c.Call(ctx, "ST-3", "Reset", map[string]any{"type": "Immediate"})
	<-answered
	if err == nil {
		t.Fatal("an invalid reply was accepted")
	}
	if _, err := c.WaitEvent(ctx, func(e Event) bool { return e.Ev == "strictValidationFailure" && !e.IsCall }); err != nil {
		t.Fatal(err)
	}
}

func TestPasswordsEnforced(t *testing.T) {
	c := start(t)
	if err := c.Set(context.Background(), Settings{Passwords: map[string]string{"ST-4": "right-password"}}); err != nil {
		t.Fatal(err)
	}
	d := websocket.Dialer{Subprotocols: []string{"ocpp2.0.1"}}
	h := http.Header{"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte("ST-4:wrong-password"))}}
	if _, resp, err := d.Dial(c.URL+"/ST-4", h); err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: err %v", err)
	}
	dial(t, c, "ST-4", "right-password")
}
