package composite

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Defaults used when a Request leaves the field zero.
const (
	DefaultVoltage = 230.0 // V, nominal phase voltage in Europe
	DefaultPhases  = 3
)

// Profile is a charging profile together with the EVSE it was set on
// (0 for the station), which the profile itself does not carry.
type Profile struct {
	EVSEID int
	ocpp.ChargingProfileType
}

// Request is what a composite schedule is computed for.
type Request struct {
	EVSEID   int       // 0 for the whole station
	Start    time.Time // scheduleStart of the result
	Duration int       // seconds, > 0
	Unit     ocpp.ChargingRateUnitEnumType

	// SessionStart is when the session on the EVSE started (the start of
	// Relative schedules); zero when there is none.
	SessionStart time.Time
	// TransactionID is the session's transaction; TxProfiles of other
	// transactions do not apply. Empty when there is none.
	TransactionID string

	Voltage       float64 // V per phase; 0 means DefaultVoltage
	DefaultPhases int     // phases where a period gives none; 0 means DefaultPhases
	// FixedPhases: the charger cannot switch phases, so it draws on
	// DefaultPhases whatever a period's numberPhases says, and W convert
	// to A with those (the limit the charger can be given). Without it a
	// period's numberPhases counts, as the CSMS reads a composite.
	FixedPhases bool
	// MaxCurrentA is the charger's own maximum current per phase, the
	// limit wherever no profile gives one.
	MaxCurrentA float64
	// Location is the station's time zone: a Recurring schedule repeats at
	// the same local time each day or week, across changes of daylight
	// saving time. nil means UTC.
	Location *time.Location
}

// limit is one candidate limit at an instant, in the requested unit.
type limit struct {
	value  float64
	phases int
	ok     bool
}

// Compose returns the composite schedule of profiles for req (see the
// package documentation for the rules).
func Compose(profiles []Profile, req Request) (ocpp.CompositeScheduleType, error) {
	c, err := newConverter(req)
	if err != nil {
		return ocpp.CompositeScheduleType{}, err
	}
	end := req.Start.Add(seconds(req.Duration))
	fallback := limit{value: c.fromA(req.MaxCurrentA, c.phases), phases: c.phases, ok: true}
	var periods []ocpp.ChargingSchedulePeriodType
	for t := req.Start; t.Before(end); {
		cur, next := resolve(profiles, req, c, t, end)
		if !cur.ok || !(cur.value < fallback.value) {
			cur = fallback
		}
		periods = appendPeriod(periods, int(t.Sub(req.Start)/time.Second), cur)
		t = wholeSecondAfter(req.Start, t, next)
	}
	return ocpp.CompositeScheduleType{
		ChargingSchedulePeriod: periods,
		EVSEID:                 req.EVSEID,
		Duration:               req.Duration,
		ScheduleStart:          ocpp.NewDateTime(req.Start.UTC()),
		ChargingRateUnit:       req.Unit,
	}, nil
}

// appendPeriod adds a period at offset unless it equals the last one.
func appendPeriod(ps []ocpp.ChargingSchedulePeriodType, offset int, l limit) []ocpp.ChargingSchedulePeriodType {
	if n := len(ps); n > 0 && ps[n-1].Limit == l.value && *ps[n-1].NumberPhases == l.phases {
		return ps
	}
	phases := l.phases
	return append(ps, ocpp.ChargingSchedulePeriodType{StartPeriod: offset, Limit: l.value, NumberPhases: &phases})
}

// wholeSecondAfter rounds next up to a whole second from start, and at
// least one second after t, so that the sweep always advances.
func wholeSecondAfter(start, t, next time.Time) time.Time {
	d := next.Sub(start)
	if r := d % time.Second; r != 0 {
		d += time.Second - r
	}
	if min := t.Sub(start) + time.Second; d < min {
		d = min
	}
	return start.Add(d)
}

// resolve gives the composite limit at t and the next instant (at most
// end) at which any profile's contribution may change.
func resolve(profiles []Profile, req Request, c converter, t, end time.Time) (limit, time.Time) {
	next := end
	var best [4]candidate
	for i := range profiles {
		p := &profiles[i]
		slot, ok := slotFor(p, req)
		if !ok {
			continue
		}
		l, n := evaluate(&p.ChargingProfileType, t, end, req, c)
		next = earliest(next, n)
		if !l.ok {
			continue
		}
		b := &best[slot]
		if slot == slotExternal {
			// External constraints come from independent sources (a site
			// limit, an energy manager): every one of them holds.
			if !b.l.ok || l.value < b.l.value {
				*b = candidate{l: l, stack: p.StackLevel, evse: p.EVSEID != 0}
			}
			continue
		}
		if b.beatenBy(p.StackLevel, p.EVSEID != 0, slot == slotTxDefault) {
			*b = candidate{l: l, stack: p.StackLevel, evse: p.EVSEID != 0}
		}
	}
	if best[slotTx].l.ok {
		best[slotTxDefault].l = best[slotTx].l
	}
	out := limit{}
	for _, s := range []int{slotTxDefault, slotExternal, slotMax} {
		if l := best[s].l; l.ok && (!out.ok || l.value < out.value) {
			out = l
		}
	}
	return out, next
}

