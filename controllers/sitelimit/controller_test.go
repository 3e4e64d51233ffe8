package sitelimit

import (
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
)

func amps(v float64) *v1alpha1.ConstantLimit { return &v1alpha1.ConstantLimit{Value: v, Unit: "A"} }

func names(ns ...string) *v1alpha1.ChargerSelection { return &v1alpha1.ChargerSelection{Names: ns} }

// TestConstantLimitOverThreeChargers: three sessions share 63 A equally; a
// fourth charger without a session gets 0; when one session ends its
// share goes to the others once its device has taken 0.
func TestConstantLimitOverThreeChargers(t *testing.T) {
	s := newSite(t, Options{})
	for _, c := range []string{"a", "b", "c", "d"} {
		s.charger(c, true, nil)
	}
	s.session("tx-a", "a", t0, true)
	s.session("tx-b", "b", t0.Add(time.Minute), true)
	s.session("tx-c", "c", t0.Add(2*time.Minute), true)
	s.limit("north", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b", "c", "d"), Limit: amps(63)})
	s.wantShares("north", map[string]float64{"a": 21, "b": 21, "c": 21, "d": 0})
	s.ready("north", ReasonShared, "3 sessions share 63 A: a 21.0 A, b 21.0 A, c 21.0 A")

	s.confirm("north")
	s.endSession("tx-b")
	s.wantShares("north", map[string]float64{"a": 21, "b": 0, "c": 21, "d": 0})
	s.ready("north", ReasonLowering)
	s.confirm("north")
	s.wantShares("north", map[string]float64{"a": 31.5, "b": 0, "c": 31.5, "d": 0})
	s.ready("north", ReasonShared, "2 sessions share 63 A")
	s.AssertNoWrites()

	// A draw that changes no share writes nothing.
	s.draw("a", 30, 31, 30.5)
	rev := s.Store.Revision()
	s.Settle()
	if now := s.Store.Revision(); now != rev {
		t.Errorf("a new draw within the share wrote: revision %d -> %d", rev, now)
	}
}

// TestHeldSessionWantsNoCurrent: a session not (yet) authorized gets 0.
func TestHeldSessionWantsNoCurrent(t *testing.T) {
	s := newSite(t, Options{})
	s.charger("a", true, nil)
	s.charger("b", true, nil)
	s.session("tx-a", "a", t0, true)
	s.session("tx-b", "b", t0, false)
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(40)})
	s.wantShares("site", map[string]float64{"a": 32, "b": 0})
}

// TestWattLimit: 27.6 kW over 3-phase 230 V chargers is 40 A per phase.
func TestWattLimit(t *testing.T) {
	s := newPair(t, Options{})
	s.limit("grid", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: &v1alpha1.ConstantLimit{Value: 27600, Unit: "W"}})
	s.wantShares("grid", map[string]float64{"a": 20, "b": 20})
	s.ready("grid", ReasonShared, "27600 W (40.0 A per phase)")
}

// TestSelector: the chargers matching the selector share the limit; a
// charger relabelled in gets a share, one relabelled out loses it.
func TestSelector(t *testing.T) {
	s := newSite(t, Options{})
	s.charger("n1", true, map[string]string{"site": "north"})
	s.charger("n2", true, map[string]string{"site": "north"})
	s.charger("s1", true, map[string]string{"site": "south"})
	for i, c := range []string{"n1", "n2", "s1"} {
		s.session("tx-"+c, c, t0.Add(time.Duration(i)*time.Minute), true)
	}
	s.limit("north", v1alpha1.ChargingProfileSpec{Chargers: &v1alpha1.ChargerSelection{Selector: "site=north"}, Limit: amps(30)})
	s.wantShares("north", map[string]float64{"n1": 15, "n2": 15})
	s.confirm("north")

	relabel(t, s, "s1", "north")
	s.wantShares("north", map[string]float64{"n1": 10, "n2": 10, "s1": 0})
	s.confirm("north")
	s.wantShares("north", map[string]float64{"n1": 10, "n2": 10, "s1": 10})
	relabel(t, s, "n1", "south")
	s.wantShares("north", map[string]float64{"n2": 15, "s1": 15})
}

func relabel(t *testing.T, s *site, charger, to string) {
	t.Helper()
	obj, err := s.Store.Get(chargerKind, charger)
	if err != nil {
		t.Fatal(err)
	}
	obj.Metadata.Labels = map[string]string{"site": to}
	if _, err := s.Store.Update(obj); err != nil {
		t.Fatal(err)
	}
}

