package main

// GetCompositeSchedule (K08) after stacked profiles, checked period by
// period against the composition rules of the specification, worked out
// here from the profiles the flow set.

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"
)

// scSchedule is one Absolute profile as the composition reads it.
type scSchedule struct {
	purpose  string
	stack    int
	start    time.Time
	duration time.Duration // 0: no end
	periods  []scPeriod
}

// at is the schedule's limit at t, false when it is not in force then.
func (s scSchedule) at(t time.Time) (float64, bool) {
	if t.Before(s.start.Add(time.Duration(s.periods[0].start)*time.Second)) || (s.duration > 0 && !t.Before(s.start.Add(s.duration))) {
		return 0, false
	}
	limit := 0.0
	for _, p := range s.periods {
		if !t.Before(s.start.Add(time.Duration(p.start) * time.Second)) {
			limit = p.limit
		}
	}
	return limit, true
}

// scLimitAt is the composite at t for an EVSE (K08, the 2.0.1 stacking
// rules): per purpose the schedule in force with the highest stackLevel;
// a TxProfile overrides the TxDefaultProfile; the
// ChargingStationMaxProfile caps the result; no profile leaves the
// charger's maximum.
func scLimitAt(schedules []scSchedule, t time.Time) float64 {
	best := map[string]scSchedule{}
	limit := map[string]float64{}
	for _, s := range schedules {
		if l, ok := s.at(t); ok {
			if b, seen := best[s.purpose]; !seen || s.stack > b.stack {
				best[s.purpose], limit[s.purpose] = s, l
			}
		}
	}
	out := float64(scChargerMaxA)
	if l, ok := limit["TxProfile"]; ok {
		out = l
	} else if l, ok := limit["TxDefaultProfile"]; ok {
		out = l
	}
	if l, ok := limit["ChargingStationMaxProfile"]; ok {
		out = min(out, l)
	}
	return min(out, scChargerMaxA)
}

// scOffsetPeriod is a composite period: from start seconds after the
// scheduleStart (fractional: the station's start need not be a whole
// second after the profiles'), limit.
type scOffsetPeriod struct {
	start float64
	limit float64
}

// scCompose works out the composite over [from, from+d): a period at
// from and at every change of limit after it.
func scCompose(schedules []scSchedule, from time.Time, d time.Duration) []scOffsetPeriod {
	edges := []time.Time{from}
	for _, s := range schedules {
		for _, p := range s.periods {
			edges = append(edges, s.start.Add(time.Duration(p.start)*time.Second))
		}
		if s.duration > 0 {
			edges = append(edges, s.start.Add(s.duration))
		}
	}
	slices.SortFunc(edges, time.Time.Compare)
	var out []scOffsetPeriod
	for _, e := range edges {
		if e.Before(from) || !e.Before(from.Add(d)) {
			continue
		}
		l := scLimitAt(schedules, e)
		if len(out) == 0 || out[len(out)-1].limit != l {
			out = append(out, scOffsetPeriod{e.Sub(from).Seconds(), l})
		}
	}
	return out
}

// scCompositeAnswer is a GetCompositeScheduleResponse as sent.
type scCompositeAnswer struct {
	Status   string `json:"status"`
	Schedule *struct {
		EvseID        int       `json:"evseId"`
		Duration      int       `json:"duration"`
		ScheduleStart time.Time `json:"scheduleStart"`
		Unit          string    `json:"chargingRateUnit"`
		Periods       []struct {
			StartPeriod int     `json:"startPeriod"`
			Limit       float64 `json:"limit"`
		} `json:"chargingSchedulePeriod"`
	} `json:"schedule"`
}

func (f *flowEnv) composite(t *testing.T, evse, duration int, unit string) scCompositeAnswer {
	t.Helper()
	res := f.call(t, "GetCompositeSchedule", map[string]any{"evseId": evse, "duration": duration, "chargingRateUnit": unit})
	var a scCompositeAnswer
	if err := json.Unmarshal(res, &a); err != nil {
		t.Fatalf("GetCompositeSchedule answer %s: %v", res, err)
	}
	return a
}

