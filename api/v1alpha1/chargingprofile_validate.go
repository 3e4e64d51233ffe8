package v1alpha1

import (
	"fmt"
	"math"
	"time"

	"github.com/ocppgw/ocppgw/api/labels"
)

// SetDefaults fills what the operator left out.
func (s *ChargingProfileSpec) SetDefaults(*ObjectMeta) {
	defaultString(&s.Source, ProfileSourceOperator)
	if s.Source != ProfileSourceCSMS {
		defaultString(&s.ChargingProfilePurpose, "ChargingStationExternalConstraints")
	}
}

// Validate returns every problem with a defaulted spec, including the OCPP
// K01 rules that relate fields to each other.
func (s *ChargingProfileSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	checkMin(&errs, p.Key("evseId"), s.EVSEID, 0)
	checkEnum(&errs, p.Key("source"), s.Source, []string{ProfileSourceCSMS, ProfileSourceOperator, ProfileSourceSite})
	s.checkTarget(&errs, p)
	checkMin(&errs, p.Key("stackLevel"), s.StackLevel, 0)
	checkRequiredEnum(&errs, p.Key("chargingProfilePurpose"), s.ChargingProfilePurpose, ChargingProfilePurposes)
	from := checkTime(&errs, p.Key("validFrom"), s.ValidFrom)
	to := checkTime(&errs, p.Key("validTo"), s.ValidTo)
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		errs.add(p.Key("validTo"), "must be after validFrom")
	}
	checkMaxLen(&errs, p.Key("transactionId"), s.TransactionID, 36)
	s.checkPurpose(&errs, p)
	if s.Limit != nil {
		s.checkConstant(&errs, p)
		return errs
	}
	checkRequiredEnum(&errs, p.Key("chargingProfileKind"), s.ChargingProfileKind, ChargingProfileKinds)
	checkEnum(&errs, p.Key("recurrencyKind"), s.RecurrencyKind, RecurrencyKinds)
	switch {
	case s.ChargingProfileKind == "Recurring" && s.RecurrencyKind == "":
		errs.add(p.Key("recurrencyKind"), "required when chargingProfileKind is Recurring")
	case s.ChargingProfileKind != "Recurring" && s.RecurrencyKind != "":
		errs.add(p.Key("recurrencyKind"), "only used when chargingProfileKind is Recurring")
	}
	validateSchedules(&errs, p.Key("chargingSchedule"), s.ChargingSchedule, s.ChargingProfileKind)
	return errs
}

// checkTarget: a csms or site profile names one charger; an operator
// profile names one or selects several.
func (s *ChargingProfileSpec) checkTarget(errs *fieldErrors, p FieldPath) {
	switch {
	case s.Source == ProfileSourceOperator && s.Chargers != nil:
		if s.ChargerRef != "" {
			errs.add(p.Key("chargers"), "set chargerRef or chargers, not both")
		}
		q := p.Key("chargers")
		if len(s.Chargers.Names) == 0 && s.Chargers.Selector == "" {
			errs.add(q, "must list names or give a selector")
		}
		for i, n := range s.Chargers.Names {
			checkRef(errs, q.Key("names").Index(i), n, true)
		}
		if s.Chargers.Selector != "" {
			if _, err := labels.Parse(s.Chargers.Selector); err != nil {
				errs.add(q.Key("selector"), err.Error())
			}
		}
	case s.Chargers != nil:
		errs.add(p.Key("chargers"), "only an operator profile selects several chargers")
	default:
		checkRef(errs, p.Key("chargerRef"), s.ChargerRef, true)
	}
	if s.Source == ProfileSourceSite {
		checkRef(errs, p.Key("siteRef"), s.SiteRef, true)
	} else if s.SiteRef != "" {
		errs.add(p.Key("siteRef"), "only a site profile names the site limit it comes from")
	}
}

// checkConstant: a constant limit replaces the schedule, and only the
// gateway's own limits (operator, site) use it.
func (s *ChargingProfileSpec) checkConstant(errs *fieldErrors, p FieldPath) {
	q := p.Key("limit")
	if s.Source == ProfileSourceCSMS {
		errs.add(q, "a CSMS profile carries a chargingSchedule, not a constant limit")
	}
	if s.ChargingProfileKind != "" || s.RecurrencyKind != "" || len(s.ChargingSchedule) > 0 {
		errs.add(q, "set limit or chargingProfileKind with chargingSchedule, not both")
	}
	checkLimit(errs, q.Key("value"), s.Limit.Value)
	checkRequiredEnum(errs, q.Key("unit"), s.Limit.Unit, ChargingRateUnits)
}