// TestTooFewAmpsPausesTheLatest: 20 A cannot give four sessions 6 A each;
// the latest waits at 0, and gets current when an earlier one ends.
func TestTooFewAmpsPausesTheLatest(t *testing.T) {
	s := newSite(t, Options{})
	for i, c := range []string{"a", "b", "c", "d"} {
		s.charger(c, true, nil)
		s.session("tx-"+c, c, t0.Add(time.Duration(i)*time.Minute), true)
	}
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b", "c", "d"), Limit: amps(20)})
	s.wantShares("site", map[string]float64{"a": 6.7, "b": 6.7, "c": 6.6, "d": 0})
	s.ready("site", ReasonShared, "4 sessions share 20 A", "paused for want of current: d")

	s.confirm("site")
	s.endSession("tx-a")
	s.wantShares("site", map[string]float64{"a": 0, "b": 6.7, "c": 6.6, "d": 0})
	s.confirm("site")
	s.wantShares("site", map[string]float64{"a": 0, "b": 6.7, "c": 6.7, "d": 6.6})
}

// TestUnusedCurrentIsRedistributed: an EV that draws 8 A of its 30 A
// keeps 11 A once that settled; the other gets its maximum after the
// first has taken the lower limit. When the EV ramps up to its 11 A it gets
// its share back at once.
func TestUnusedCurrentIsRedistributed(t *testing.T) {
	clock := controllers.NewFakeClock(t0.Add(time.Hour))
	s := newPair(t, Options{Settle: time.Minute, Clock: clock})
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(60)})
	s.wantShares("site", map[string]float64{"a": 30, "b": 30})
	s.confirm("site")

	s.draw("a", 8, 7.5, 8)
	s.Settle()
	clock.Step(59 * time.Second)
	s.Settle()
	s.wantShares("site", map[string]float64{"a": 30, "b": 30}) // not settled yet
	clock.Step(time.Second)
	s.wantShares("site", map[string]float64{"a": 11, "b": 30})
	s.confirm("site")
	s.wantShares("site", map[string]float64{"a": 11, "b": 32})
	s.confirm("site")

	s.draw("a", 10.5, 10.5, 10.5) // ramping up within 2 A of 11 A
	s.wantShares("site", map[string]float64{"a": 28, "b": 30})
	s.ready("site", ReasonLowering)
	s.confirm("site")
	s.wantShares("site", map[string]float64{"a": 30, "b": 30})
	s.ready("site", ReasonShared)
}

// TestUnmanagedChargerIsFixedLoad: a selected charger without spec.ocpp
// gets no share; its highest phase current is taken off the limit, and its
// maximum while its draw is unknown.
func TestUnmanagedChargerIsFixedLoad(t *testing.T) {
	s := newPair(t, Options{})
	s.charger("legacy", false, nil)
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b", "legacy"), Limit: amps(60)})
	s.wantShares("site", map[string]float64{"a": 14, "b": 14})
	s.ready("site", ReasonShared, "32.0 A taken by chargers the gateway does not manage")

	s.draw("legacy", 10, 12, 11)
	s.wantShares("site", map[string]float64{"a": 24, "b": 24})
}

// TestBreakBeforeMake: a new session's share is withheld until the
// charger that must give current up has taken its lower limit.
func TestBreakBeforeMake(t *testing.T) {
	s := newSite(t, Options{})
	s.charger("a", true, nil)
	s.charger("b", true, nil)
	s.session("tx-a", "a", t0, true)
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(36)})
	s.wantShares("site", map[string]float64{"a": 32, "b": 0})
	s.written("a", 32)

	s.session("tx-b", "b", t0.Add(time.Minute), true)
	s.wantShares("site", map[string]float64{"a": 18, "b": 0})
	s.ready("site", ReasonLowering, "raises wait")
	s.Settle()
	if got, _ := s.shares("site"); got["b"] != 0 {
		t.Fatalf("b raised to %v A before a took its lower limit", got["b"])
	}
	s.written("a", 18)
	s.wantShares("site", map[string]float64{"a": 18, "b": 18})
	s.ready("site", ReasonShared)
}

