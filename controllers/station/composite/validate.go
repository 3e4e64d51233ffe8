package composite

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Limits are the station's facts a profile is checked against.
type Limits struct {
	Now time.Time // the station clock
	// PeriodsPerSchedule is SmartChargingCtrlr.PeriodsPerSchedule; 0 means
	// only the schema's bound of 1024.
	PeriodsPerSchedule int
}

// Validate reports everything wrong with p for a SetChargingProfile (or an
// operator's profile), each problem naming the field. It checks the rules
// of the profile alone; whether its transaction runs, its evseId exists
// or its (purpose, stackLevel) collides is for the caller to check.
func Validate(p Profile, lim Limits) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch p.ChargingProfilePurpose {
	case ocpp.ChargingProfilePurposeChargingStationMaxProfile:
		if p.EVSEID != 0 {
			bad("ChargingStationMaxProfile must be set on evseId 0, not %d", p.EVSEID)
		}
	case ocpp.ChargingProfilePurposeTxProfile:
		if p.TransactionID == "" {
			bad("TxProfile without transactionId")
		}
	case ocpp.ChargingProfilePurposeTxDefaultProfile, ocpp.ChargingProfilePurposeChargingStationExternalConstraints:
	default:
		bad("chargingProfilePurpose %q is unknown", p.ChargingProfilePurpose)
	}
	if p.StackLevel < 0 {
		bad("stackLevel %d is negative", p.StackLevel)
	}
	if p.ValidTo != nil && !p.ValidTo.After(lim.Now) {
		bad("validTo %s is not in the future", p.ValidTo.UTC().Format(time.RFC3339))
	}
	if p.ValidTo != nil && p.ValidFrom != nil && !p.ValidTo.After(p.ValidFrom.Time) {
		bad("validTo %s is not after validFrom %s", p.ValidTo.UTC().Format(time.RFC3339), p.ValidFrom.UTC().Format(time.RFC3339))
	}
	if len(p.ChargingSchedule) == 0 {
		bad("chargingSchedule is empty")
	}
	for i := range p.ChargingSchedule {
		errs = append(errs, validateSchedule(&p.ChargingProfileType, i, lim)...)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("charging profile %d: %w", p.ID, err)
	}
	return nil
}

// validateSchedule checks chargingSchedule[i] of p against its kind.
func validateSchedule(p *ocpp.ChargingProfileType, i int, lim Limits) []error {
	s := &p.ChargingSchedule[i]
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("chargingSchedule[%d]: "+format, append([]any{i}, a...)...))
	}
	switch p.ChargingProfileKind {
	case ocpp.ChargingProfileKindRelative:
		if s.StartSchedule != nil {
			bad("startSchedule is set on a Relative profile")
		}
	case ocpp.ChargingProfileKindAbsolute, ocpp.ChargingProfileKindRecurring:
		if s.StartSchedule == nil {
			bad("startSchedule is missing; %s profiles need one", p.ChargingProfileKind)
		}
		if p.ChargingProfileKind == ocpp.ChargingProfileKindRecurring && i == 0 && recurrence(p) == 0 {
			errs = append(errs, fmt.Errorf("recurrencyKind %q is not Daily or Weekly on a Recurring profile", p.RecurrencyKind))
		}
	default:
		if i == 0 {
			errs = append(errs, fmt.Errorf("chargingProfileKind %q is unknown", p.ChargingProfileKind))
		}
	}
	if s.ChargingRateUnit != ocpp.ChargingRateUnitA && s.ChargingRateUnit != ocpp.ChargingRateUnitW {
		bad("chargingRateUnit %q is neither A nor W", s.ChargingRateUnit)
	}
	if s.Duration != nil && *s.Duration <= 0 {
		bad("duration %d is not positive", *s.Duration)
	}
	validatePeriods(s, lim, bad)
	return errs
}

// validatePeriods checks the periods of s; bad prefixes the schedule.
func validatePeriods(s *ocpp.ChargingScheduleType, lim Limits, bad func(string, ...any)) {
	ps := s.ChargingSchedulePeriod
	maxPeriods := 1024
	if lim.PeriodsPerSchedule > 0 && lim.PeriodsPerSchedule < maxPeriods {
		maxPeriods = lim.PeriodsPerSchedule
	}
	switch {
	case len(ps) == 0:
		bad("chargingSchedulePeriod is empty")
	case len(ps) > maxPeriods:
		bad("%d periods, more than PeriodsPerSchedule %d", len(ps), maxPeriods)
	case ps[0].StartPeriod != 0:
		bad("chargingSchedulePeriod[0].startPeriod is %d, not 0", ps[0].StartPeriod)
	}
	for j, q := range ps {
		if j > 0 && q.StartPeriod <= ps[j-1].StartPeriod {
			bad("chargingSchedulePeriod[%d].startPeriod %d is not after the previous %d", j, q.StartPeriod, ps[j-1].StartPeriod)
		}
		if math.IsNaN(q.Limit) || math.IsInf(q.Limit, 0) || q.Limit < 0 {
			bad("chargingSchedulePeriod[%d].limit %v is not a non-negative number", j, q.Limit)
		}
		if q.NumberPhases != nil && (*q.NumberPhases < 1 || *q.NumberPhases > 3) {
			bad("chargingSchedulePeriod[%d].numberPhases %d is not 1, 2 or 3", j, *q.NumberPhases)
		}
	}
}
