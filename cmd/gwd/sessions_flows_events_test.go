package main

// The TransactionEvents and MeterValues a flow's station sent, decoded the
// way a CSMS reads them.

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// flowEvent is one TransactionEventRequest.
type flowEvent struct {
	EventType     string    `json:"eventType"`
	TriggerReason string    `json:"triggerReason"`
	SeqNo         int       `json:"seqNo"`
	Timestamp     time.Time `json:"timestamp"`
	Offline       bool      `json:"offline"`
	// NumberOfPhasesUsed is set while charging when the template maps
	// the three phase currents, as the KEBA template does.
	NumberOfPhasesUsed *int `json:"numberOfPhasesUsed"`
	EVSE               *struct {
		ID          int  `json:"id"`
		ConnectorID *int `json:"connectorId"`
	} `json:"evse"`
	Info struct {
		ID            string `json:"transactionId"`
		ChargingState string `json:"chargingState"`
		StoppedReason string `json:"stoppedReason"`
		RemoteStartID *int   `json:"remoteStartId"`
	} `json:"transactionInfo"`
	IDToken *struct {
		IDToken string `json:"idToken"`
		Type    string `json:"type"`
	} `json:"idToken"`
	MeterValue []flowMeterValue `json:"meterValue"`
}

// flowMeterValue is a meterValue of a TransactionEvent or MeterValues.
type flowMeterValue struct {
	Timestamp    time.Time `json:"timestamp"`
	SampledValue []struct {
		Value     float64 `json:"value"`
		Context   string  `json:"context"`
		Measurand string  `json:"measurand"`
	} `json:"sampledValue"`
}

// energy is the Energy.Active.Import.Register sample of context ctx, with
// the schema's defaults for an absent measurand (the register) and context
// (Sample.Periodic).
func (m flowMeterValue) energy(ctx string) (float64, bool) {
	for _, s := range m.SampledValue {
		c, ms := s.Context, s.Measurand
		if c == "" {
			c = "Sample.Periodic"
		}
		if ms == "" {
			ms = "Energy.Active.Import.Register"
		}
		if c == ctx && ms == "Energy.Active.Import.Register" {
			return s.Value, true
		}
	}
	return 0, false
}

// register is the event's first energy register sample, whatever its
// context.
func (e flowEvent) register() (float64, bool) {
	for _, ctx := range []string{"Transaction.Begin", "Sample.Periodic", "Sample.Clock", "Transaction.End", "Trigger"} {
		if v, ok := e.energyOf(ctx); ok {
			return v, true
		}
	}
	return 0, false
}

// energyOf is the first register sample of context ctx in e.
func (e flowEvent) energyOf(ctx string) (float64, bool) {
	for _, m := range e.MeterValue {
		if v, ok := m.energy(ctx); ok {
			return v, true
		}
	}
	return 0, false
}

func (e flowEvent) String() string {
	s := fmt.Sprintf("%d:%s/%s/%s", e.SeqNo, e.EventType, e.TriggerReason, e.Info.ChargingState)
	if e.Info.StoppedReason != "" {
		s += "/" + e.Info.StoppedReason
	}
	return s
}

func flowSummary(evs []flowEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.String())
	}
	return out
}

