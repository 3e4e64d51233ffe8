package strictcsms

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// Tests of the session settings, driven by a hand-written station on
// gorilla/websocket so each answer is seen exactly as sent.

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func set(t *testing.T, c *CSMS, s Settings) {
	t.Helper()
	if err := c.Set(ctxT(t), s); err != nil {
		t.Fatal(err)
	}
}

// txEvent is a schema-valid TransactionEventRequest; token "" sends none.
func txEvent(tx string, seq int, token string) string {
	p := fmt.Sprintf(`{"eventType":"Updated","timestamp":"2026-12-03T10:00:00Z","triggerReason":"MeterValuePeriodic","seqNo":%d,"transactionInfo":{"transactionId":%q}`, seq, tx)
	if token != "" {
		p += fmt.Sprintf(`,"idToken":{"idToken":%q,"type":"ISO14443"}`, token)
	}
	return p + "}"
}

func call(id, action, payload string) string {
	return fmt.Sprintf(`[2,%q,%q,%s]`, id, action, payload)
}

// booted starts a CSMS with faults queued and a station identity
// connected and booted.
func booted(t *testing.T, identity string, faults ...csmsfault.Fault) (*CSMS, *websocket.Conn) {
	t.Helper()
	c := start(t)
	set(t, c, Settings{TransactionEventFaults: faults})
	ws := dial(t, c, identity, "")
	roundTrip(t, ws, boot)
	return c, ws
}

