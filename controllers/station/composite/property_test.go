package composite

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// checkShape reports whether cs covers [0, duration) from 0 with strictly
// increasing starts and no two equal neighbours.
func checkShape(cs ocpp.CompositeScheduleType, req Request) error {
	ps := cs.ChargingSchedulePeriod
	if len(ps) == 0 || ps[0].StartPeriod != 0 {
		return fmt.Errorf("periods %v do not start at 0", ps)
	}
	if cs.Duration != req.Duration || !cs.ScheduleStart.Equal(req.Start) || cs.ChargingRateUnit != req.Unit {
		return fmt.Errorf("header %d s from %v in %s, want %d s from %v in %s",
			cs.Duration, cs.ScheduleStart, cs.ChargingRateUnit, req.Duration, req.Start, req.Unit)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].StartPeriod <= ps[i-1].StartPeriod || ps[i].StartPeriod >= req.Duration {
			return fmt.Errorf("period %d starts at %d after %d (duration %d)", i, ps[i].StartPeriod, ps[i-1].StartPeriod, req.Duration)
		}
		if ps[i].Limit == ps[i-1].Limit && *ps[i].NumberPhases == *ps[i-1].NumberPhases {
			return fmt.Errorf("periods %d and %d are equal: %v A/W", i-1, i, ps[i].Limit)
		}
	}
	return nil
}

// limitAt is the composite's limit at off seconds from its start.
func limitAt(cs ocpp.CompositeScheduleType, off int) float64 {
	v := math.NaN()
	for _, p := range cs.ChargingSchedulePeriod {
		if p.StartPeriod <= off {
			v = p.Limit
		}
	}
	return v
}

// naiveLimit is an independent, slow reading of one profile at t: it walks
// recurrences one by one from the anchor instead of dividing.
func naiveLimit(p Profile, req Request, t time.Time) (float64, bool) {
	s := p.ChargingSchedule[0]
	if (p.ValidFrom != nil && t.Before(p.ValidFrom.Time)) || (p.ValidTo != nil && !t.Before(p.ValidTo.Time)) {
		return 0, false
	}
	var start time.Time
	length := time.Duration(math.MaxInt64)
	if s.Duration != nil {
		length = time.Duration(*s.Duration) * time.Second
	}
	switch p.ChargingProfileKind {
	case ocpp.ChargingProfileKindRelative:
		start = req.SessionStart
		if start.IsZero() {
			start = req.Start
		}
	case ocpp.ChargingProfileKindAbsolute:
		start = s.StartSchedule.Time
	case ocpp.ChargingProfileKindRecurring:
		step := 24 * time.Hour
		if p.RecurrencyKind == ocpp.RecurrencyKindWeekly {
			step *= 7
		}
		start = s.StartSchedule.Time
		for !start.Add(step).After(t) {
			start = start.Add(step)
		}
		length = min(length, step)
	}
	if start.IsZero() || t.Before(start) || t.Sub(start) >= length {
		return 0, false
	}
	var q ocpp.ChargingSchedulePeriodType
	for _, c := range s.ChargingSchedulePeriod { // generated in order
		if time.Duration(c.StartPeriod)*time.Second <= t.Sub(start) {
			q = c
		}
	}
	phases := 3
	if q.NumberPhases != nil {
		phases = *q.NumberPhases
	}
	switch {
	case s.ChargingRateUnit == req.Unit:
		return q.Limit, true
	case req.Unit == ocpp.ChargingRateUnitW:
		return q.Limit * 230 * float64(phases), true
	}
	return q.Limit / (230 * float64(phases)), true
}

// winners gives the limit of each purpose that applies at t: the highest
// stack level of each (the lowest of the external constraints), the EVSE's
// TxDefaultProfile before the station's, and the TxProfile instead of the
// TxDefaultProfile.
func winners(ps []Profile, req Request, t time.Time) []float64 {
	type best struct {
		v     float64
		stack int
		ok    bool
	}
	top := map[string]*best{}
	for _, p := range ps {
		key := string(p.ChargingProfilePurpose)
		switch {
		case p.ChargingProfilePurpose == stMax && p.EVSEID != 0,
			p.EVSEID != 0 && p.EVSEID != req.EVSEID,
			req.EVSEID == 0 && (p.ChargingProfilePurpose == txDefault || p.ChargingProfilePurpose == txProf),
			p.ChargingProfilePurpose == txProf && (p.EVSEID == 0 || p.TransactionID != req.TransactionID || req.TransactionID == ""):
			continue
		case p.ChargingProfilePurpose == txDefault && p.EVSEID != 0:
			key = "evse default"
		}
		v, ok := naiveLimit(p, req, t)
		if b := top[key]; ok && key == string(external) && (b == nil || v < b.v) {
			top[key] = &best{v, p.StackLevel, true} // every external constraint holds: the lowest
		} else if ok && key != string(external) && (b == nil || p.StackLevel > b.stack) {
			top[key] = &best{v, p.StackLevel, true}
		}
	}
	var out []float64
	for _, k := range []string{string(stMax), string(external)} {
		if b := top[k]; b != nil {
			out = append(out, b.v)
		}
	}
	for _, k := range []string{string(txProf), "evse default", string(txDefault)} {
		if b := top[k]; b != nil {
			return append(out, b.v)
		}
	}
	return out
}

