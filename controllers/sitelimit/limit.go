package sitelimit

import (
	"fmt"
	"math"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/sitelimit/share"
	"github.com/ocppgw/ocppgw/controllers/station/composite"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// horizon is how far ahead a schedule is looked at for its next change; a
// schedule without one is looked at again after it.
const horizon = 24 * time.Hour

// unlimitedA stands for "no limit" in the composite: where the schedule
// gives none, the chargers are bounded only by their own maximum.
const unlimitedA = 1e6

// siteLimit is an operator profile's limit at one instant.
type siteLimit struct {
	// A is the limit per phase; +Inf when the profile gives none now.
	A float64
	// Value and Unit are the limit as declared, for messages.
	Value float64
	Unit  string
	// Next is when it may change next; zero for never.
	Next time.Time
}

// limitNow evaluates spec's limit at now, for chargers of the given phases
// and voltages (for W limits, see share.PerPhaseA). A constant limit is a
// schedule with one period, so validFrom and validTo hold for both. A
// Recurring site schedule repeats in UTC, as OCPP's times are (the example
// and the README say so): a daylight-saving change does not move it.
func limitNow(spec *v1alpha1.ChargingProfileSpec, now time.Time, phases []int, volts []float64) (siteLimit, error) {
	if spec.Limit == nil && len(spec.ChargingSchedule) == 0 {
		return siteLimit{}, fmt.Errorf("neither limit nor chargingSchedule is set")
	}
	p, err := composite.FromSpec(*spec)
	if err != nil {
		return siteLimit{}, err
	}
	p.EVSEID = 0
	unit := p.ChargingSchedule[0].ChargingRateUnit
	start := now.Truncate(time.Second)
	req := composite.Request{EVSEID: 0, Start: start, Duration: int(horizon / time.Second), Unit: unit,
		Voltage: maxOf(volts), DefaultPhases: int(maxOf(phases)), MaxCurrentA: unlimitedA}
	cs, err := composite.Compose([]composite.Profile{p}, req)
	if err != nil {
		return siteLimit{}, err
	}
	periods := cs.ChargingSchedulePeriod
	l := siteLimit{Value: periods[0].Limit, Unit: string(unit), A: periods[0].Limit, Next: start.Add(horizon)}
	if unit == ocpp.ChargingRateUnitW {
		l.A = share.PerPhaseA(l.Value, phases, volts)
	}
	if l.A >= unlimitedA/2 {
		l.A, l.Value = math.Inf(1), math.Inf(1)
	}
	if len(periods) > 1 {
		l.Next = start.Add(time.Duration(periods[1].StartPeriod) * time.Second)
	} else if spec.Limit != nil && spec.ValidTo == "" && spec.ValidFrom == "" {
		l.Next = time.Time{} // a constant limit never changes
	}
	return l, nil
}

// maxOf is the largest of xs, 0 when empty (the composite's default).
func maxOf[T int | float64](xs []T) T {
	var m T
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// String says the limit as declared, e.g. "250 A" or "69000 W (100 A)".
func (l siteLimit) String() string {
	switch {
	case math.IsInf(l.A, 1):
		return "no limit now"
	case l.Unit == "W":
		return fmt.Sprintf("%g W (%.1f A per phase)", l.Value, l.A)
	}
	return fmt.Sprintf("%g A", l.Value)
}
