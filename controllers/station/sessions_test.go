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
	waitHeld(t, cmd)
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

// waitHeld waits until the last command the charger got is its hold.
func waitHeld(t *testing.T, cmd *recordingCommander) {
	t.Helper()
	fixture.Within(t, 10*time.Second, "the charger held", func() string {
		log := cmd.log()
		if len(log) > 0 && log[len(log)-1] == "ch1 stop 1" {
			return ""
		}
		return fmt.Sprint(log)
	})
}