// randomProfiles makes up to five profiles with distinct stack levels.
func randomProfiles(r *rand.Rand) []Profile {
	purposes := []ocpp.ChargingProfilePurposeEnumType{stMax, external, txDefault, txProf}
	kinds := []ocpp.ChargingProfileKindEnumType{ocpp.ChargingProfileKindAbsolute,
		ocpp.ChargingProfileKindRelative, ocpp.ChargingProfileKindRecurring}
	when := func() *ocpp.DateTime { return dt(t0.Add(time.Duration(r.IntN(4*86400)-2*86400) * time.Second)) }
	n := r.IntN(6)
	stacks := r.Perm(n)
	out := make([]Profile, n)
	for i := range out {
		p := Profile{EVSEID: r.IntN(3), ChargingProfileType: ocpp.ChargingProfileType{
			ID: i, StackLevel: stacks[i], ChargingProfilePurpose: purposes[r.IntN(4)],
			ChargingProfileKind: kinds[r.IntN(3)], TransactionID: []string{"T1", "T2"}[r.IntN(2)],
			RecurrencyKind: []ocpp.RecurrencyKindEnumType{ocpp.RecurrencyKindDaily, ocpp.RecurrencyKindWeekly}[r.IntN(2)],
		}}
		if p.ChargingProfilePurpose == stMax {
			p.EVSEID = 0
		}
		s := ocpp.ChargingScheduleType{ChargingRateUnit: ocpp.ChargingRateUnitA}
		if r.IntN(2) == 0 {
			s.ChargingRateUnit = ocpp.ChargingRateUnitW
		}
		if p.ChargingProfileKind != ocpp.ChargingProfileKindRelative {
			s.StartSchedule = when()
		}
		if r.IntN(2) == 0 {
			s.Duration = ip(1 + r.IntN(2*86400))
		}
		for at, k := 0, 1+r.IntN(5); k > 0; k-- {
			q := ocpp.ChargingSchedulePeriodType{StartPeriod: at, Limit: float64(r.IntN(41))}
			if s.ChargingRateUnit == ocpp.ChargingRateUnitW {
				q.Limit = float64(r.IntN(30001))
			}
			if r.IntN(2) == 0 {
				q.NumberPhases = ip(1 + r.IntN(3))
			}
			s.ChargingSchedulePeriod = append(s.ChargingSchedulePeriod, q)
			at += 1 + r.IntN(20000)
		}
		p.ChargingSchedule = []ocpp.ChargingScheduleType{s}
		if r.IntN(3) == 0 {
			p.ValidFrom = when()
		}
		if r.IntN(3) == 0 {
			p.ValidTo = when()
		}
		out[i] = p
	}
	return out
}

// TestComposeProperties checks random profiles at sampled instants: the
// composite is never above the charger's maximum nor above any purpose's
// limit that applies there, and equals their minimum.
func TestComposeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 2026))
	for iter := range 400 {
		ps := randomProfiles(r)
		req := Request{EVSEID: r.IntN(3), Start: t0, Duration: 1 + r.IntN(2*86400),
			Unit: ocpp.ChargingRateUnitA, TransactionID: []string{"", "T1"}[r.IntN(2)], MaxCurrentA: 32}
		if r.IntN(2) == 0 {
			req.Unit = ocpp.ChargingRateUnitW
		}
		if r.IntN(3) > 0 {
			req.SessionStart = t0.Add(-time.Duration(r.IntN(86400)) * time.Second)
		}
		cs, err := Compose(ps, req)
		if err != nil {
			t.Fatalf("case %d: %v", iter, err)
		}
		if err := checkShape(cs, req); err != nil {
			t.Fatalf("case %d: %v\nprofiles %s", iter, err, dump(ps))
		}
		maximum := 32.0
		if req.Unit == ocpp.ChargingRateUnitW {
			maximum = 32 * 230 * 3
		}
		samples := []int{0, req.Duration - 1}
		for _, p := range cs.ChargingSchedulePeriod {
			samples = append(samples, p.StartPeriod, max(0, p.StartPeriod-1))
		}
		for range 100 {
			samples = append(samples, r.IntN(req.Duration))
		}
		for _, off := range samples {
			at := t0.Add(time.Duration(off) * time.Second)
			got, want := limitAt(cs, off), maximum
			for _, w := range winners(ps, req, at) {
				if got > w+1e-9*max(1, w) {
					t.Fatalf("case %d at %d s: composite %v is above an applying limit %v\nprofiles %s", iter, off, got, w, dump(ps))
				}
				want = min(want, w)
			}
			if got > maximum || math.Abs(got-want) > 1e-9*max(1, want) {
				t.Fatalf("case %d at %d s: composite %v, want %v (max %v)\nprofiles %s", iter, off, got, want, maximum, dump(ps))
			}
		}
	}
}

// dump shows profiles in their wire form for a failure message.
func dump(ps []Profile) string {
	b, err := json.Marshal(ps)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
