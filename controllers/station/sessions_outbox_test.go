package station

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

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
