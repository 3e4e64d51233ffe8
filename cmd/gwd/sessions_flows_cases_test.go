package main

// Starting and stopping sessions: remote start with the cable first or
// last, with an Authorize first, the EV connection timeout, remote stop,
// and a token the CSMS refuses.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// flowCableThenRemoteStart (E02, F01/TC_F_01): the session starts at
// plug-in, held; RequestStartTransaction is Accepted with its
// transactionId and shows as Updated RemoteStart with the token and
// remoteStartId; the charger then charges.
func flowCableThenRemoteStart(t *testing.T, f *flowEnv) {
	f.ctl(t, "plug")
	start, _ := f.waitType(t, "Started", "")
	checkStarted(t, start)
	if start.TriggerReason != "CablePluggedIn" || start.IDToken != nil {
		t.Fatalf("Started at plug-in: %v, idToken %v", start, start.IDToken)
	}
	if _, ok := start.energyOf("Transaction.Begin"); !ok {
		t.Errorf("Started carries no Transaction.Begin energy: %+v", start.MeterValue)
	}
	id := f.startAccepted(t, "FLOW-CABLE-1", 101)
	if id != start.Info.ID {
		t.Fatalf("RequestStartTransaction with the cable in: transactionId %q, want %s", id, start.Info.ID)
	}
	rs, _ := f.waitType(t, "Updated", "RemoteStart")
	if rs.IDToken == nil || rs.IDToken.IDToken != "FLOW-CABLE-1" || rs.IDToken.Type != "Central" ||
		rs.Info.RemoteStartID == nil || *rs.Info.RemoteStartID != 101 || rs.Info.ID != id {
		t.Fatalf("Updated RemoteStart: %v token %+v remoteStartId %v", rs, rs.IDToken, rs.Info.RemoteStartID)
	}
	f.waitCharging(t)
	f.unplugAndEnd(t)
	f.oneTransaction(t, id)
}

// flowRemoteStartThenCable (F02/TC_F_02): the remote start authorizes the
// EVSE and starts the session (TxStartPoint Authorized); the cable and
// the charge follow.
func flowRemoteStartThenCable(t *testing.T, f *flowEnv) {
	res := f.call(t, "RequestStartTransaction", map[string]any{"evseId": 1, "remoteStartId": 102,
		"idToken": map[string]any{"idToken": "FLOW-REMOTE-2", "type": "Central"}, "chargingProfile": flowTxProfile})
	if flowStatusOf(res) != "Accepted" {
		t.Fatalf("RequestStartTransaction with a TxProfile: %s", res)
	}
	start, _ := f.waitType(t, "Started", "")
	checkStarted(t, start)
	if start.TriggerReason != "RemoteStart" || start.IDToken == nil || start.IDToken.IDToken != "FLOW-REMOTE-2" ||
		start.Info.RemoteStartID == nil || *start.Info.RemoteStartID != 102 {
		t.Fatalf("Started by the remote start: %v token %+v remoteStartId %v", start, start.IDToken, start.Info.RemoteStartID)
	}
	f.ctl(t, "plug")
	f.waitEvent(t, "Updated CablePluggedIn", func(e flowEvent) bool {
		return e.EventType == "Updated" && e.TriggerReason == "CablePluggedIn"
	})
	f.waitCharging(t)
	// TC_K_38: the profile is kept with the session until smart charging
	// acts on it.
	if o, err := f.d.client(t).Get(context.Background(), "Transaction", start.Info.ID); err != nil {
		t.Errorf("the session's Transaction object: %v", err)
	} else if !strings.Contains(string(o.Status), `"chargingProfilePurpose":"TxProfile"`) {
		t.Errorf("the session's Transaction object lacks the remote start's profile: %s", o.Status)
	}
	f.unplugAndEnd(t)
	f.oneTransaction(t, start.Info.ID)
}

