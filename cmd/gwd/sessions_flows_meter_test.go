package main

// A session as it goes on: suspended by the EV, ended by it, its meter
// values periodic and clock-aligned, and its events queued while the CSMS
// does not acknowledge them.

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
)

// flowCharging starts a session remotely with token and plugs the EV in;
// it returns once energy flows.
func (f *flowEnv) flowCharging(t *testing.T, token string, remoteStartID int) flowEvent {
	t.Helper()
	f.startAccepted(t, token, remoteStartID)
	f.ctl(t, "plug")
	return f.waitCharging(t)
}

// flowSuspendedEV (E-block chargingState): the EV stops asking for energy
// while the charger offers it, which the station reports as Updated
// ChargingStateChanged SuspendedEV; when it resumes, Charging again.
func flowSuspendedEV(t *testing.T, f *flowEnv) {
	charging := f.flowCharging(t, "FLOW-SUSPEND-7", 107)
	id := charging.Info.ID
	f.ctl(t, "ev-pause", "true")
	suspended, _ := f.waitEvent(t, "Updated SuspendedEV while charging", func(e flowEvent) bool {
		return e.SeqNo > charging.SeqNo && e.EventType == "Updated" && e.Info.ChargingState == "SuspendedEV"
	})
	if suspended.TriggerReason != "ChargingStateChanged" {
		t.Errorf("SuspendedEV reported as %v, want triggerReason ChargingStateChanged", suspended)
	}
	f.ctl(t, "ev-pause", "false")
	f.waitEvent(t, "Charging again after SuspendedEV", func(e flowEvent) bool {
		return e.SeqNo > suspended.SeqNo && e.Info.ChargingState == "Charging" && e.TriggerReason == "ChargingStateChanged"
	})
	f.unplugAndEnd(t)
	f.oneTransaction(t, id)
}

// flowEVSideDisconnect (E10, TC_E_24 with StopTxOnEVSideDisconnect true):
// the EV is unplugged while charging; the session ends EVCommunicationLost
// / EVDisconnected and the Ended event carries the Transaction.End
// register, above the Transaction.Begin one.
func flowEVSideDisconnect(t *testing.T, f *flowEnv) {
	f.startAccepted(t, "FLOW-UNPLUG-8", 108)
	start, _ := f.waitType(t, "Started", "RemoteStart")
	begin, ok := start.energyOf("Transaction.Begin")
	if !ok {
		t.Fatalf("Started carries no Transaction.Begin register: %+v", start.MeterValue)
	}
	f.ctl(t, "plug")
	f.waitCharging(t)
	f.waitSignals(t, "energy delivered", func(s map[string]any) bool {
		e, _ := s["energyWh"].(float64)
		return e > begin+5
	})
	end := f.unplugAndEnd(t)
	last, ok := end.energyOf("Transaction.End")
	if !ok || last <= begin {
		t.Fatalf("Ended's Transaction.End register %v (present %v), Transaction.Begin %v", last, ok, begin)
	}
	f.oneTransaction(t, start.Info.ID)
	// gwctl lists the session as history, ended, with nothing queued.
	row := regexp.MustCompile(f.charger + `\s+1\s+` + start.Info.ID + `\s+Ended \(EVDisconnected\)\s.*\s0\n`)
	fixture.Within(t, 30*time.Second, "the ended session in gwctl get transactions", func() string {
		out, errOut, _ := f.d.gwctl(t, nil, "get", "transactions")
		if !row.MatchString(out) {
			return out + errOut
		}
		return ""
	})
}