// events are the station's TransactionEvents in arrival order; a copy
// sent again after a fault appears again.
func (f *flowEnv) events() []flowEvent {
	var out []flowEvent
	for _, c := range f.peer.calls(f.station) {
		if c.Action != "TransactionEvent" {
			continue
		}
		var e flowEvent
		if json.Unmarshal(c.Payload, &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// waitEvent waits for the first TransactionEvent that match accepts and
// returns it with every event so far.
func (f *flowEnv) waitEvent(t *testing.T, what string, match func(flowEvent) bool) (flowEvent, []flowEvent) {
	t.Helper()
	var found flowEvent
	var evs []flowEvent
	fixture.Within(t, 30*time.Second, what, func() string {
		evs = f.events()
		if i := slices.IndexFunc(evs, match); i >= 0 {
			found = evs[i]
			return ""
		}
		return fmt.Sprintf("events so far %v", flowSummary(evs))
	})
	return found, evs
}

// waitType waits for the first event of eventType with trigger ("" any).
func (f *flowEnv) waitType(t *testing.T, eventType, trigger string) (flowEvent, []flowEvent) {
	t.Helper()
	return f.waitEvent(t, eventType+" "+trigger, func(e flowEvent) bool {
		return e.EventType == eventType && (trigger == "" || e.TriggerReason == trigger)
	})
}

// waitCharging waits for an event that reports energy flowing. Its
// numberOfPhasesUsed, when set, counts the phases the KEBA showed current
// on at that poll: as charging begins that may be fewer than its three.
func (f *flowEnv) waitCharging(t *testing.T) flowEvent {
	t.Helper()
	e, _ := f.waitEvent(t, "chargingState Charging", func(e flowEvent) bool { return e.Info.ChargingState == "Charging" })
	if n := e.NumberOfPhasesUsed; n != nil && (*n < 1 || *n > 3) {
		t.Errorf("%v: numberOfPhasesUsed %d", e, *n)
	}
	return e
}

// checkStarted checks what every Started carries: seqNo 0 and the EVSE
// and connector, 1 and 1.
func checkStarted(t *testing.T, e flowEvent) {
	t.Helper()
	if e.EventType != "Started" || e.SeqNo != 0 || e.EVSE == nil || e.EVSE.ID != 1 || e.EVSE.ConnectorID == nil || *e.EVSE.ConnectorID != 1 {
		t.Errorf("Started: %v evse %+v, want seqNo 0 on EVSE 1 connector 1", e, e.EVSE)
	}
}

// index is the arrival position of the first CALL of action that match
// accepts, -1 when none came.
func (f *flowEnv) index(action string, match func(json.RawMessage) bool) int {
	return slices.IndexFunc(f.peer.calls(f.station), func(c flowCall) bool {
		return c.Action == action && (match == nil || match(c.Payload))
	})
}

// unplugAndEnd unplugs the EV and returns the Ended event, which must
// say the EV left.
func (f *flowEnv) unplugAndEnd(t *testing.T) flowEvent {
	t.Helper()
	f.ctl(t, "unplug")
	end, _ := f.waitType(t, "Ended", "")
	if end.TriggerReason != "EVCommunicationLost" || end.Info.StoppedReason != "EVDisconnected" {
		t.Errorf("Ended after unplugging: %v, want EVCommunicationLost/EVDisconnected", end)
	}
	return end
}

// oneTransaction checks that the station sent the events of exactly one
// session, id, complete.
func (f *flowEnv) oneTransaction(t *testing.T, id string) {
	t.Helper()
	if other := f.otherSessions(id); len(other) > 0 {
		t.Errorf("events of other sessions %v besides %s: %v", other, id, flowSummary(f.events()))
	}
	f.sessionComplete(t, id)
}

// otherSessions are the transactionIds other than id the station sent.
func (f *flowEnv) otherSessions(id string) []string {
	var out []string
	for _, e := range f.events() {
		if e.Info.ID != id && !slices.Contains(out, e.Info.ID) {
			out = append(out, e.Info.ID)
		}
	}
	return out
}

// sessionComplete checks that session id's events run from a Started at
// seqNo 0 to an Ended, in seqNo order without gaps (a retried copy
// repeats its seqNo), and that neither their timestamps nor the energy
// register they carry go back.
func (f *flowEnv) sessionComplete(t *testing.T, id string) {
	t.Helper()
	var evs []flowEvent
	for _, e := range f.events() {
		if e.Info.ID == id {
			evs = append(evs, e)
		}
	}
	next, wh, at := 0, 0.0, time.Time{}
	for _, e := range evs {
		if v, ok := e.register(); ok {
			if v < wh {
				t.Errorf("session %s: the register went back from %v to %v Wh at %v", id, wh, v, e)
			}
			wh = v
		}
		if e.Timestamp.Before(at) {
			t.Errorf("session %s: timestamp %v of %v before %v", id, e.Timestamp, e, at)
		}
		at = e.Timestamp
		switch {
		case e.SeqNo == next:
			next++
		case e.SeqNo != next-1: // not a retry of the last one either
			t.Errorf("session %s: seqNo %d after %d: %v", id, e.SeqNo, next-1, flowSummary(evs))
			return
		}
	}
	if len(evs) == 0 || evs[0].EventType != "Started" || evs[len(evs)-1].EventType != "Ended" {
		t.Errorf("session %s does not run from Started to Ended: %v", id, flowSummary(evs))
	}
}