// candidate is the winning profile of one purpose so far.
type candidate struct {
	l     limit
	stack int
	evse  bool // set on the EVSE rather than on the station
}

// beatenBy says whether an active profile with this stack level replaces
// b. With evseFirst (TxDefaultProfile) a profile set on the EVSE beats one
// set on the station whatever the stack levels.
func (b *candidate) beatenBy(stack int, onEVSE, evseFirst bool) bool {
	if !b.l.ok {
		return true
	}
	if evseFirst && onEVSE != b.evse {
		return onEVSE
	}
	return stack > b.stack
}

// Slots of the purposes in resolve.
const (
	slotMax = iota
	slotExternal
	slotTxDefault
	slotTx
)

// slotFor says whether p counts for req and in which purpose slot.
func slotFor(p *Profile, req Request) (int, bool) {
	onStation := p.EVSEID == 0
	mine := onStation || p.EVSEID == req.EVSEID
	switch p.ChargingProfilePurpose {
	case ocpp.ChargingProfilePurposeChargingStationMaxProfile:
		return slotMax, onStation
	case ocpp.ChargingProfilePurposeChargingStationExternalConstraints:
		return slotExternal, mine
	case ocpp.ChargingProfilePurposeTxDefaultProfile:
		return slotTxDefault, req.EVSEID != 0 && mine
	case ocpp.ChargingProfilePurposeTxProfile:
		return slotTx, req.EVSEID != 0 && p.EVSEID == req.EVSEID &&
			req.TransactionID != "" && p.TransactionID == req.TransactionID
	}
	return 0, false
}

// earliest is the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// maxSeconds bounds second counts taken from input so that durations
// cannot overflow (about 100 years).
const maxSeconds = 100 * 366 * 24 * 3600

// seconds converts n seconds to a Duration, saturating at maxSeconds.
func seconds(n int) time.Duration {
	if n > maxSeconds {
		n = maxSeconds
	}
	if n < -maxSeconds {
		n = -maxSeconds
	}
	return time.Duration(n) * time.Second
}

// converter turns limits between A and W.
type converter struct {
	unit    ocpp.ChargingRateUnitEnumType
	voltage float64
	phases  int
	fixed   bool // the period's numberPhases does not count
}

func newConverter(req Request) (converter, error) {
	c := converter{unit: req.Unit, voltage: req.Voltage, phases: req.DefaultPhases, fixed: req.FixedPhases}
	if c.voltage == 0 {
		c.voltage = DefaultVoltage
	}
	if c.phases == 0 {
		c.phases = DefaultPhases
	}
	var errs []error
	if req.Unit != ocpp.ChargingRateUnitA && req.Unit != ocpp.ChargingRateUnitW {
		errs = append(errs, fmt.Errorf("chargingRateUnit %q is neither A nor W", req.Unit))
	}
	if req.Duration <= 0 || req.Duration > maxSeconds {
		errs = append(errs, fmt.Errorf("duration %d s is not in 1..%d", req.Duration, maxSeconds))
	}
	if !(c.voltage > 0) || math.IsInf(c.voltage, 0) {
		errs = append(errs, fmt.Errorf("voltage %v V is not a positive number", req.Voltage))
	}
	if c.phases < 1 || c.phases > 3 {
		errs = append(errs, fmt.Errorf("default phases %d is not 1, 2 or 3", req.DefaultPhases))
	}
	if !(req.MaxCurrentA >= 0) || math.IsInf(req.MaxCurrentA, 0) {
		errs = append(errs, fmt.Errorf("charger maximum %v A is not a non-negative number", req.MaxCurrentA))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("composite schedule for evse %d: %w", req.EVSEID, err)
	}
	return c, nil
}

// fromA converts a current per phase to the requested unit.
func (c converter) fromA(a float64, phases int) float64 {
	if c.unit == ocpp.ChargingRateUnitW {
		return a * c.voltage * float64(phases)
	}
	return a
}

// convert turns v, in unit from, into the requested unit.
func (c converter) convert(v float64, from ocpp.ChargingRateUnitEnumType, phases int) float64 {
	if from == c.unit {
		return v
	}
	if from == ocpp.ChargingRateUnitW {
		return v / (c.voltage * float64(phases))
	}
	return c.fromA(v, phases)
}
