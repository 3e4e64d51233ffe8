package sitelimit

import (
	"maps"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestRaiseInFlightIsCounted: a share raised and lowered again before the
// device confirmed the raise still counts at the raise, since the station
// may be writing it now; the current it frees goes to others only once the
// device confirmed a later write.
func TestRaiseInFlightIsCounted(t *testing.T) {
	s := newPair(t, Options{})
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(40)})
	s.wantShares("site", map[string]float64{"a": 20, "b": 20})
	s.confirm("site")

	s.endSession("tx-b")
	s.wantShares("site", map[string]float64{"a": 20, "b": 0})
	s.written("b", 0)
	// a is raised to its maximum; its station starts writing 32 A.
	s.wantShares("site", map[string]float64{"a": 32, "b": 0})

	// A new session on b lowers a at once and gives b what a cannot be
	// drawing: 40 - 32.
	s.session("tx-b2", "b", t0.Add(time.Hour), true)
	s.wantShares("site", map[string]float64{"a": 20, "b": 8})
	s.written("b", 8)
	s.Settle()
	// a's device confirmed nothing since the 32 A share was stored: it
	// may take 32 A any moment, so b stays at 8 A.
	if got, _ := s.shares("site"); !maps.Equal(got, map[string]float64{"a": 20, "b": 8}) {
		t.Fatalf("shares %v while a may still be taking 32 A: want a=20 b=8", got)
	}
	s.ready("site", ReasonLowering)

	s.written("a", 20)
	s.wantShares("site", map[string]float64{"a": 20, "b": 20})
}

// TestWrittenBeforeStartCountsAtMaximum: a limit the device took before
// the controller started says nothing of the shares stored since, so the
// charger counts at its maximum until its station confirms a write.
func TestWrittenBeforeStartCountsAtMaximum(t *testing.T) {
	s := newSite(t, Options{})
	s.charger("a", true, nil)
	s.charger("b", true, nil)
	s.status("a", func(st *v1alpha1.ChargerStatus) {
		before := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
		st.OCPP = &v1alpha1.ChargerOCPPStatus{Limits: []v1alpha1.EVSELimit{{EVSEID: 1, WrittenA: ptr(0.0), WrittenAt: before}}}
	})
	s.session("tx-b", "b", t0, true)
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(40)})
	// a may draw 32 A: b gets the 8 A left.
	s.wantShares("site", map[string]float64{"a": 0, "b": 8})
	s.written("a", 0)
	s.wantShares("site", map[string]float64{"a": 0, "b": 32})
}

func TestShareLogKeepsWhatMayBeInFlight(t *testing.T) {
	start := time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)
	l := newShareLog(start)
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	l.record("x", 10, at(1))
	l.record("x", 10, at(2)) // unchanged: not a new entry
	l.record("x", 32, at(3))
	l.record("x", 6, at(5))
	cases := []struct {
		confirmed time.Time
		want      float64
	}{
		{at(0), 32}, // before any: all may be in flight
		{at(2), 32}, // 10 was latest then, 32 and 6 came after
		{at(4), 32}, // 32 was latest then
		{at(6), 6},  // only 6 since
		{at(4), 6},  // what was forgotten stays forgotten
	}
	for i, c := range cases {
		if got, ok := l.inFlight("x", c.confirmed); !ok || got != c.want {
			t.Errorf("%d: confirmed at %v: in flight %v %v, want %v", i, c.confirmed.Sub(start), got, ok, c.want)
		}
	}
	if l.confirmedSince(start.Add(-time.Nanosecond)) || !l.confirmedSince(start) {
		t.Error("confirmedSince: a confirmation before the start must say nothing")
	}
	// The first share is the highest; merging the oldest keeps it.
	for i := range logMax + 10 {
		l.record("y", float64(100-i), at(10+i))
	}
	if got, _ := l.inFlight("y", start); got != 100 {
		t.Errorf("merged log lost the highest share: %v, want 100", got)
	}
	if n := len(l.entries["y"]); n > logMax {
		t.Errorf("log of y holds %d entries, more than %d", n, logMax)
	}
	l.drop("x")
	if _, ok := l.inFlight("x", start); ok {
		t.Error("a dropped share is still in flight")
	}
}
