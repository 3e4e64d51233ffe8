package station

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// sessionTemplate maps the signals sessions are derived from.
func sessionTemplate(f *fixture.Fixture) {
	f.Create(template.Kind, "ev", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Wallbox 22",
		Signals: map[string]string{"evConnected": "false", "charging": "false", "suspended": "false", "energyWh": "0.0", "powerW": "0.0"}})
}

// ev is the charger's state as its poller would write it.
type ev struct {
	plugged, charging, suspended bool
	energyWh, powerW             float64
}

func setEV(f *fixture.Fixture, name string, e ev) {
	controllers.QueueStatusMerge(f.Store, Kind, name, "charger-device", func(s *controllers.Status) error {
		s.SetCondition(v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionTrue, Reason: "Polled"}, time.Now())
		return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1, Signals: map[string]any{
			"evConnected": e.plugged, "charging": e.charging, "suspended": e.suspended, "energyWh": e.energyWh, "powerW": e.powerW}}})
	})
	if err := f.Store.Flush(); err != nil {
		panic(err)
	}
}

// txEvents returns the TransactionEvents the CSMS received from id, decoded.
func txEvents(cs *strictcsms.CSMS, id string) []map[string]any {
	var out []map[string]any
	for _, e := range cs.Events() {
		if e.Ev == "call" && e.Identity == id && e.Method == "TransactionEvent" {
			var m map[string]any
			if json.Unmarshal(e.Params, &m) == nil {
				out = append(out, m)
			}
		}
	}
	return out
}

// summary renders events as "seqNo:eventType/triggerReason/chargingState[/stoppedReason]".
func summary(evs []map[string]any) []string {
	var out []string
	for _, e := range evs {
		info, _ := e["transactionInfo"].(map[string]any)
		line := fmt.Sprintf("%v:%v/%v/%v", e["seqNo"], e["eventType"], e["triggerReason"], info["chargingState"])
		if r, ok := info["stoppedReason"]; ok {
			line += "/" + fmt.Sprint(r)
		}
		out = append(out, line)
	}
	return out
}

func waitTxEvents(t *testing.T, cs *strictcsms.CSMS, id string, n int) []map[string]any {
	t.Helper()
	var evs []map[string]any
	fixture.Within(t, 20*time.Second, fmt.Sprintf("%d TransactionEvents from %s", n, id), func() string {
		evs = txEvents(cs, id)
		if len(evs) >= n {
			return ""
		}
		return fmt.Sprintf("got %v", summary(evs))
	})
	return evs
}

func sessionFixture(t *testing.T, cs *strictcsms.CSMS, cmd *recordingCommander, id string) *fixture.Fixture {
	return sessionFixtureWith(t, cs, cmd, id, csmsSpec())
}

// stationPassword is the Basic-auth password of sessionFixtureWith's CSMS
// when it names the Secret csms-password.
const stationPassword = "station-password-0001"

