package composite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// always is the start of a constant limit's schedule: before any clock a
// station can have, so the limit has held since long before any request.
var always = time.Unix(0, 0).UTC()

// FromSpec turns a stored ChargingProfile into a Profile. The resource
// carries the OCPP fields under their OCPP names, so they convert through
// JSON; a constant limit (operator and site profiles) becomes an Absolute
// profile with one period that has always held.
func FromSpec(s v1alpha1.ChargingProfileSpec) (Profile, error) {
	p := Profile{EVSEID: s.EVSEID}
	if s.Limit != nil {
		start := ocpp.NewDateTime(always)
		p.ID, p.StackLevel = s.ID, s.StackLevel
		p.ChargingProfilePurpose = ocpp.ChargingProfilePurposeEnumType(s.ChargingProfilePurpose)
		p.ChargingProfileKind = ocpp.ChargingProfileKindAbsolute
		p.ChargingSchedule = []ocpp.ChargingScheduleType{{ID: 1, StartSchedule: &start,
			ChargingRateUnit:       ocpp.ChargingRateUnitEnumType(s.Limit.Unit),
			ChargingSchedulePeriod: []ocpp.ChargingSchedulePeriodType{{StartPeriod: 0, Limit: s.Limit.Value}}}}
		return p, withValidity(&p, s)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return Profile{}, fmt.Errorf("charging profile %d: %w", s.ID, err)
	}
	if err := json.Unmarshal(b, &p.ChargingProfileType); err != nil {
		return Profile{}, fmt.Errorf("charging profile %d: %w", s.ID, err)
	}
	return p, nil
}

func withValidity(p *Profile, s v1alpha1.ChargingProfileSpec) error {
	for _, f := range []struct {
		text string
		dst  **ocpp.DateTime
	}{{s.ValidFrom, &p.ValidFrom}, {s.ValidTo, &p.ValidTo}} {
		if f.text == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, f.text)
		if err != nil {
			return fmt.Errorf("charging profile %d: %w", s.ID, err)
		}
		d := ocpp.NewDateTime(t)
		*f.dst = &d
	}
	return nil
}

// ToSpec is the resource form of a profile the CSMS set on a charger.
// salesTariff (ISO 15118) and customData are not kept.
func ToSpec(p Profile, charger string) (v1alpha1.ChargingProfileSpec, error) {
	var s v1alpha1.ChargingProfileSpec
	b, err := json.Marshal(p.ChargingProfileType)
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		return s, fmt.Errorf("charging profile %d: %w", p.ID, err)
	}
	s.ChargerRef, s.EVSEID, s.Source = charger, p.EVSEID, v1alpha1.ProfileSourceCSMS
	return s, nil
}
