package composite

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

func TestValidate(t *testing.T) {
	lim := Limits{Now: t0, PeriodsPerSchedule: 3}
	good := func() Profile { return abs(1, 1, txDefault, 0, nil, 0, 16, 600, 10) }
	tests := []struct {
		name string
		edit func(*Profile)
		want []string // substrings; none means valid
	}{
		{"valid Absolute", func(*Profile) {}, nil},
		{"valid Relative TxProfile", func(p *Profile) {
			*p = tx(*p, "T1")
			p.ChargingProfileKind, p.ChargingSchedule[0].StartSchedule = ocpp.ChargingProfileKindRelative, nil
		}, nil},
		{"first period not at 0", func(p *Profile) { p.ChargingSchedule[0].ChargingSchedulePeriod[0].StartPeriod = 5 },
			[]string{"chargingSchedule[0]: chargingSchedulePeriod[0].startPeriod is 5, not 0"}},
		{"periods not increasing", func(p *Profile) { p.ChargingSchedule[0].ChargingSchedulePeriod[1].StartPeriod = 0 },
			[]string{"chargingSchedulePeriod[1].startPeriod 0 is not after the previous 0"}},
		{"negative limit", func(p *Profile) { p.ChargingSchedule[0].ChargingSchedulePeriod[1].Limit = -1 },
			[]string{"chargingSchedulePeriod[1].limit -1 is not a non-negative number"}},
		{"NaN limit", func(p *Profile) { p.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit = math.NaN() },
			[]string{"chargingSchedulePeriod[0].limit NaN"}},
		{"too many periods", func(p *Profile) {
			p.ChargingSchedule = sched(ocpp.ChargingRateUnitA, dt(t0), nil, 0, 1, 60, 2, 120, 3, 180, 4)
		}, []string{"4 periods, more than PeriodsPerSchedule 3"}},
		{"Relative with startSchedule", func(p *Profile) { p.ChargingProfileKind = ocpp.ChargingProfileKindRelative },
			[]string{"startSchedule is set on a Relative profile"}},
		{"Absolute without startSchedule", func(p *Profile) { p.ChargingSchedule[0].StartSchedule = nil },
			[]string{"startSchedule is missing; Absolute profiles need one"}},
		{"Recurring without recurrencyKind", func(p *Profile) { p.ChargingProfileKind = ocpp.ChargingProfileKindRecurring },
			[]string{`recurrencyKind "" is not Daily or Weekly`}},
		{"validTo in the past", func(p *Profile) { p.ValidTo = dt(t0.Add(-time.Hour)) },
			[]string{"validTo 2026-12-03T09:00:00Z is not in the future"}},
		{"validTo before validFrom", func(p *Profile) {
			p.ValidFrom, p.ValidTo = dt(t0.Add(2*time.Hour)), dt(t0.Add(time.Hour))
		}, []string{"validTo 2026-12-03T11:00:00Z is not after validFrom 2026-12-03T12:00:00Z"}},
		{"TxProfile without transactionId", func(p *Profile) { p.ChargingProfilePurpose = txProf },
			[]string{"TxProfile without transactionId"}},
		{"station maximum on an EVSE", func(p *Profile) { p.ChargingProfilePurpose = stMax },
			[]string{"ChargingStationMaxProfile must be set on evseId 0, not 1"}},
		{"bad unit and phases", func(p *Profile) {
			p.ChargingSchedule[0].ChargingRateUnit = "kW"
			p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = ip(0)
		}, []string{`chargingRateUnit "kW"`, "chargingSchedulePeriod[0].numberPhases 0 is not 1, 2 or 3"}},
		{"no schedule", func(p *Profile) { p.ChargingSchedule = nil }, []string{"chargingSchedule is empty"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			tc.edit(&p)
			err := Validate(p, lim)
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, want it to contain %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "charging profile 1: ") {
				t.Errorf("Validate = %q, want it to name profile 1", err)
			}
		})
	}
}