// TestUnconfirmedChargerKeepsItsCapacity: a charger whose device never
// took a limit counts at its maximum.
func TestUnconfirmedChargerKeepsItsCapacity(t *testing.T) {
	s := newPair(t, Options{})
	s.status("a", func(st *v1alpha1.ChargerStatus) { st.OCPP = nil })
	s.limit("site", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(40)})
	s.wantShares("site", map[string]float64{"a": 20, "b": 8})
	s.written("a", 20)
	s.wantShares("site", map[string]float64{"a": 20, "b": 20})
}

// TestDeletingTheSiteLimitDeletesItsShares.
func TestDeletingTheSiteLimitDeletesItsShares(t *testing.T) {
	s := newSite(t, Options{})
	s.charger("a", true, nil)
	s.charger("b", true, nil)
	s.session("tx-a", "a", t0, true)
	s.limit("one", v1alpha1.ChargingProfileSpec{ChargerRef: "a", Limit: amps(16)})
	s.limit("two", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(40)})
	s.wantShares("one", map[string]float64{"a": 16})
	s.wantShares("two", map[string]float64{"a": 32, "b": 0})
	s.Delete(Kind, "two")
	s.wantShares("two", map[string]float64{})
	s.Settle()
	s.wantShares("one", map[string]float64{"a": 16})
	s.Delete(chargerKind, "a")
	s.wantShares("one", map[string]float64{})
}

// TestScheduledLimitChange: a schedule's next period applies when it
// starts.
func TestScheduledLimitChange(t *testing.T) {
	clock := controllers.NewFakeClock(t0.Add(30 * time.Minute))
	s := newPair(t, Options{Clock: clock})
	s.limit("evening", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), ChargingProfileKind: "Absolute",
		ChargingSchedule: []v1alpha1.ChargingSchedule{{ID: 1, StartSchedule: t0.Format(time.RFC3339), ChargingRateUnit: "A",
			ChargingSchedulePeriod: []v1alpha1.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 40}, {StartPeriod: 3600, Limit: 16}}}}})
	s.wantShares("evening", map[string]float64{"a": 20, "b": 20})
	s.confirm("evening")
	s.Settle()

	clock.Step(29 * time.Minute)
	s.Settle()
	if got, _ := s.shares("evening"); got["a"] != 20 {
		t.Fatalf("before the change: %v", got)
	}
	clock.Step(time.Minute + time.Second)
	s.wantShares("evening", map[string]float64{"a": 8, "b": 8})
	s.ready("evening", ReasonShared, "2 sessions share 16 A")
}

// TestConstantLimitEndsAtValidTo: past validTo the limit no longer holds
// and every session may take its maximum.
func TestConstantLimitEndsAtValidTo(t *testing.T) {
	clock := controllers.NewFakeClock(t0.Add(30 * time.Minute))
	s := newPair(t, Options{Clock: clock})
	s.limit("peak", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), Limit: amps(30),
		ValidTo: t0.Add(time.Hour).Format(time.RFC3339)})
	s.wantShares("peak", map[string]float64{"a": 15, "b": 15})
	s.ready("peak", ReasonShared, "2 sessions share 30 A")
	s.confirm("peak")
	s.Settle()
	clock.Step(30*time.Minute + time.Second)
	s.wantShares("peak", map[string]float64{"a": 32, "b": 32})
	s.ready("peak", ReasonShared, "2 sessions, no limit in force now")
}

// TestRecurringWattSchedule: a daily schedule in W, as in the example, steps
// down at 17:00 UTC every day.
func TestRecurringWattSchedule(t *testing.T) {
	clock := controllers.NewFakeClock(time.Date(2026, 3, 1, 16, 59, 30, 0, time.UTC))
	s := newPair(t, Options{Clock: clock})
	s.limit("peak", v1alpha1.ChargingProfileSpec{Chargers: names("a", "b"), ChargingProfileKind: "Recurring", RecurrencyKind: "Daily",
		ChargingSchedule: []v1alpha1.ChargingSchedule{{ID: 1, StartSchedule: "2026-01-01T00:00:00Z", ChargingRateUnit: "W",
			ChargingSchedulePeriod: []v1alpha1.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 27600}, {StartPeriod: 61200, Limit: 11040}}}}})
	s.wantShares("peak", map[string]float64{"a": 20, "b": 20})
	s.confirm("peak")
	s.Settle()
	clock.Step(31 * time.Second)
	s.wantShares("peak", map[string]float64{"a": 8, "b": 8})
	s.ready("peak", ReasonShared, "2 sessions share 11040 W (16.0 A per phase)")
}
