package composite

import (
	"testing"
	"time"
	_ "time/tzdata" // the test's zone must not depend on the machine's zoneinfo

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// TestRecurringAcrossDaylightSaving: a daily profile set for 18:00 in
// Berlin keeps starting at 18:00 local after the clocks go forward on 29
// March 2026, which is 16:00 UTC instead of 17:00 UTC.
func TestRecurringAcrossDaylightSaving(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	start := ocpp.NewDateTime(time.Date(2026, 3, 27, 18, 0, 0, 0, berlin)) // 17:00 UTC (CET)
	p := Profile{EVSEID: 1, ChargingProfileType: ocpp.ChargingProfileType{ID: 1,
		ChargingProfilePurpose: ocpp.ChargingProfilePurposeTxDefaultProfile, ChargingProfileKind: ocpp.ChargingProfileKindRecurring,
		RecurrencyKind: ocpp.RecurrencyKindDaily,
		ChargingSchedule: []ocpp.ChargingScheduleType{{ID: 1, StartSchedule: &start, ChargingRateUnit: ocpp.ChargingRateUnitA,
			ChargingSchedulePeriod: []ocpp.ChargingSchedulePeriodType{{Limit: 8}, {StartPeriod: 3 * 3600, Limit: 20}}}}}}
	req := Request{EVSEID: 1, Start: time.Date(2026, 3, 30, 15, 0, 0, 0, time.UTC), Duration: 4 * 3600,
		Unit: ocpp.ChargingRateUnitA, MaxCurrentA: 32}
	for _, c := range []struct {
		name string
		loc  *time.Location
		want [][2]float64 // startPeriod, limit
	}{
		// 15:00 UTC is 17:00 CEST: the 20 A period of the day before; 8 A
		// from 18:00 CEST (16:00 UTC) for three hours.
		{"Berlin", berlin, [][2]float64{{0, 20}, {3600, 8}}},
		// Counted in UTC days the repetitions stay at 17:00 UTC.
		{"UTC", nil, [][2]float64{{0, 20}, {7200, 8}}},
	} {
		req.Location = c.loc
		got, err := Compose([]Profile{p}, req)
		if err != nil {
			t.Fatal(err)
		}
		var periods [][2]float64
		for _, pe := range got.ChargingSchedulePeriod {
			periods = append(periods, [2]float64{float64(pe.StartPeriod), pe.Limit})
		}
		if len(periods) != len(c.want) {
			t.Errorf("%s: periods %v, want %v", c.name, periods, c.want)
			continue
		}
		for i := range periods {
			if periods[i] != c.want[i] {
				t.Errorf("%s: periods %v, want %v", c.name, periods, c.want)
				break
			}
		}
	}
}