// scComposite (K08, TC_K_40 and TC_K_41): three profiles during a session,
// all starting at t0: TxDefaultProfiles at stackLevel 0 (16 A, 10 A from
// 1200 s, 20 A from 2400 s) and at stackLevel 1 for 600 s (6 A), and a
// ChargingStationMaxProfile (32 A, 12 A from 1800 s). The composite of
// EVSE 1 over an hour is checked against the worked-out one in A, and in
// W at the KEBA's 230 V on 3 phases; the charger runs at its first
// period. An unknown EVSE is Rejected (TC_K_47).
func scComposite(t *testing.T, f *flowEnv) {
	t0 := time.Now().UTC().Truncate(time.Second)
	schedules := []scSchedule{
		{"TxDefaultProfile", 0, t0, 0, []scPeriod{{0, 16}, {1200, 10}, {2400, 20}}},
		{"TxDefaultProfile", 1, t0, 600 * time.Second, []scPeriod{{0, 6}}},
		{"ChargingStationMaxProfile", 0, t0, 0, []scPeriod{{0, 32}, {1800, 12}}},
	}
	for i, s := range schedules {
		p := newProfile(601+i, s.stack, s.purpose, "Absolute", s.start, s.periods...)
		if s.duration > 0 {
			p = p.with("duration", int(s.duration.Seconds()))
		}
		f.setAccepted(t, 0, p)
	}
	f.flowCharging(t, "SC-COMPOSITE", 6)
	f.waitLimit(t, 6)
	tx := f.transactionID(t)
	for _, unit := range []struct {
		name string
		per  float64 // the unit's value of one ampere
	}{{"A", 1}, {"W", 230 * 3}} {
		a := f.composite(t, 1, 3600, unit.name)
		s := a.Schedule
		if a.Status != "Accepted" || s == nil || s.EvseID != 1 || s.Duration != 3600 || s.Unit != unit.name || s.ScheduleStart.Before(t0) {
			t.Errorf("GetCompositeSchedule of EVSE 1 in %s: %+v, schedule %+v", unit.name, a, s)
			continue
		}
		want := scCompose(schedules, s.ScheduleStart, time.Hour)
		got := fmt.Sprintf("%+v", s.Periods)
		if len(s.Periods) != len(want) {
			t.Errorf("composite in %s from %v: periods %s, want %+v (A)", unit.name, s.ScheduleStart, got, want)
			continue
		}
		for i, w := range want {
			p := s.Periods[i]
			// startPeriod is whole seconds: the station rounds the offset.
			if !near(float64(p.StartPeriod), w.start, 1) || !near(p.Limit, w.limit*unit.per, 1) {
				t.Errorf("composite in %s, period %d: %+v, want from %.1f s at %g %s (all: %s)", unit.name, i, p, w.start, w.limit*unit.per, unit.name, got)
			}
		}
	}
	if a := f.composite(t, 99, 3600, "A"); a.Status != "Rejected" {
		t.Errorf("GetCompositeSchedule of EVSE 99: %+v, want Rejected", a)
	}
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// TestComposeWorkedExample checks the flow's own expectation against the
// composite worked out by hand for scComposite's profiles, asked for 5.5 s
// after they start: 6 A (the stackLevel 1 TxDefault) until 600 s, 16 A
// until 1200 s, 10 A (the TxDefault's 10 A below the Max profile's 12 A
// from 1800 s) until 2400 s, then the Max profile's 12 A below 20 A.
func TestComposeWorkedExample(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 23, 50, 0, 0, time.UTC) // across midnight: no matter
	schedules := []scSchedule{
		{"TxDefaultProfile", 0, t0, 0, []scPeriod{{0, 16}, {1200, 10}, {2400, 20}}},
		{"TxDefaultProfile", 1, t0, 600 * time.Second, []scPeriod{{0, 6}}},
		{"ChargingStationMaxProfile", 0, t0, 0, []scPeriod{{0, 32}, {1800, 12}}},
	}
	got := scCompose(schedules, t0.Add(5500*time.Millisecond), time.Hour)
	want := []scOffsetPeriod{{0, 6}, {594.5, 16}, {1194.5, 10}, {2394.5, 12}}
	if !slices.Equal(got, want) {
		t.Fatalf("composite %+v, want %+v", got, want)
	}
	// A TxProfile overrides every TxDefaultProfile whatever its stackLevel.
	tx := append(schedules, scSchedule{"TxProfile", 0, t0, 0, []scPeriod{{0, 25}}})
	if got := scCompose(tx, t0, time.Hour); !slices.Equal(got, []scOffsetPeriod{{0, 25}, {1800, 12}}) {
		t.Fatalf("with a TxProfile: %+v", got)
	}
}