// flowPeriodicMeterValues (J02, TC_J_07..): with TxUpdatedInterval 2 s the
// session sends Updated MeterValuePeriodic events with a Sample.Periodic
// register that rises while the EV charges, no closer together than the
// interval.
func flowPeriodicMeterValues(t *testing.T, f *flowEnv) {
	const every = 2 * time.Second
	f.setVariable(t, "SampledDataCtrlr", "TxUpdatedInterval", "", "2")
	id := f.flowCharging(t, "FLOW-PERIODIC-9", 109).Info.ID
	var periodic []flowEvent
	fixture.Within(t, 30*time.Second, "four periodic events while charging", func() string {
		periodic = nil
		for _, e := range f.events() {
			if e.TriggerReason == "MeterValuePeriodic" && e.Info.ChargingState == "Charging" {
				periodic = append(periodic, e)
			}
		}
		if len(periodic) < 4 {
			return strings.Join(flowSummary(f.events()), " ")
		}
		return ""
	})
	var prev flowMeterValue
	for i, e := range periodic {
		if e.EventType != "Updated" || len(e.MeterValue) == 0 {
			t.Fatalf("periodic event %v without meter values", e)
		}
		mv := e.MeterValue[0]
		wh, ok := mv.energy("Sample.Periodic")
		if !ok {
			t.Fatalf("periodic event %v carries no Sample.Periodic register: %+v", e, e.MeterValue)
		}
		if i > 0 {
			was, _ := prev.energy("Sample.Periodic")
			if wh <= was {
				t.Errorf("the register did not rise while charging: %v Wh then %v Wh", was, wh)
			}
			if gap := mv.Timestamp.Sub(prev.Timestamp); gap < every-100*time.Millisecond {
				t.Errorf("periodic samples %v apart, TxUpdatedInterval is %v", gap, every)
			}
		}
		prev = mv
	}
	if n := periodic[len(periodic)-1].NumberOfPhasesUsed; n == nil || *n != 3 {
		t.Errorf("charging steadily on gwsim's three phases: numberOfPhasesUsed %v, want 3", flowIntOf(n))
	}
	// F06: a triggered TransactionEvent is an Updated Trigger with the
	// register in context Trigger.
	res := f.call(t, "TriggerMessage", map[string]any{"requestedMessage": "TransactionEvent", "evse": map[string]any{"id": 1}})
	if flowStatusOf(res) != "Accepted" {
		t.Fatalf("TriggerMessage TransactionEvent during the session: %s", res)
	}
	trig, _ := f.waitType(t, "Updated", "Trigger")
	if _, ok := trig.energyOf("Trigger"); !ok || trig.Info.ID != id {
		t.Errorf("the triggered event %v of %s carries no Trigger register: %+v", trig, trig.Info.ID, trig.MeterValue)
	}
	f.unplugAndEnd(t)
	f.oneTransaction(t, id)
}

// flowClockAligned (J01, TC_J_01/02): with AlignedDataCtrlr.Interval 2 s
// an idle EVSE sends MeterValues with Sample.Clock values at the 2 s
// boundaries; during a session the values go in Updated MeterValueClock
// events instead, and MeterValues resume after it.
func flowClockAligned(t *testing.T, f *flowEnv) {
	const every = 2 * time.Second
	f.setVariable(t, "AlignedDataCtrlr", "Interval", "", "2")
	isClock := func(p json.RawMessage) bool { return strings.Contains(string(p), `"Sample.Clock"`) }
	fixture.Within(t, 30*time.Second, "two clock-aligned MeterValues before the session", func() string {
		if n := len(f.payloads("MeterValues", isClock)); n < 2 {
			return fmt.Sprintf("%d so far", n)
		}
		return ""
	})
	id := f.flowCharging(t, "FLOW-CLOCK-10", 110).Info.ID
	var clock []flowEvent
	fixture.Within(t, 30*time.Second, "two Updated MeterValueClock events", func() string {
		clock = nil
		for _, e := range f.events() {
			if e.TriggerReason == "MeterValueClock" {
				clock = append(clock, e)
			}
		}
		if len(clock) < 2 {
			return strings.Join(flowSummary(f.events()), " ")
		}
		return ""
	})
	firstClock := f.index("TransactionEvent", func(p json.RawMessage) bool { return strings.Contains(string(p), `"MeterValueClock"`) })
	for _, e := range clock {
		if _, ok := e.energyOf("Sample.Clock"); e.EventType != "Updated" || !ok {
			t.Errorf("MeterValueClock event %v without a Sample.Clock register: %+v", e, e.MeterValue)
		}
	}
	end := f.unplugAndEnd(t)
	ended := f.index("TransactionEvent", func(p json.RawMessage) bool { return strings.Contains(string(p), `"eventType":"Ended"`) })
	fixture.Within(t, 30*time.Second, "MeterValues again after the session", func() string {
		if f.lastIndex("MeterValues") < ended {
			return "none after Ended yet"
		}
		return ""
	})
	calls := f.peer.calls(f.station)
	if i := slices.IndexFunc(calls[firstClock:ended], func(c flowCall) bool { return c.Action == "MeterValues" }); i >= 0 {
		t.Errorf("MeterValues during the session (CALL %d, between %d and %d): %s", firstClock+i, firstClock, ended, calls[firstClock+i].Payload)
	}
	f.checkAligned(t, every, clock, f.payloads("MeterValues", isClock))
	f.setVariable(t, "AlignedDataCtrlr", "Interval", "", "0")
	f.oneTransaction(t, end.Info.ID)
	if end.Info.ID != id {
		t.Errorf("ended %s, started %s", end.Info.ID, id)
	}
}