// flowAuthorizeRemoteStart (F01.FR.02, TC_F_03 with AuthorizeRemoteStart
// true): the station sends Authorize for the remote start's token and
// starts the session only once the CSMS accepted it, so the CSMS sees the
// Authorize before any TransactionEvent and before energy flows. A token
// the Authorize refuses (Blocked) starts nothing, and the EVSE is free for
// the next remote start.
func flowAuthorizeRemoteStart(t *testing.T, f *flowEnv) {
	f.setVariable(t, "AuthCtrlr", "AuthorizeRemoteStart", "", "true")
	if err := f.peer.setAuthorizeStatus("FLOW-AUTH-3-BLOCKED", "Blocked"); err != nil {
		t.Fatal(err)
	}
	f.startAccepted(t, "FLOW-AUTH-3-BLOCKED", 203)
	fixture.Within(t, 30*time.Second, "the Authorize of the blocked token", func() string {
		if f.index("Authorize", flowHas(`"FLOW-AUTH-3-BLOCKED"`)) < 0 {
			return "none yet"
		}
		return ""
	})
	f.startAccepted(t, "FLOW-AUTH-3", 103)
	start, _ := f.waitType(t, "Started", "")
	auth := f.index("Authorize", flowHas(`"FLOW-AUTH-3"`))
	if first := f.index("TransactionEvent", nil); auth < 0 || auth > first {
		t.Fatalf("Authorize of the token at CALL %d, the first TransactionEvent at %d", auth, first)
	}
	if start.TriggerReason != "RemoteStart" || start.IDToken == nil || start.IDToken.IDToken != "FLOW-AUTH-3" ||
		start.Info.RemoteStartID == nil || *start.Info.RemoteStartID != 103 {
		t.Fatalf("Started after the Authorize: %v token %+v remoteStartId %v", start, start.IDToken, start.Info.RemoteStartID)
	}
	f.ctl(t, "plug")
	f.waitCharging(t)
	f.unplugAndEnd(t)
	if f.index("TransactionEvent", flowHas(`"FLOW-AUTH-3-BLOCKED"`)) >= 0 || f.index("TransactionEvent", flowHas(`"remoteStartId":203`)) >= 0 {
		t.Errorf("the blocked token reached a TransactionEvent: %v", flowSummary(f.events()))
	}
	f.oneTransaction(t, start.Info.ID)
}

// flowHas matches a payload that contains s.
func flowHas(s string) func(json.RawMessage) bool {
	return func(p json.RawMessage) bool { return strings.Contains(string(p), s) }
}

// flowEVConnectionTimeout (E03, TC_E_39 / TC_F_04): a remote start whose
// EV never comes ends after EVConnectionTimeOut with EVConnectTimeout and
// Timeout, and the charger is held again.
func flowEVConnectionTimeout(t *testing.T, f *flowEnv) {
	f.setVariable(t, "TxCtrlr", "EVConnectionTimeOut", "", "2")
	f.startAccepted(t, "FLOW-TIMEOUT-4", 104)
	f.waitSim(t, "the charger released", func(s flowSimState) bool { return !s.Paused })
	start, _ := f.waitType(t, "Started", "RemoteStart")
	end, _ := f.waitType(t, "Ended", "")
	if end.TriggerReason != "EVConnectTimeout" || end.Info.StoppedReason != "Timeout" || end.Info.ID != start.Info.ID {
		t.Fatalf("Ended without an EV: %v, want EVConnectTimeout/Timeout", end)
	}
	f.waitSim(t, "the charger held again", func(s flowSimState) bool { return s.Paused })
	f.oneTransaction(t, start.Info.ID)
}

// flowRemoteStop (F03, TC_F_08/09): RequestStopTransaction for an id that
// is no session is Rejected; for the running session it is Accepted, the
// session ends with RemoteStop/Remote and the charger stops drawing power.
func flowRemoteStop(t *testing.T, f *flowEnv) {
	f.startAccepted(t, "FLOW-STOP-5", 105)
	f.ctl(t, "plug")
	id := f.waitCharging(t).Info.ID
	res := f.call(t, "RequestStopTransaction", map[string]any{"transactionId": "no-such-transaction"})
	if !strings.Contains(string(res), `"status":"Rejected"`) {
		t.Fatalf("RequestStopTransaction of an unknown id: %s, want Rejected", res)
	}
	res = f.call(t, "RequestStopTransaction", map[string]any{"transactionId": id})
	if !strings.Contains(string(res), `"status":"Accepted"`) {
		t.Fatalf("RequestStopTransaction: %s, want Accepted", res)
	}
	end, _ := f.waitType(t, "Ended", "")
	if end.TriggerReason != "RemoteStop" || end.Info.StoppedReason != "Remote" || end.Info.ID != id {
		t.Fatalf("Ended after the remote stop: %v, want RemoteStop/Remote", end)
	}
	f.waitSim(t, "the charger held", func(s flowSimState) bool { return s.Paused && s.PowerW == 0 })
	f.waitSignals(t, "no power after the remote stop", flowNoPower)
	f.ctl(t, "unplug")
	f.waitSignals(t, "the EV gone", func(s map[string]any) bool { return s["evConnected"] == false })
	f.oneTransaction(t, id)
}