func sessionFixtureWith(t *testing.T, cs *strictcsms.CSMS, cmd *recordingCommander, id string, csms v1alpha1.CSMSSpec) *fixture.Fixture {
	f := stationFixtureWith(t, cs.URL, csms, cmd)
	if csms.BasicAuthPasswordSecretRef != nil {
		f.Create("Secret", csms.BasicAuthPasswordSecretRef.Name, v1alpha1.SecretSpec{Type: v1alpha1.SecretBasicAuth,
			Data: map[string]string{"password": stationPassword}})
	}
	sessionTemplate(f)
	spec := charger(id, 1)
	spec.TemplateRef = "ev"
	f.Create(Kind, "ch1", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	return f
}

// TestSessionCableFirstThenRemoteStart (E02/F01 with TxStartPoint
// EVConnected,Authorized): plugging in starts the session, held; the remote
// start releases the charger before it is Accepted with the transactionId;
// charging and unplugging follow, every event schema-checked by the strict
// CSMS, seqNo from 0 without gaps, and the Transaction object ends with an
// empty outbox.
func TestSessionCableFirstThenRemoteStart(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-1")
	setEV(f, "ch1", ev{})
	setEV(f, "ch1", ev{plugged: true, suspended: true, energyWh: 1000})
	evs := waitTxEvents(t, cs, "GW-TX-1", 1)
	txID := evs[0]["transactionInfo"].(map[string]any)["transactionId"].(string)

	res, err := cs.Call(ctxT(t), "GW-TX-1", "RequestStartTransaction", map[string]any{"remoteStartId": 42, "evseId": 1,
		"idToken": map[string]any{"idToken": "RFID-1", "type": "ISO14443"}})
	if err != nil || !strings.Contains(string(res), `"status":"Accepted"`) || !strings.Contains(string(res), txID) {
		t.Fatalf("RequestStartTransaction with the cable in: %s %v, want Accepted with %s", res, err, txID)
	}
	if log := cmd.log(); !slices.Contains(log, "ch1 start 1") {
		t.Fatalf("Accepted before the charger was released: commands %v", log)
	}
	waitTxEvents(t, cs, "GW-TX-1", 2)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 1000, powerW: 11000})
	waitTxEvents(t, cs, "GW-TX-1", 3)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 1500, powerW: 11000})
	setEV(f, "ch1", ev{energyWh: 1500})
	evs = waitTxEvents(t, cs, "GW-TX-1", 4)
	want := []string{"0:Started/CablePluggedIn/EVConnected", "1:Updated/RemoteStart/SuspendedEV",
		"2:Updated/ChargingStateChanged/Charging", "3:Ended/EVCommunicationLost/Idle/EVDisconnected"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	if tok, _ := evs[1]["idToken"].(map[string]any); tok["idToken"] != "RFID-1" || evs[1]["transactionInfo"].(map[string]any)["remoteStartId"] != 42.0 {
		t.Fatalf("the RemoteStart event lacks the token or remoteStartId: %v", evs[1])
	}
	end, _ := json.Marshal(evs[3]["meterValue"])
	if !strings.Contains(string(end), `"context":"Transaction.End"`) || !strings.Contains(string(end), `"value":1500`) {
		t.Fatalf("the Ended event's meter values: %s", end)
	}
	fixture.Within(t, 10*time.Second, "the Transaction object ended with an empty outbox", func() string {
		obj, err := f.Store.Get("Transaction", txID)
		if err != nil {
			return err.Error()
		}
		tr, err := v1alpha1.DecodeTransaction(obj)
		if err != nil {
			return err.Error()
		}
		if tr.Status.State != v1alpha1.TransactionEnded || len(tr.Status.Outbox) != 0 || tr.Status.EnergyWh == nil || *tr.Status.EnergyWh != 500 {
			return fmt.Sprintf("%+v", tr.Status)
		}
		return ""
	})
	noFailures(t, cs)
}