// checkAligned checks that the clock-aligned values, in MeterValues and
// in MeterValueClock events, were taken in the first half of their
// interval, just after the boundary the clock reached.
func (f *flowEnv) checkAligned(t *testing.T, every time.Duration, clock []flowEvent, meterValues []json.RawMessage) {
	t.Helper()
	var stamps []time.Time
	for _, p := range meterValues {
		var mv struct{ MeterValue []flowMeterValue }
		if err := json.Unmarshal(p, &mv); err != nil || len(mv.MeterValue) == 0 {
			t.Fatalf("MeterValues %s: %v", p, err)
		}
		stamps = append(stamps, mv.MeterValue[0].Timestamp)
	}
	for _, e := range clock {
		if len(e.MeterValue) > 0 {
			stamps = append(stamps, e.MeterValue[0].Timestamp)
		}
	}
	for _, ts := range stamps {
		if off := ts.Sub(ts.Truncate(every)); off > every/2 {
			t.Errorf("clock-aligned value at %v, %v after its %v boundary", ts, off, every)
		}
	}
}

// flowIntOf is *n, or "none".
func flowIntOf(n *int) string {
	if n == nil {
		return "none"
	}
	return fmt.Sprint(*n)
}

// payloads are the station's CALLs of action that match accepts.
func (f *flowEnv) payloads(action string, match func(json.RawMessage) bool) []json.RawMessage {
	var out []json.RawMessage
	for _, c := range f.peer.calls(f.station) {
		if c.Action == action && match(c.Payload) {
			out = append(out, c.Payload)
		}
	}
	return out
}

// lastIndex is the arrival position of the last CALL of action, -1 if none.
func (f *flowEnv) lastIndex(action string) int {
	calls := f.peer.calls(f.station)
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Action == action {
			return i
		}
	}
	return -1
}

// flowStatusWhileQueued (E14, TC_E_28..34): the CSMS answers the first
// three sends of Started with a CALLERROR, so the event waits in the
// outbox (MessageAttemptInterval 2 s × attempts); GetTransactionStatus
// meanwhile says messagesInQueue true, with and without the id, and false
// once the event is delivered; after the session ends ongoingIndicator is
// false.
func flowStatusWhileQueued(t *testing.T, f *flowEnv) {
	f.setVariable(t, "OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent", "2")
	if err := f.peer.fault(csmsfault.CallError, csmsfault.CallError, csmsfault.CallError); err != nil {
		t.Fatal(err)
	}
	f.startAccepted(t, "FLOW-QUEUE-11", 111)
	start, _ := f.waitType(t, "Started", "RemoteStart")
	id := start.Info.ID
	status := func(withID bool) (ongoing *bool, queued bool) {
		req := map[string]any{}
		if withID {
			req["transactionId"] = id
		}
		var r struct {
			OngoingIndicator *bool `json:"ongoingIndicator"`
			MessagesInQueue  bool  `json:"messagesInQueue"`
		}
		if res := f.call(t, "GetTransactionStatus", req); json.Unmarshal(res, &r) != nil {
			t.Fatalf("GetTransactionStatus answer %s", res)
		}
		return r.OngoingIndicator, r.MessagesInQueue
	}
	if ongoing, queued := status(true); ongoing == nil || !*ongoing || !queued {
		t.Errorf("GetTransactionStatus %s while Started is refused: ongoing %v, messagesInQueue %v; want true, true", id, ongoing, queued)
	}
	if ongoing, queued := status(false); ongoing != nil || !queued {
		t.Errorf("GetTransactionStatus without an id while Started is refused: ongoing %v, messagesInQueue %v; want none (E14.FR.06), true", ongoing, queued)
	}
	fixture.Within(t, 30*time.Second, "Started delivered after three CALLERRORs", func() string {
		if s := f.peer.ledger(f.station); s.Retried < 3 || s.Deliveries < 4 {
			return s.String()
		}
		return ""
	})
	// The CSMS's ledger counts the delivery when it answers; the station
	// takes the event off its queue once that answer is in and the removal
	// stored, a moment later.
	fixture.Within(t, 10*time.Second, "GetTransactionStatus to say nothing is queued once delivered", func() string {
		if ongoing, queued := status(true); ongoing == nil || !*ongoing || queued {
			return fmt.Sprintf("ongoing %v, messagesInQueue %v; want true, false", ongoing, queued)
		}
		return ""
	})
	res := f.call(t, "RequestStopTransaction", map[string]any{"transactionId": id})
	if !strings.Contains(string(res), `"status":"Accepted"`) {
		t.Fatalf("RequestStopTransaction: %s", res)
	}
	f.waitType(t, "Ended", "RemoteStop")
	fixture.Within(t, 30*time.Second, "the ended session reported", func() string {
		if ongoing, queued := status(true); ongoing == nil || *ongoing || queued {
			return "still ongoing or queued"
		}
		return ""
	})
	f.oneTransaction(t, id)
}