// readFrame reads one raw frame.
func readFrame(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAuthorizeStatusPerToken(t *testing.T) {
	c := start(t)
	set(t, c, Settings{AuthorizeStatus: map[string]string{"BAD": "Invalid", "OLD": "Expired"}})
	ws := dial(t, c, "ST-AUTH", "")
	roundTrip(t, ws, boot)
	for i, tc := range []struct{ token, want string }{{"BAD", "Invalid"}, {"GOOD", "Accepted"}, {"OLD", "Expired"}} {
		msg := roundTrip(t, ws, call(fmt.Sprint("a", i), "Authorize", fmt.Sprintf(`{"idToken":{"idToken":%q,"type":"ISO14443"}}`, tc.token)))
		if string(msg[0]) != "3" || string(msg[2]) != `{"idTokenInfo":{"status":"`+tc.want+`"}}` {
			t.Errorf("Authorize %s answered %s, want status %s", tc.token, msg, tc.want)
		}
	}
	set(t, c, Settings{AuthorizeStatus: map[string]string{}}) // cleared: all Accepted again
	if msg := roundTrip(t, ws, call("a9", "Authorize", `{"idToken":{"idToken":"BAD","type":"ISO14443"}}`)); !strings.Contains(string(msg[2]), "Accepted") {
		t.Errorf("after clearing, BAD answered %s", msg)
	}
	if f := c.Failures(); len(f) != 0 {
		t.Fatalf("failures %+v", f)
	}
}

func TestTransactionEventIdTokenStatus(t *testing.T) {
	c := start(t)
	set(t, c, Settings{TransactionEventStatus: map[string]string{"BAD": "Invalid"}})
	ws := dial(t, c, "ST-TXID", "")
	roundTrip(t, ws, boot)
	if msg := roundTrip(t, ws, call("t1", "TransactionEvent", txEvent("TX", 0, "BAD"))); string(msg[2]) != `{"idTokenInfo":{"status":"Invalid"}}` {
		t.Errorf("TransactionEvent with BAD answered %s", msg)
	}
	for token, want := range map[string]string{"GOOD": `{"idTokenInfo":{"status":"Accepted"}}`, "": `{}`} {
		if msg := roundTrip(t, ws, call("t2", "TransactionEvent", txEvent("TX", 1, token))); string(msg[2]) != want {
			t.Errorf("TransactionEvent with token %q answered %s, want %s", token, msg, want)
		}
	}
}

// TestCallErrorTwiceThenAccepted: two CALLERRORs, then the normal answer;
// every delivery is recorded with its exact bytes and the ledger sees the
// resends as identical duplicates.
func TestCallErrorTwiceThenAccepted(t *testing.T) {
	c, ws := booted(t, "ST-ERR", csmsfault.CallError, csmsfault.CallError)
	payload := strings.Replace(txEvent("TX-1", 0, ""), `"Updated",`, `"Updated" ,`, 1) // bytes ocpp-rpc would not re-encode
	for i, want := range []string{"4", "4", "3"} {
		msg := roundTrip(t, ws, call(fmt.Sprint("e", i), "TransactionEvent", payload))
		if string(msg[0]) != want {
			t.Fatalf("attempt %d answered %s, want message type %s", i, msg, want)
		}
		if want == "4" && string(msg[2]) != `"InternalError"` {
			t.Fatalf("attempt %d: CALLERROR %s, want InternalError", i, msg)
		}
	}
	raws := c.TransactionEvents("ST-ERR")
	if len(raws) != 3 || string(raws[0]) != payload {
		t.Fatalf("recorded %q, want the payload 3 times as sent", raws)
	}
	faults := 0
	for _, e := range c.Events() {
		if e.Ev == "fault" && e.Fault == csmsfault.CallError {
			faults++
		}
	}
	if faults != 2 {
		t.Fatalf("%d fault events, want 2", faults)
	}
	if s := txledger.New(raws).Summary(); s.Duplicated != 2 || s.NotIdentical != 0 {
		t.Fatalf("ledger of the payloads alone %s, want 2 identical duplicates", s)
	}
	if s := c.Ledger("ST-ERR").Summary(); s.Duplicated != 0 || s.Retried != 2 {
		t.Fatalf("ledger knowing the faults %s, want 2 retries and no duplicate", s)
	}
}

// TestGarbageAndBadFrame: the garbage answer breaks the OCA
// TransactionEventResponse schema; the bad frame is not JSON.
func TestGarbageAndBadFrame(t *testing.T) {
	v := ocaschema.Need(t)
	_, ws := booted(t, "ST-GARBAGE", csmsfault.Garbage, csmsfault.BadFrame)
	msg := roundTrip(t, ws, call("g1", "TransactionEvent", txEvent("TX", 0, "")))
	if string(msg[0]) != "3" || string(msg[1]) != `"g1"` {
		t.Fatalf("garbage answer %s is not a CALLRESULT to g1", msg)
	}
	if err := v.ValidateResponse("TransactionEvent", msg[2]); err == nil {
		t.Fatalf("garbage answer %s passes the OCA schema", msg[2])
	}
	ws.WriteMessage(websocket.TextMessage, []byte(call("g2", "TransactionEvent", txEvent("TX", 1, ""))))
	if f := readFrame(t, ws); json.Valid([]byte(f)) || !strings.HasPrefix(f, `[3,"g2"`) {
		t.Fatalf("bad frame %s", f)
	}
	if msg := roundTrip(t, ws, call("g3", "TransactionEvent", txEvent("TX", 2, ""))); string(msg[2]) != `{}` {
		t.Fatalf("after the faults: %s", msg)
	}
	if err := v.ValidateResponse("TransactionEvent", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
}

// TestNoAnswer: the first CALL gets nothing; the next answer on the
// socket is the one to the second CALL.
func TestNoAnswer(t *testing.T) {
	c, ws := booted(t, "ST-SILENT", csmsfault.NoAnswer)
	ws.WriteMessage(websocket.TextMessage, []byte(call("n1", "TransactionEvent", txEvent("TX", 0, ""))))
	if _, err := c.WaitEvent(ctxT(t), func(e Event) bool { return e.Ev == "fault" && e.MessageID == "n1" }); err != nil {
		t.Fatal(err)
	}
	if msg := roundTrip(t, ws, call("n2", "TransactionEvent", txEvent("TX", 0, ""))); string(msg[1]) != `"n2"` || string(msg[2]) != `{}` {
		t.Fatalf("first frame after the unanswered CALL: %s, want the answer to n2", msg)
	}
}

func TestCloseOnTransactionEvent(t *testing.T) {
	c, ws := booted(t, "ST-DROP", csmsfault.Close)
	ws.WriteMessage(websocket.TextMessage, []byte(call("c1", "TransactionEvent", txEvent("TX", 0, ""))))
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, b, err := ws.ReadMessage(); err == nil {
		t.Fatalf("got %s, want the connection closed", b)
	} else if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
		t.Fatalf("the connection stayed open: %v", err)
	}
	if _, err := c.WaitEvent(ctxT(t), func(e Event) bool { return e.Ev == "disconnect" && e.Identity == "ST-DROP" }); err != nil {
		t.Fatal(err)
	}
	ws = dial(t, c, "ST-DROP", "")
	if msg := roundTrip(t, ws, call("c2", "TransactionEvent", txEvent("TX", 0, ""))); string(msg[2]) != `{}` {
		t.Fatalf("after reconnecting: %s", msg)
	}
	if n := len(c.TransactionEvents("ST-DROP")); n != 2 {
		t.Fatalf("%d TransactionEvents recorded, want 2", n)
	}
}

func TestUnknownFaultRefused(t *testing.T) {
	c := start(t)
	err := c.Set(ctxT(t), Settings{TransactionEventFaults: []csmsfault.Fault{"explode"}})
	if err == nil || !strings.Contains(err.Error(), "explode") {
		t.Fatalf("Set with an unknown fault: %v", err)
	}
}

// answerNext reads the CSMS's next CALL on ws and answers it with reply;
// the channel yields the action called, after the answer is written.
func answerNext(t *testing.T, ws *websocket.Conn, reply string) <-chan string {
	done := make(chan string, 1)
	go func() {
		defer close(done)
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := ws.ReadMessage()
		var f []json.RawMessage
		if err != nil || json.Unmarshal(b, &f) != nil || len(f) != 4 {
			t.Errorf("reading the CSMS's CALL: %s, %v", b, err)
			return
		}
		ws.WriteMessage(websocket.TextMessage, []byte(`[3,`+string(f[1])+`,`+reply+`]`))
		var action string
		json.Unmarshal(f[2], &action)
		done <- action
	}()
	return done
}

// TestSessionCalls sends the session CALLs a test needs and shows strict
// validation of the station's answers: valid ones come back, invalid ones
// are an error and a strictValidationFailure.
func TestSessionCalls(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-CALLS", "")
	roundTrip(t, ws, boot)
	tests := []struct {
		action string
		params any
		reply  string
		valid  bool
	}{
		{"RequestStartTransaction", map[string]any{"remoteStartId": 7, "idToken": map[string]any{"idToken": "TAG", "type": "Central"}, "evseId": 1},
			`{"status":"Accepted","transactionId":"TX-7"}`, true},
		{"RequestStartTransaction", map[string]any{"remoteStartId": 8, "idToken": map[string]any{"idToken": "TAG", "type": "Central"}},
			`{"status":"Started"}`, false}, // not a RequestStartStopStatusEnumType
		{"RequestStopTransaction", map[string]any{"transactionId": "TX-7"}, `{"status":"Rejected"}`, true},
		{"RequestStopTransaction", map[string]any{"transactionId": "TX-7"}, `{}`, false}, // status required
		{"GetTransactionStatus", map[string]any{"transactionId": "TX-7"}, `{"ongoingIndicator":true,"messagesInQueue":false}`, true},
		{"GetTransactionStatus", map[string]any{}, `{"messagesInQueue":"no"}`, false},
		{"TriggerMessage", map[string]any{"requestedMessage": "TransactionEvent", "evse": map[string]any{"id": 1}}, `{"status":"Accepted"}`, true},
		{"TriggerMessage", map[string]any{"requestedMessage": "MeterValues"}, `{"status":"Accepted","extra":1}`, false},
	}
	for _, tc := range tests {
		failures := len(c.Failures())
		answered := answerNext(t, ws, tc.reply)
		res, err := c.Call(ctxT(t), "ST-CALLS", tc.action, tc.params)
		if got := <-answered; got != tc.action {
			t.Fatalf("the station was called %q, want %s", got, tc.action)
		}
		switch {
		case tc.valid && (err != nil || string(res) != tc.reply):
			t.Errorf("%s answered %s: got %s, %v", tc.action, tc.reply, res, err)
		case !tc.valid && err == nil:
			t.Errorf("%s: the invalid answer %s was accepted", tc.action, tc.reply)
		case !tc.valid && len(c.Failures()) != failures+1:
			t.Errorf("%s: the invalid answer %s was not reported", tc.action, tc.reply)
		}
	}
	// The CSMS's own CALLs are validated too: a malformed one is not sent.
	if _, err := c.Call(ctxT(t), "ST-CALLS", "RequestStopTransaction", map[string]any{}); err == nil {
		t.Fatal("a RequestStopTransaction without transactionId was sent")
	}
	f := c.Failures()
	if last := f[len(f)-1]; last.Method != "RequestStopTransaction" || !last.Outbound || !last.IsCall {
		t.Fatalf("last failure %+v, want the CSMS's own RequestStopTransaction refused", last)
	}
}

func TestBootPendingThenAccepted(t *testing.T) {
	c := start(t)
	set(t, c, Settings{BootStatus: "Pending", Interval: 5})
	ws := dial(t, c, "ST-PENDING", "")
	if msg := roundTrip(t, ws, boot); !strings.Contains(string(msg[2]), `"status":"Pending","interval":5`) {
		t.Fatalf("BootNotification while Pending: %s", msg)
	}
	set(t, c, Settings{BootStatus: "Accepted"})
	if msg := roundTrip(t, ws, boot); !strings.Contains(string(msg[2]), `"status":"Accepted","interval":5`) {
		t.Fatalf("BootNotification once Accepted: %s", msg)
	}
}