// TestSessionRemoteStartFirstWithAuthorize (F02 with AuthorizeRemoteStart):
// the station answers, sends Authorize, and releases the charger only once
// the token is accepted; the session starts at the authorization and the
// cable follows. A remote stop then holds the charger before it is
// Accepted and ends the session (Authorized is a stop point); a stop of an
// unknown id is Rejected. GetTransactionStatus reports the session.
func TestSessionRemoteStartFirstWithAuthorize(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-2")
	setEV(f, "ch1", ev{})
	if got := setVariable(t, cs, "GW-TX-2", "AuthCtrlr", "AuthorizeRemoteStart", "true"); !strings.Contains(got, "Accepted") {
		t.Fatalf("AuthorizeRemoteStart: %s", got)
	}
	res, err := cs.Call(ctxT(t), "GW-TX-2", "RequestStartTransaction", map[string]any{"remoteStartId": 7,
		"idToken": map[string]any{"idToken": "APP-7", "type": "Central"}})
	if err != nil || !strings.Contains(string(res), `"status":"Accepted"`) {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	waitCall(t, cs, "GW-TX-2", "Authorize", has(`"APP-7"`))
	evs := waitTxEvents(t, cs, "GW-TX-2", 1)
	txID := evs[0]["transactionInfo"].(map[string]any)["transactionId"].(string)
	if !slices.Contains(cmd.log(), "ch1 start 1") {
		t.Fatalf("charger not released after the accepted Authorize: %v", cmd.log())
	}
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 10, powerW: 7000})
	waitTxEvents(t, cs, "GW-TX-2", 2)

	status, err := cs.Call(ctxT(t), "GW-TX-2", "GetTransactionStatus", map[string]any{"transactionId": txID})
	if err != nil || !strings.Contains(string(status), `"ongoingIndicator":true`) || !strings.Contains(string(status), `"messagesInQueue":false`) {
		t.Fatalf("GetTransactionStatus of the running session: %s %v", status, err)
	}
	if res, err = cs.Call(ctxT(t), "GW-TX-2", "RequestStopTransaction", map[string]any{"transactionId": "not-a-session"}); err != nil ||
		!strings.Contains(string(res), `"status":"Rejected"`) {
		t.Fatalf("RequestStopTransaction of an unknown id: %s %v", res, err)
	}
	before := len(cmd.log())
	if res, err = cs.Call(ctxT(t), "GW-TX-2", "RequestStopTransaction", map[string]any{"transactionId": txID}); err != nil ||
		!strings.Contains(string(res), `"status":"Accepted"`) {
		t.Fatalf("RequestStopTransaction: %s %v", res, err)
	}
	if !slices.Contains(cmd.log()[before:], "ch1 stop 1") {
		t.Fatalf("Accepted before the charger was held: %v", cmd.log()[before:])
	}
	evs = waitTxEvents(t, cs, "GW-TX-2", 3)
	want := []string{"0:Started/RemoteStart/Idle", "1:Updated/CablePluggedIn/Charging", "2:Ended/RemoteStop/Charging/Remote"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	status, err = cs.Call(ctxT(t), "GW-TX-2", "GetTransactionStatus", map[string]any{"transactionId": txID})
	if err != nil || !strings.Contains(string(status), `"ongoingIndicator":false`) {
		t.Fatalf("GetTransactionStatus of the ended session: %s %v", status, err)
	}
	noFailures(t, cs)
}

