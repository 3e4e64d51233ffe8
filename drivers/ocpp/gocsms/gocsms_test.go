package gocsms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	ocppgo "github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/availability"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/meter"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/remotecontrol"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/transactions"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/lorenzodonini/ocpp-go/ocppj"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// The station side of these tests is the project's rpc client validating
// every answer against the OCA schemas, or bare gorilla/websocket where the
// answer's bytes matter.

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startCSMS runs a CSMS that checks what stations send against the OCA
// schemas too.
func startCSMS(t *testing.T) (*CSMS, *ocaschema.Validator) {
	v := ocaschema.Need(t)
	return New(t, Options{Validator: v}), v
}

// station dials c as id with the rpc client; handler answers the CSMS.
func station(t *testing.T, c *CSMS, v *ocaschema.Validator, id string, timeout time.Duration, handler rpc.Handler) *rpc.Conn {
	t.Helper()
	conn, _, err := rpc.Dial(ctxT(t), rpc.DialOptions{URL: c.URL, StationID: id, Options: rpc.Options{
		Handler: handler, Validator: v, MessageTimeout: timeout, Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Call(ctxT(t), "BootNotification", json.RawMessage(`{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// txEvent is a schema-valid TransactionEventRequest; token "" sends none.
func txEvent(tx string, seq int, token string) json.RawMessage {
	p := fmt.Sprintf(`{"eventType":"Updated","timestamp":"2026-12-03T10:00:00Z","triggerReason":"MeterValuePeriodic","seqNo":%d,"transactionInfo":{"transactionId":%q}`, seq, tx)
	if token != "" {
		p += fmt.Sprintf(`,"idToken":{"idToken":%q,"type":"ISO14443"}`, token)
	}
	return json.RawMessage(p + "}")
}

func TestAuthorizeAndTransactionEventStatusPerToken(t *testing.T) {
	c, v := startCSMS(t)
	c.SetAuthorizeStatus("BAD", types.AuthorizationStatusInvalid)
	c.SetTransactionEventStatus("BAD", types.AuthorizationStatusInvalid)
	conn := station(t, c, v, "GO-AUTH", 0, nil)
	call := func(action string, payload json.RawMessage) string {
		t.Helper()
		res, err := conn.Call(ctxT(t), action, payload)
		if err != nil {
			t.Fatalf("%s %s: %v", action, payload, err)
		}
		return string(res)
	}
	tests := []struct {
		action  string
		payload json.RawMessage
		want    string
	}{
		{"Authorize", json.RawMessage(`{"idToken":{"idToken":"BAD","type":"ISO14443"}}`), `{"idTokenInfo":{"status":"Invalid"}}`},
		{"Authorize", json.RawMessage(`{"idToken":{"idToken":"GOOD","type":"ISO14443"}}`), `{"idTokenInfo":{"status":"Accepted"}}`},
		{"TransactionEvent", txEvent("TX", 0, "BAD"), `{"idTokenInfo":{"status":"Invalid"}}`},
		{"TransactionEvent", txEvent("TX", 1, "GOOD"), `{"idTokenInfo":{"status":"Accepted"}}`},
		{"TransactionEvent", txEvent("TX", 2, ""), `{}`},
	}
	for _, tc := range tests {
		if got := call(tc.action, tc.payload); got != tc.want {
			t.Errorf("%s %s answered %s, want %s", tc.action, tc.payload, got, tc.want)
		}
	}
	c.SetAuthorizeStatus("BAD", "")
	if got := call("Authorize", tests[0].payload); got != tests[1].want {
		t.Errorf("after clearing, BAD answered %s", got)
	}
	auth := c.Messages("GO-AUTH", "Authorize")
	if len(auth) != 3 || string(auth[0].Payload) != string(tests[0].payload) {
		t.Fatalf("Authorize recorded %+v", auth)
	}
	bad, m, err := WaitRequest(ctxT(t), c, 0, "GO-AUTH", func(r *transactions.TransactionEventRequest) bool {
		return r.IDToken != nil && r.IDToken.IdToken == "BAD"
	})
	if err != nil || bad.SequenceNo != 0 || m.Action != "TransactionEvent" || m.Index != 3 {
		t.Fatalf("WaitRequest: %+v, %+v, %v", bad, m, err)
	}
	evs, err := Requests[transactions.TransactionEventRequest](c, "GO-AUTH")
	if err != nil || len(evs) != 3 || evs[0].IDToken.IdToken != "BAD" || evs[2].SequenceNo != 2 {
		t.Fatalf("typed TransactionEvents %+v, %v", evs, err)
	}
}

func TestCallErrorTwiceThenAccepted(t *testing.T) {
	c, v := startCSMS(t)
	if err := c.FaultTransactionEvents(csmsfault.CallError, csmsfault.CallError); err != nil {
		t.Fatal(err)
	}
	conn := station(t, c, v, "GO-ERR", 0, nil)
	for i := range 3 {
		_, err := conn.Call(ctxT(t), "TransactionEvent", txEvent("TX-1", 0, ""))
		var oe *rpc.Error
		if i < 2 && (!errors.As(err, &oe) || oe.Code != rpc.InternalError) {
			t.Fatalf("attempt %d: %v, want CALLERROR InternalError", i, err)
		}
		if i == 2 && err != nil {
			t.Fatalf("attempt 3 after the faults: %v", err)
		}
	}
	msgs := c.Messages("GO-ERR", "TransactionEvent")
	if len(msgs) != 3 || msgs[0].Fault != csmsfault.CallError || msgs[1].Fault != csmsfault.CallError || msgs[2].Fault != "" {
		t.Fatalf("recorded %+v", msgs)
	}
	if s := txledger.New(c.TransactionEvents("GO-ERR")).Summary(); s.Duplicated != 2 || s.NotIdentical != 0 {
		t.Fatalf("ledger of the payloads alone %s, want 2 identical duplicates", s)
	}
	if s := c.Ledger("GO-ERR").Summary(); s.Duplicated != 0 || s.Retried != 2 {
		t.Fatalf("ledger knowing the faults %s, want 2 retries and no duplicate", s)
	}
	if c.PendingFaults() != 0 {
		t.Fatalf("%d faults left", c.PendingFaults())
	}
}

// rawStation is a bare WebSocket station, to see answers as bytes.
func rawStation(t *testing.T, c *CSMS, id string) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{"ocpp2.0.1"}, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.Dial(c.URL+"/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func rawCall(t *testing.T, ws *websocket.Conn, id, action string, payload json.RawMessage) string {
	t.Helper()
	if err := ws.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, `[2,%q,%q,%s]`, id, action, payload)); err != nil {
		t.Fatal(err)
	}
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGarbageAndBadFrame(t *testing.T) {
	c, v := startCSMS(t)
	if err := c.FaultTransactionEvents(csmsfault.Garbage, csmsfault.BadFrame); err != nil {
		t.Fatal(err)
	}
	ws := rawStation(t, c, "GO-GARBAGE")
	got := rawCall(t, ws, "g1", "TransactionEvent", txEvent("TX", 0, ""))
	var f []json.RawMessage
	if json.Unmarshal([]byte(got), &f) != nil || len(f) != 3 || string(f[0]) != "3" || string(f[1]) != `"g1"` {
		t.Fatalf("garbage answer %s is not a CALLRESULT to g1", got)
	}
	if err := v.ValidateResponse("TransactionEvent", f[2]); err == nil {
		t.Fatalf("garbage answer %s passes the OCA schema", f[2])
	}
	if got := rawCall(t, ws, "g2", "TransactionEvent", txEvent("TX", 1, "")); json.Valid([]byte(got)) || !strings.HasPrefix(got, `[3,"g2"`) {
		t.Fatalf("bad frame %s", got)
	}
	if got := rawCall(t, ws, "g3", "TransactionEvent", txEvent("TX", 2, "")); got != `[3,"g3",{}]` {
		t.Fatalf("after the faults: %s", got)
	}
}

func TestNoAnswer(t *testing.T) {
	c, v := startCSMS(t)
	if err := c.FaultTransactionEvents(csmsfault.NoAnswer); err != nil {
		t.Fatal(err)
	}
	conn := station(t, c, v, "GO-SILENT", 500*time.Millisecond, nil)
	if _, err := conn.Call(ctxT(t), "TransactionEvent", txEvent("TX", 0, "")); !errors.Is(err, rpc.ErrTimeout) {
		t.Fatalf("unanswered TransactionEvent: %v, want the station's timeout", err)
	}
	if _, err := conn.Call(ctxT(t), "TransactionEvent", txEvent("TX", 0, "")); err != nil {
		t.Fatalf("the resend: %v", err)
	}
	if m := c.Messages("GO-SILENT", "TransactionEvent"); len(m) != 2 || m[0].Fault != csmsfault.NoAnswer {
		t.Fatalf("recorded %+v", m)
	}
}

func TestCloseOnTransactionEvent(t *testing.T) {
	c, v := startCSMS(t)
	if err := c.FaultTransactionEvents(csmsfault.Close); err != nil {
		t.Fatal(err)
	}
	conn := station(t, c, v, "GO-DROP", 0, nil)
	if _, err := conn.Call(ctxT(t), "TransactionEvent", txEvent("TX", 0, "")); !errors.Is(err, rpc.ErrClosed) {
		t.Fatalf("TransactionEvent: %v, want the connection closed", err)
	}
	gone := func(conn Connection) bool { return conn.Station == "GO-DROP" && !conn.Connected }
	if err := c.WaitConnections(ctxT(t), 1, gone); err != nil {
		t.Fatal(err)
	}
	conn = station(t, c, v, "GO-DROP", 0, nil)
	if _, err := conn.Call(ctxT(t), "TransactionEvent", txEvent("TX", 0, "")); err != nil {
		t.Fatalf("after reconnecting: %v", err)
	}
	if n := len(c.TransactionEvents("GO-DROP")); n != 2 {
		t.Fatalf("%d TransactionEvents recorded, want 2", n)
	}
}

// TestValidatorCatchesWhatOcppGoTakes: ocpp-go ignores a field the OCA
// schema forbids; the Validator makes it a problem. MeterValues and
// StatusNotification are recorded and decode.
func TestValidatorCatchesWhatOcppGoTakes(t *testing.T) {
	c, v := startCSMS(t)
	conn := station(t, c, v, "GO-EXTRA", 0, nil)
	for _, m := range []struct {
		action  string
		payload string
	}{
		{"StatusNotification", `{"timestamp":"2026-12-03T10:00:00Z","connectorStatus":"Occupied","evseId":1,"connectorId":1}`},
		{"MeterValues", `{"evseId":1,"meterValue":[{"timestamp":"2026-12-03T10:00:00Z","sampledValue":[{"value":1234.5,"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}}]}]}`},
	} {
		if _, err := conn.Call(ctxT(t), m.action, json.RawMessage(m.payload)); err != nil {
			t.Fatalf("%s: %v", m.action, err)
		}
	}
	if p := c.Problems(); len(p) != 0 {
		t.Fatalf("valid frames made problems: %q", p)
	}
	mv, err := Requests[meter.MeterValuesRequest](c, "GO-EXTRA")
	if err != nil || len(mv) != 1 || mv[0].MeterValue[0].SampledValue[0].Value != 1234.5 {
		t.Fatalf("MeterValues %+v, %v", mv, err)
	}
	sn, err := Requests[availability.StatusNotificationRequest](c, "GO-EXTRA")
	if err != nil || len(sn) != 1 || sn[0].ConnectorStatus != availability.ConnectorStatusOccupied {
		t.Fatalf("StatusNotification %+v, %v", sn, err)
	}
	// Sent raw: the rpc client would refuse to send it.
	extra := strings.Replace(string(txEvent("TX", 0, "")), `{`, `{"surplus":1,`, 1)
	if got := rawCall(t, rawStation(t, c, "GO-RAW"), "x1", "TransactionEvent", json.RawMessage(extra)); got != `[3,"x1",{}]` {
		t.Fatalf("ocpp-go answered the surplus field with %s", got)
	}
	if p := c.TakeProblems(); len(p) != 1 || !strings.Contains(p[0], "GO-RAW sent TransactionEvent") {
		t.Fatalf("problems %q, want the surplus field", p)
	}
}

// answering is a station handler with a fixed answer per action.
func answering(answers map[string]string) rpc.Handler {
	return func(_ context.Context, action string, _ json.RawMessage) (any, error) {
		a, ok := answers[action]
		if !ok {
			return nil, rpc.Errorf(rpc.NotImplemented, "%s", action)
		}
		return json.RawMessage(a), nil
	}
}

// TestSessionRequests sends the session requests and gets typed answers;
// the station validates each request against the OCA schemas.
func TestSessionRequests(t *testing.T) {
	c, v := startCSMS(t)
	station(t, c, v, "GO-CALLS", 0, answering(map[string]string{
		"RequestStartTransaction": `{"status":"Accepted","transactionId":"TX-7"}`,
		"RequestStopTransaction":  `{"status":"Rejected"}`,
		"GetTransactionStatus":    `{"ongoingIndicator":true,"messagesInQueue":true}`,
		"TriggerMessage":          `{"status":"Accepted"}`,
		"SetVariables":            `{"setVariableResult":[{"attributeStatus":"Accepted","component":{"name":"TxCtrlr"},"variable":{"name":"EVConnectionTimeOut"}}]}`,
	}))
	ctx := ctxT(t)
	evse := 1
	start := remotecontrol.NewRequestStartTransactionRequest(7, types.IdToken{IdToken: "TAG", Type: types.IdTokenTypeCentral})
	start.EvseID = &evse
	if res, err := c.RequestStartTransaction(ctx, "GO-CALLS", start); err != nil || res.Status != remotecontrol.RequestStartStopStatusAccepted || res.TransactionID != "TX-7" {
		t.Errorf("RequestStartTransaction: %+v, %v", res, err)
	}
	if res, err := c.RequestStopTransaction(ctx, "GO-CALLS", "TX-7"); err != nil || res.Status != remotecontrol.RequestStartStopStatusRejected {
		t.Errorf("RequestStopTransaction: %+v, %v", res, err)
	}
	if res, err := c.GetTransactionStatus(ctx, "GO-CALLS", "TX-7"); err != nil || res.OngoingIndicator == nil || !*res.OngoingIndicator || !res.MessagesInQueue {
		t.Errorf("GetTransactionStatus: %+v, %v", res, err)
	}
	trigger := remotecontrol.NewTriggerMessageRequest(remotecontrol.MessageTriggerTransactionEvent)
	trigger.Evse = &types.EVSE{ID: 1}
	if res, err := c.TriggerMessage(ctx, "GO-CALLS", trigger); err != nil || res.Status != remotecontrol.TriggerMessageStatusAccepted {
		t.Errorf("TriggerMessage: %+v, %v", res, err)
	}
	set := provisioning.SetVariableData{Component: types.Component{Name: "TxCtrlr"}, Variable: types.Variable{Name: "EVConnectionTimeOut"}, AttributeValue: "30"}
	if res, err := c.SetVariables(ctx, "GO-CALLS", set); err != nil || len(res.SetVariableResult) != 1 || res.SetVariableResult[0].AttributeStatus != provisioning.SetVariableStatusAccepted {
		t.Errorf("SetVariables: %+v, %v", res, err)
	}
	var oe *ocppgo.Error
	if _, err := c.GetVariables(ctx, "GO-CALLS", provisioning.GetVariableData{Component: set.Component, Variable: set.Variable}); !errors.As(err, &oe) || oe.Code != ocppj.NotImplemented {
		t.Errorf("GetVariables, which the station does not serve: %v, want CALLERROR NotImplemented", err)
	}
}

// TestInvalidAnswerIsAProblem: a station answering against the schema
// gets an error and a problem.
func TestInvalidAnswerIsAProblem(t *testing.T) {
	c, _ := startCSMS(t)
	conn, _, err := rpc.Dial(ctxT(t), rpc.DialOptions{URL: c.URL, StationID: "GO-BAD", Options: rpc.Options{ // no Validator: it would refuse to answer
		Handler: answering(map[string]string{"RequestStartTransaction": `{"status":"Started"}`}), Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := c.WaitConnections(ctxT(t), 1, func(conn Connection) bool { return conn.Station == "GO-BAD" && conn.Connected }); err != nil {
		t.Fatal(err)
	}
	start := remotecontrol.NewRequestStartTransactionRequest(8, types.IdToken{IdToken: "TAG", Type: types.IdTokenTypeCentral})
	res, err := c.RequestStartTransaction(ctxT(t), "GO-BAD", start)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("invalid answer: %+v, %v; want it refused", res, err)
	}
	p := c.TakeProblems()
	if len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), "RequestStartTransaction") {
		t.Fatalf("problems %q, want the invalid RequestStartTransaction answer", p)
	}
}

func TestBasicAuth(t *testing.T) {
	c := New(t, Options{BasicAuth: true, Password: "right-password"})
	dial := func(password string) error {
		conn, _, err := rpc.Dial(ctxT(t), rpc.DialOptions{URL: c.URL, StationID: "GO-PASS", Password: password,
			Options: rpc.Options{Logger: slog.New(slog.DiscardHandler)}})
		if err == nil {
			conn.Close()
		}
		return err
	}
	if err := dial("wrong-password"); !errors.Is(err, rpc.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	c.SetPassword("new-password")
	if err := dial("right-password"); !errors.Is(err, rpc.ErrUnauthorized) {
		t.Fatalf("the replaced password: %v", err)
	}
	if err := dial("new-password"); err != nil {
		t.Fatal(err)
	}
	conns := c.Connections()
	if len(conns) == 0 || conns[0] != (Connection{Station: "GO-PASS", Connected: true, User: "GO-PASS", Password: "new-password", BasicAuth: true}) {
		t.Fatalf("connections %+v, want the one accepted handshake first", conns)
	}
}

func TestUnknownFaultRefused(t *testing.T) {
	c := New(t, Options{})
	if err := c.FaultTransactionEvents(csmsfault.NoAnswer, "explode"); err == nil || !strings.Contains(err.Error(), "explode") {
		t.Fatalf("FaultTransactionEvents with an unknown fault: %v", err)
	}
	if c.PendingFaults() != 0 {
		t.Fatal("a refused queue was kept")
	}
}

func TestBootPendingThenAccepted(t *testing.T) {
	c, v := startCSMS(t)
	c.SetBoot(provisioning.RegistrationStatusPending, 5)
	ws := rawStation(t, c, "GO-PENDING")
	boot := json.RawMessage(`{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`)
	for i, want := range []provisioning.RegistrationStatus{provisioning.RegistrationStatusPending, provisioning.RegistrationStatusAccepted} {
		var f []json.RawMessage
		if err := json.Unmarshal([]byte(rawCall(t, ws, fmt.Sprint("b", i), "BootNotification", boot)), &f); err != nil || len(f) != 3 {
			t.Fatalf("boot %d: %s, %v", i, f, err)
		}
		var res provisioning.BootNotificationResponse
		if err := json.Unmarshal(f[2], &res); err != nil || res.Status != want || res.Interval != 5 {
			t.Fatalf("boot %d answered %s, want %s with interval 5", i, f[2], want)
		}
		if err := v.ValidateResponse("BootNotification", f[2]); err != nil {
			t.Fatal(err)
		}
		c.SetBoot(provisioning.RegistrationStatusAccepted, 5)
	}
}