func (s *ChargingProfileSpec) checkPurpose(errs *fieldErrors, p FieldPath) {
	switch s.ChargingProfilePurpose {
	case "TxProfile":
		if s.EVSEID == 0 {
			errs.add(p.Key("evseId"), "a TxProfile applies to one EVSE; evseId must be at least 1")
		}
	case "ChargingStationMaxProfile":
		if s.EVSEID != 0 {
			errs.add(p.Key("evseId"), "a ChargingStationMaxProfile applies to the whole station; evseId must be 0")
		}
	case "ChargingStationExternalConstraints":
		if s.Source == ProfileSourceCSMS {
			errs.add(p.Key("chargingProfilePurpose"), "a CSMS may not set ChargingStationExternalConstraints")
		}
	}
	if s.Source != ProfileSourceCSMS && s.ChargingProfilePurpose != "" && s.ChargingProfilePurpose != "ChargingStationExternalConstraints" {
		errs.add(p.Key("chargingProfilePurpose"), fmt.Sprintf("an %s profile is a site limit: its purpose is ChargingStationExternalConstraints, got %s", s.Source, s.ChargingProfilePurpose))
	}
	if s.TransactionID != "" && s.ChargingProfilePurpose != "TxProfile" {
		errs.add(p.Key("transactionId"), "only used with chargingProfilePurpose TxProfile")
	}
}

func validateSchedules(errs *fieldErrors, p FieldPath, scheds []ChargingSchedule, kind string) {
	if len(scheds) < 1 || len(scheds) > 3 {
		errs.add(p, fmt.Sprintf("must have 1 to 3 schedules, got %d", len(scheds)))
	}
	ids := map[int]bool{}
	for i := range scheds {
		sc := &scheds[i]
		q := p.Index(i)
		if ids[sc.ID] {
			errs.add(q.Key("id"), fmt.Sprintf("duplicate schedule id %d", sc.ID))
		}
		ids[sc.ID] = true
		checkTime(errs, q.Key("startSchedule"), sc.StartSchedule)
		switch {
		case kind == "Relative" && sc.StartSchedule != "":
			errs.add(q.Key("startSchedule"), "must not be set for a Relative profile")
		case (kind == "Absolute" || kind == "Recurring") && sc.StartSchedule == "":
			errs.add(q.Key("startSchedule"), fmt.Sprintf("required for an %s profile", kind))
		}
		if sc.Duration != nil {
			checkMin(errs, q.Key("duration"), *sc.Duration, 0)
		}
		checkRequiredEnum(errs, q.Key("chargingRateUnit"), sc.ChargingRateUnit, ChargingRateUnits)
		if sc.MinChargingRate != nil {
			checkLimit(errs, q.Key("minChargingRate"), *sc.MinChargingRate)
		}
		validatePeriods(errs, q.Key("chargingSchedulePeriod"), sc.ChargingSchedulePeriod)
	}
}

func validatePeriods(errs *fieldErrors, p FieldPath, periods []ChargingSchedulePeriod) {
	if len(periods) < 1 || len(periods) > 1024 {
		errs.add(p, fmt.Sprintf("must have 1 to 1024 periods, got %d", len(periods)))
	}
	for i, pe := range periods {
		q := p.Index(i)
		switch {
		case i == 0 && pe.StartPeriod != 0:
			errs.add(q.Key("startPeriod"), fmt.Sprintf("the first period must start at 0, got %d", pe.StartPeriod))
		case i > 0 && pe.StartPeriod <= periods[i-1].StartPeriod:
			errs.add(q.Key("startPeriod"), fmt.Sprintf("must be greater than the previous period's %d, got %d", periods[i-1].StartPeriod, pe.StartPeriod))
		}
		checkLimit(errs, q.Key("limit"), pe.Limit)
		if pe.NumberPhases != nil {
			checkRange(errs, q.Key("numberPhases"), *pe.NumberPhases, 1, 3)
		}
		if pe.PhaseToUse != nil {
			checkRange(errs, q.Key("phaseToUse"), *pe.PhaseToUse, 1, 3)
			if pe.NumberPhases == nil || *pe.NumberPhases != 1 {
				errs.add(q.Key("phaseToUse"), "only allowed when numberPhases is 1")
			}
		}
	}
}

// checkLimit enforces OCPP's "at most one digit fraction" and non-negativity.
func checkLimit(errs *fieldErrors, p FieldPath, v float64) {
	switch {
	case v < 0 || math.IsNaN(v) || math.IsInf(v, 0):
		errs.add(p, fmt.Sprintf("must not be negative, got %v", v))
	case math.Abs(v*10-math.Round(v*10)) > 1e-6:
		errs.add(p, fmt.Sprintf("must have at most one decimal, got %v", v))
	}
}

func checkRequiredEnum(errs *fieldErrors, p FieldPath, v string, allowed []string) {
	if v == "" {
		errs.add(p, missing(p))
		return
	}
	checkEnum(errs, p, v, allowed)
}

// checkTime validates an optional RFC 3339 timestamp and returns it parsed.
func checkTime(errs *fieldErrors, p FieldPath, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		errs.add(p, fmt.Sprintf("must be an RFC 3339 date-time such as \"2025-01-31T12:00:00Z\", got %q", v))
	}
	return t
}