// TestSessionEVConnectionTimeout (E03/TC_E_39): a remote start without a
// cable ends when EVConnectionTimeOut passes, with EVConnectTimeout and
// Timeout, and the charger is held again.
func TestSessionEVConnectionTimeout(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-3")
	setEV(f, "ch1", ev{})
	if got := setVariable(t, cs, "GW-TX-3", "TxCtrlr", "EVConnectionTimeOut", "1"); !strings.Contains(got, "Accepted") {
		t.Fatalf("EVConnectionTimeOut: %s", got)
	}
	if res, err := cs.Call(ctxT(t), "GW-TX-3", "RequestStartTransaction", map[string]any{"remoteStartId": 1,
		"idToken": map[string]any{"idToken": "APP-1", "type": "Central"}}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-3", 2)
	want := []string{"0:Started/RemoteStart/Idle", "1:Ended/EVConnectTimeout/Idle/Timeout"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	fixture.Within(t, 10*time.Second, "the charger held again", func() string {
		log := cmd.log()
		if len(log) > 0 && log[len(log)-1] == "ch1 stop 1" {
			return ""
		}
		return fmt.Sprint(log)
	})
	noFailures(t, cs)
}

// TestTxPointsOfferOnlyWhatTheChargerShows: a template without a charging
// or EV signal cannot observe PowerPathClosed or EVConnected, so
// SetVariables with them is Rejected; the default starts at Authorized.
func TestTxPointsOfferOnlyWhatTheChargerShows(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-TX-4", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	for _, v := range []string{"PowerPathClosed", "EVConnected,Authorized"} {
		if got := setVariable(t, cs, "GW-TX-4", "TxCtrlr", "TxStartPoint", v); !strings.Contains(got, "Rejected") {
			t.Errorf("TxStartPoint %s on a charger without that signal: %s", v, got)
		}
	}
	if got := setVariable(t, cs, "GW-TX-4", "TxCtrlr", "TxStopPoint", "EnergyTransfer"); !strings.Contains(got, "Accepted") {
		t.Errorf("TxStopPoint EnergyTransfer with a power signal: %s", got)
	}
	res, err := cs.Call(ctxT(t), "GW-TX-4", "GetVariables", map[string]any{"getVariableData": []map[string]any{{
		"component": map[string]any{"name": "TxCtrlr"}, "variable": map[string]any{"name": "TxStartPoint"}}}})
	if err != nil || !strings.Contains(string(res), `"attributeValue":"Authorized"`) {
		t.Fatalf("default TxStartPoint: %s %v", res, err)
	}
	noFailures(t, cs)
}

// storedTx reads a session from the store.
func storedTx(t *testing.T, f *fixture.Fixture, id string) *v1alpha1.Transaction {
	t.Helper()
	obj, err := f.Store.Get("Transaction", id)
	if err != nil {
		t.Fatalf("transaction %s: %v", id, err)
	}
	tr, err := v1alpha1.DecodeTransaction(obj)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestSessionOfflineAndRestart (E04/E12, TC_E_40): while the CSMS refuses
// the station, the session goes on and its events are stored, offline, in
// the outbox; when the station is stopped and started again (its charger
// changed, so a new station replaces it, as after a gwd restart) the open session is
// picked up with its transactionId and next seqNo; once the CSMS takes the
// station back the queued events arrive in order with offline set, then
// the session's end.
func TestSessionOfflineAndRestart(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	spec := csmsSpec()
	spec.BasicAuthPasswordSecretRef = passwordRef()
	f := sessionFixtureWith(t, cs, cmd, "GW-TX-5", spec)
	setEV(f, "ch1", ev{plugged: true, suspended: true, energyWh: 100})
	txID := waitTxEvents(t, cs, "GW-TX-5", 1)[0]["transactionInfo"].(map[string]any)["transactionId"].(string)
	if res, err := cs.Call(ctxT(t), "GW-TX-5", "RequestStartTransaction", map[string]any{"remoteStartId": 5, "evseId": 1,
		"idToken": map[string]any{"idToken": "T5", "type": "Central"}}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	waitTxEvents(t, cs, "GW-TX-5", 2)

	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{Passwords: map[string]string{"GW-TX-5": "not-the-station's-password"}}); err != nil {
		t.Fatal(err)
	}
	if err := cs.Disconnect(ctx, "GW-TX-5"); err != nil {
		t.Fatal(err)
	}
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonOffline)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 300, powerW: 7000})
	f.Eventually("the offline event stored", func() string {
		if out := storedTx(t, f, txID).Status.Outbox; len(out) != 1 || !out[0].Offline || out[0].SeqNo != 2 {
			return fmt.Sprintf("outbox %+v", out)
		}
		return ""
	})

	// A new firmware version makes a new station (a reboot): the old one
	// stops, and the new one finds the session in the store.
	ch := storedCharger(t, f)
	ch.OCPP.FirmwareVersion = "2.0"
	f.Update(Kind, "ch1", ch)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 400, powerW: 7000})
	setEV(f, "ch1", ev{energyWh: 450})
	f.Eventually("the restarted station ended the session offline", func() string {
		tr := storedTx(t, f, txID)
		if tr.Status.State != v1alpha1.TransactionEnded || len(tr.Status.Outbox) != 2 {
			return fmt.Sprintf("%s outbox %d", tr.Status.State, len(tr.Status.Outbox))
		}
		return ""
	})
	if err := cs.Set(ctx, strictcsms.Settings{Passwords: map[string]string{"GW-TX-5": stationPassword}}); err != nil {
		t.Fatal(err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-5", 4)
	want := []string{"0:Started/CablePluggedIn/EVConnected", "1:Updated/RemoteStart/SuspendedEV",
		"2:Updated/ChargingStateChanged/Charging", "3:Ended/EVCommunicationLost/Idle/EVDisconnected"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for _, e := range evs[2:] {
		if e["offline"] != true || e["transactionInfo"].(map[string]any)["transactionId"] != txID {
			t.Fatalf("a queued event came without offline or with another id: %v", e)
		}
	}
	f.Eventually("the outbox emptied", func() string {
		if n := len(storedTx(t, f, txID).Status.Outbox); n != 0 {
			return fmt.Sprint(n, " queued")
		}
		return ""
	})
	noFailures(t, cs)
}

func storedCharger(t *testing.T, f *fixture.Fixture) v1alpha1.ChargerSpec {
	obj, err := f.Store.Get(Kind, "ch1")
	if err != nil {
		t.Fatal(err)
	}
	var spec v1alpha1.ChargerSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestSessionOutboxRetriesAndDrops (E13, TC_E_41/42/50/51): a CALLERROR and
// a schema-invalid answer are retried after MessageAttemptInterval × the
// attempts made, on the same connection, and the event arrives once
// acknowledged; when MessageAttempts are spent the event is dropped and
// counted, and the session goes on with the next seqNo.
func TestSessionOutboxRetriesAndDrops(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-6")
	ctx := ctxT(t)
	for name, value := range map[string]string{"MessageAttempts": "3", "MessageAttemptInterval": "1"} {
		res, err := cs.Call(ctx, "GW-TX-6", "SetVariables", map[string]any{"setVariableData": []map[string]any{{
			"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": name, "instance": "TransactionEvent"},
			"attributeValue": value}}})
		if err != nil || !strings.Contains(string(res), "Accepted") {
			t.Fatalf("SetVariables %s: %s %v", name, res, err)
		}
	}
	if err := cs.Set(ctx, strictcsms.Settings{TransactionEventFaults: []csmsfault.Fault{csmsfault.CallError, csmsfault.Garbage}}); err != nil {
		t.Fatal(err)
	}
	setEV(f, "ch1", ev{plugged: true, suspended: true, energyWh: 10})
	evs := waitTxEvents(t, cs, "GW-TX-6", 3)
	txID := evs[0]["transactionInfo"].(map[string]any)["transactionId"].(string)
	sum := cs.Ledger("GW-TX-6").Summary()
	if sum.Retried != 2 || sum.Duplicated != 0 || sum.Lost != 0 {
		t.Fatalf("after two faults: %s", sum)
	}

	if err := cs.Set(ctx, strictcsms.Settings{TransactionEventFaults: []csmsfault.Fault{csmsfault.CallError, csmsfault.CallError, csmsfault.CallError}}); err != nil {
		t.Fatal(err)
	}
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 20, powerW: 3000})
	f.Eventually("the event dropped after 3 attempts", func() string {
		if d := storedTx(t, f, txID).Status.DroppedEvents; d != 1 {
			return fmt.Sprint(d, " dropped")
		}
		return ""
	})
	setEV(f, "ch1", ev{energyWh: 30})
	waitTxEvents(t, cs, "GW-TX-6", 7)
	sum = cs.Ledger("GW-TX-6").Summary()
	// The dropped event reached the CSMS three times unanswered: from its
	// side it was retried, not lost; the session went on with seqNo 2.
	if sum.Lost != 0 || sum.Retried != 4 || sum.Duplicated != 0 || len(sum.Unbalanced) != 0 {
		t.Fatalf("one event dropped, the session ended: %s", sum)
	}
	if c := cs.Events(); slices.ContainsFunc(c, func(e strictcsms.Event) bool { return e.Ev == "disconnect" }) {
		t.Fatal("a failed TransactionEvent dropped the connection")
	}
	noFailures(t, cs)
}

