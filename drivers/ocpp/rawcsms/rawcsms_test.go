package rawcsms

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// TestAnswers drives the CSMS with a bare gorilla client: each fault
// produces its frame, the OK answers pass the OCPP schemas, and the
// connection counts follow.
func TestAnswers(t *testing.T) {
	faults := []Fault{OK, CallError, NoAnswer, Garbage, WrongID, Invalid, OK, Close}
	cs := Start(func(action string, n int) Fault { return faults[n] })
	defer cs.Stop()
	d := websocket.Dialer{Subprotocols: []string{"ocpp2.0.1"}}
	ws, _, err := d.Dial(cs.URL+"/RAW-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	read := func() string {
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		return string(b)
	}
	send := func(id string) {
		if err := ws.WriteMessage(websocket.TextMessage, []byte(`[2,"`+id+`","Heartbeat",{}]`)); err != nil {
			t.Fatal(err)
		}
	}
	send("h0")
	var ok []json.RawMessage
	if err := json.Unmarshal([]byte(read()), &ok); err != nil || string(ok[1]) != `"h0"` {
		t.Fatalf("OK answer %s: %v", ok, err)
	}
	if err := ocpp.ValidateResponse("Heartbeat", ok[2]); err != nil {
		t.Fatalf("OK answer breaks the schema: %v", err)
	}
	send("h1")
	if got := read(); got != `[4,"h1","InternalError","rawcsms refuses Heartbeat",{}]` {
		t.Fatalf("CallError answer %s", got)
	}
	send("h2") // NoAnswer: the next frame answers h3
	send("h3")
	if got := read(); json.Valid([]byte(got)) {
		t.Fatalf("Garbage answer is JSON: %s", got)
	}
	send("h4")
	var wrong []json.RawMessage
	if err := json.Unmarshal([]byte(read()), &wrong); err != nil || string(wrong[1]) != `"not-h4"` {
		t.Fatalf("WrongID answer %s: %v", wrong, err)
	}
	send("h5")
	var bad []json.RawMessage
	if err := json.Unmarshal([]byte(read()), &bad); err != nil || ocpp.ValidateResponse("Heartbeat", bad[2]) == nil {
		t.Fatalf("Invalid answer %s passes the schema (%v)", bad, err)
	}
	send("h6")
	read()
	send("h7") // Close
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Fatal("connection still up after the Close fault")
	}
	if opened, most := cs.Connections("RAW-1"); opened != 1 || most != 1 {
		t.Fatalf("Connections = %d, %d; want 1, 1", opened, most)
	}
	if calls := cs.Calls(); len(calls) != len(faults) || calls[3].Fault != Garbage || calls[3].Station != "RAW-1" {
		t.Fatalf("calls %+v", calls)
	}
}