// flowInvalidIDToken (E05, idTokenInfo in a TransactionEventResponse): the
// CSMS answers the event that carries the remote start's token with
// idTokenInfo Invalid; with StopTxOnInvalidId (true by default) the
// station ends the session Deauthorized/DeAuthorized and holds the
// charger, whose power falls to 0.
func flowInvalidIDToken(t *testing.T, f *flowEnv) {
	if err := f.peer.setTxStatus("FLOW-INVALID-6", "Invalid"); err != nil {
		t.Fatal(err)
	}
	f.ctl(t, "plug")
	start, _ := f.waitType(t, "Started", "CablePluggedIn")
	f.startAccepted(t, "FLOW-INVALID-6", 106)
	end, _ := f.waitType(t, "Ended", "")
	if end.TriggerReason != "Deauthorized" || end.Info.StoppedReason != "DeAuthorized" || end.Info.ID != start.Info.ID {
		t.Fatalf("Ended after idTokenInfo Invalid: %v, want Deauthorized/DeAuthorized", end)
	}
	f.waitSim(t, "the charger held", func(s flowSimState) bool { return s.Paused && s.PowerW == 0 })
	f.waitSignals(t, "no power after the deauthorization", flowNoPower)
	f.ctl(t, "unplug")
	f.waitSignals(t, "the EV gone", func(s map[string]any) bool { return s["evConnected"] == false })
	f.oneTransaction(t, start.Info.ID)
}

// flowInvalidIDTokenKept (E05 with StopTxOnInvalidId false): the session
// whose token the CSMS refused goes on, and the charger delivers up to
// MaxEnergyOnInvalidId before the station holds it (SuspendedEVSE); the
// session ends when the EV leaves.
func flowInvalidIDTokenKept(t *testing.T, f *flowEnv) {
	const maxWh = 30
	f.setVariable(t, "TxCtrlr", "StopTxOnInvalidId", "", "false")
	f.setVariable(t, "TxCtrlr", "MaxEnergyOnInvalidId", "", "30")
	if err := f.peer.setTxStatus("FLOW-KEPT-14", "Invalid"); err != nil {
		t.Fatal(err)
	}
	f.startAccepted(t, "FLOW-KEPT-14", 114)
	start, _ := f.waitType(t, "Started", "RemoteStart")
	begin, _ := start.energyOf("Transaction.Begin")
	f.ctl(t, "plug")
	f.waitCharging(t)
	held, _ := f.waitEvent(t, "SuspendedEVSE once MaxEnergyOnInvalidId is delivered", func(e flowEvent) bool {
		return e.Info.ChargingState == "SuspendedEVSE"
	})
	f.waitSim(t, "the charger held", func(s flowSimState) bool { return s.Paused && s.PowerW == 0 })
	if wh, ok := held.register(); ok && wh-begin < maxWh {
		t.Errorf("held after %v Wh, MaxEnergyOnInvalidId is %d: %v", wh-begin, maxWh, held)
	}
	if evs := f.events(); slices.ContainsFunc(evs, func(e flowEvent) bool { return e.EventType == "Ended" }) {
		t.Fatalf("the session ended with the EV plugged in and StopTxOnInvalidId false: %v", flowSummary(evs))
	}
	f.ctl(t, "unplug")
	end, _ := f.waitType(t, "Ended", "")
	t.Logf("the kept session ended %v", end)
	f.oneTransaction(t, start.Info.ID)
}

// flowNoPower: the charger reports no power and no charging.
func flowNoPower(s map[string]any) bool {
	return s["powerW"] == 0.0 && s["charging"] == false
}