// TestSessionInvalidTokenDeauthorizes (C01/E05, TC_E_38 family): the CSMS
// answers the session's token Invalid in a TransactionEvent; with
// StopTxOnInvalidId the charger is held and the session ends Deauthorized.
func TestSessionInvalidTokenDeauthorizes(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-7")
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{TransactionEventStatus: map[string]string{"STOLEN": "Invalid"}}); err != nil {
		t.Fatal(err)
	}
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 10, powerW: 7000})
	if res, err := cs.Call(ctx, "GW-TX-7", "RequestStartTransaction", map[string]any{"remoteStartId": 9, "evseId": 1,
		"idToken": map[string]any{"idToken": "STOLEN", "type": "Central"}}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-7", 3)
	if got := summary(evs)[2]; got != "2:Ended/Deauthorized/SuspendedEVSE/DeAuthorized" && got != "2:Ended/Deauthorized/Charging/DeAuthorized" {
		t.Fatalf("events %v, want the session ended Deauthorized", summary(evs))
	}
	fixture.Within(t, 10*time.Second, "the charger held", func() string {
		log := cmd.log()
		if len(log) > 0 && log[len(log)-1] == "ch1 stop 1" {
			return ""
		}
		return fmt.Sprint(log)
	})
	noFailures(t, cs)
}

// TestSessionResetAndAvailability (B12, G03.FR.05, TC_B_21/22): with a
// session open, Reset OnIdle and Inoperative are Scheduled; Reset
// Immediate ends the session with ImmediateReset (trigger ResetCommand)
// before the station reboots, and the charger is held.
func TestSessionResetAndAvailability(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-8")
	setEV(f, "ch1", ev{plugged: true, suspended: true, energyWh: 10})
	waitTxEvents(t, cs, "GW-TX-8", 1)
	ctx := ctxT(t)
	for _, c := range []struct{ action, want string }{
		{"Reset", `{"type":"OnIdle"}`},
		{"ChangeAvailability", `{"operationalStatus":"Inoperative","evse":{"id":1}}`},
	} {
		res, err := cs.Call(ctx, "GW-TX-8", c.action, json.RawMessage(c.want))
		if err != nil || !strings.Contains(string(res), "Scheduled") {
			t.Fatalf("%s %s with a session open: %s %v", c.action, c.want, res, err)
		}
	}
	res, err := cs.Call(ctx, "GW-TX-8", "Reset", map[string]any{"type": "Immediate"})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset Immediate: %s %v", res, err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-8", 2)
	if got := summary(evs)[1]; !strings.HasPrefix(got, "1:Ended/ResetCommand/") || !strings.HasSuffix(got, "/ImmediateReset") {
		t.Fatalf("events %v, want the session ended by the reset", summary(evs))
	}
	waitCall(t, cs, "GW-TX-8", "BootNotification", has(`"reason":"RemoteReset"`))
	noFailures(t, cs)
}

// TestRequestStartWhilePending (B02, TC_B_02 step): a station whose boot
// the CSMS left Pending rejects RequestStartTransaction.
func TestRequestStartWhilePending(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{BootStatus: "Pending", Interval: 60}); err != nil {
		t.Fatal(err)
	}
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	sessionTemplate(f)
	spec := charger("GW-TX-9", 1)
	spec.TemplateRef = "ev"
	f.Create(Kind, "ch1", spec)
	waitCall(t, cs, "GW-TX-9", "BootNotification", nil)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonPending)
	res, err := cs.Call(ctxT(t), "GW-TX-9", "RequestStartTransaction", map[string]any{"remoteStartId": 1,
		"idToken": map[string]any{"idToken": "T", "type": "Central"}})
	if err != nil || !strings.Contains(string(res), `"status":"Rejected"`) {
		t.Fatalf("RequestStartTransaction while Pending: %s %v", res, err)
	}
	if slices.Contains(cmd.log(), "ch1 start 1") {
		t.Fatalf("a Pending station released the charger: %v", cmd.log())
	}
	noFailures(t, cs)
}

// TestSessionLocalReader (C01, E07): a charger whose template maps idToken
// sends the card shown in an Authorize; a refused card leaves the charger
// held, an accepted one releases it and the session carries the token; the
// same card shown again stops the session (StopAuthorized, Local).
func TestSessionLocalReader(t *testing.T) {
	cs := startStrict(t)
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{AuthorizeStatus: map[string]string{"BADCARD1": "Blocked"}}); err != nil {
		t.Fatal(err)
	}
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	f.Create(template.Kind, "reader", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Reader 11",
		Signals: map[string]string{"evConnected": "false", "charging": "false", "energyWh": "0.0", "idToken": `""`}})
	spec := charger("GW-TX-10", 1)
	spec.TemplateRef = "reader"
	f.Create(Kind, "ch1", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	card := func(tok string, plugged, charging bool) {
		controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
			return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1, Signals: map[string]any{
				"evConnected": plugged, "charging": charging, "energyWh": 50.0, "idToken": tok}}})
		})
		if err := f.Store.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	card("", true, false)
	waitTxEvents(t, cs, "GW-TX-10", 1)
	card("BADCARD1", true, false)
	waitCall(t, cs, "GW-TX-10", "Authorize", has("BADCARD1"))
	card("", true, false)
	f.Settle()
	card("CARD0001", true, false)
	waitCall(t, cs, "GW-TX-10", "Authorize", has("CARD0001"))
	evs := waitTxEvents(t, cs, "GW-TX-10", 2)
	if tok, _ := evs[1]["idToken"].(map[string]any); tok["idToken"] != "CARD0001" || tok["type"] != "ISO14443" {
		t.Fatalf("the Authorized event carries %v, want CARD0001 (ISO14443)", evs[1]["idToken"])
	}
	if n := strings.Count(strings.Join(cmd.log(), "\n"), "ch1 start 1"); n != 1 {
		t.Fatalf("released %d times, want once, for the accepted card only: %v", n, cmd.log())
	}
	card("CARD0001", true, true)
	f.Settle()
	card("", true, true)
	f.Settle()
	card("CARD0001", true, true)
	evs = waitTxEvents(t, cs, "GW-TX-10", 4)
	want := []string{"0:Started/CablePluggedIn/EVConnected", "1:Updated/Authorized/EVConnected",
		"2:Updated/ChargingStateChanged/Charging", "3:Ended/StopAuthorized/Charging/Local"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	noFailures(t, cs)
}

// TestSessionEndedSamples (J02, TxEndedInterval; J01 / TC_J_03,
// AlignedDataCtrlr.TxEndedInterval): the Ended event carries the
// TxEndedMeasurands sampled every TxEndedInterval (Sample.Periodic) and at
// the clock-aligned TxEndedInterval (Sample.Clock) during the session, then
// the final value with Transaction.End.
func TestSessionEndedSamples(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-11")
	setEV(f, "ch1", ev{})
	for _, c := range []string{"SampledDataCtrlr", "AlignedDataCtrlr"} {
		if got := setVariable(t, cs, "GW-TX-11", c, "TxEndedInterval", "1"); !strings.Contains(got, "Accepted") {
			t.Fatalf("%s.TxEndedInterval: %s", c, got)
		}
	}
	if res, err := cs.Call(ctxT(t), "GW-TX-11", "RequestStartTransaction", map[string]any{"remoteStartId": 11, "evseId": 1,
		"idToken": map[string]any{"idToken": "T11", "type": "Central"}}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	for wh := 100.0; ; wh += 10 {
		setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: wh, powerW: 7000})
		txID := waitTxEvents(t, cs, "GW-TX-11", 1)[0]["transactionInfo"].(map[string]any)["transactionId"].(string)
		if n := len(storedTx(t, f, txID).Status.EndedSamples); n >= 4 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	setEV(f, "ch1", ev{energyWh: 500})
	var end map[string]any
	for _, e := range waitTxEvents(t, cs, "GW-TX-11", 3) {
		if e["eventType"] == "Ended" {
			end = e
		}
	}
	if end == nil {
		t.Fatalf("no Ended event: %v", summary(txEvents(cs, "GW-TX-11")))
	}
	mvs, _ := end["meterValue"].([]any)
	if len(mvs) < 4 {
		t.Fatalf("Ended carries %d meter values, want at least 3 samples and the end: %v", len(mvs), mvs)
	}
	last := fmt.Sprint(mvs[len(mvs)-1])
	if !strings.Contains(last, "Transaction.End") || !strings.Contains(last, "500") {
		t.Fatalf("the last meter value is not the end reading: %s", last)
	}
	contexts := map[string]int{}
	for _, mv := range mvs[:len(mvs)-1] {
		s := fmt.Sprint(mv)
		for _, c := range []string{"Sample.Periodic", "Sample.Clock"} {
			if strings.Contains(s, c) {
				contexts[c]++
			}
		}
		if !strings.Contains(s, "Energy.Active.Import.Register") {
			t.Fatalf("a sample is not an energy reading: %s", s)
		}
	}
	if contexts["Sample.Periodic"] == 0 || contexts["Sample.Clock"] == 0 || contexts["Sample.Periodic"]+contexts["Sample.Clock"] != len(mvs)-1 {
		t.Fatalf("samples by context %v of %d, want both kinds and nothing else", contexts, len(mvs)-1)
	}
	noFailures(t, cs)
}
