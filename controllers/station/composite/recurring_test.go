package composite

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// nightly is a Daily TxDefaultProfile anchored on 2026-12-01 23:00 UTC:
// 10 A from 23:00, 6 A from 00:00, for two hours (until 01:00).
func nightly() Profile {
	return Profile{EVSEID: 1, ChargingProfileType: ocpp.ChargingProfileType{
		ID: 7, ChargingProfilePurpose: txDefault,
		ChargingProfileKind: ocpp.ChargingProfileKindRecurring, RecurrencyKind: ocpp.RecurrencyKindDaily,
		ChargingSchedule: sched(ocpp.ChargingRateUnitA,
			dt(time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC)), ip(7200), 0, 10, 3600, 6),
	}}
}

func TestComposeRecurring(t *testing.T) {
	weekly := nightly()
	weekly.RecurrencyKind = ocpp.RecurrencyKindWeekly
	tests := []struct {
		name    string
		profile Profile
		start   time.Time
		dur     int
		want    []period
	}{{
		// From 22:00 on the 3rd, two days after the anchor: no limit until
		// 23:00 (3600), 10 A to midnight (7200), 6 A to 01:00 (10800), then none.
		name: "daily across midnight", profile: nightly(),
		start: time.Date(2026, 12, 3, 22, 0, 0, 0, time.UTC), dur: 4 * 3600,
		want: []period{{0, 32, 3}, {3600, 10, 3}, {7200, 6, 3}, {10800, 32, 3}},
	}, {
		// 26 hours from 22:00: the next night starts again at 23:00 on the
		// 4th (3600+86400 = 90000); the window ends at midnight.
		name: "daily repeats the next night", profile: nightly(),
		start: time.Date(2026, 12, 3, 22, 0, 0, 0, time.UTC), dur: 26 * 3600,
		want: []period{{0, 32, 3}, {3600, 10, 3}, {7200, 6, 3}, {10800, 32, 3}, {90000, 10, 3}},
	}, {
		// Starting at 00:30 inside a repetition that began the day before.
		name: "window starts inside a repetition", profile: nightly(),
		start: time.Date(2026, 12, 4, 0, 30, 0, 0, time.UTC), dur: 3600,
		want: []period{{0, 6, 3}, {1800, 32, 3}},
	}, {
		// Before its anchor a recurring profile does not apply.
		name: "not before the anchor", profile: nightly(),
		start: time.Date(2026, 11, 30, 23, 0, 0, 0, time.UTC), dur: 7200,
		want: []period{{0, 32, 3}},
	}, {
		// Weekly: the 2nd and 3rd are off; the 8th at 23:00 is on.
		name: "weekly skips the other days", profile: weekly,
		start: time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC), dur: 3600,
		want: []period{{0, 32, 3}},
	}, {
		name: "weekly a week later", profile: weekly,
		start: time.Date(2026, 12, 8, 23, 30, 0, 0, time.UTC), dur: 3600,
		want: []period{{0, 10, 3}, {1800, 6, 3}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := baseReq()
			req.Start, req.Duration = tc.start, tc.dur
			cs, err := Compose([]Profile{tc.profile}, req)
			if err != nil {
				t.Fatal(err)
			}
			if g := got(cs); fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Errorf("periods = %v, want %v", g, tc.want)
			}
		})
	}
}

// A schedule time with a fraction of a second takes effect at the next
// whole second of the window.
func TestComposeFractionalSecond(t *testing.T) {
	p := abs(1, 1, txDefault, 0, nil, 0, 6)
	p.ChargingSchedule[0].StartSchedule = dt(t0.Add(1500 * time.Millisecond))
	cs, err := Compose([]Profile{p}, baseReq())
	if err != nil {
		t.Fatal(err)
	}
	if g, want := fmt.Sprint(got(cs)), fmt.Sprint([]period{{0, 32, 3}, {2, 6, 3}}); g != want {
		t.Errorf("periods = %v, want %v", g, want)
	}
}

func TestComposeBadRequest(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Request)
		want string
	}{
		{"unit", func(r *Request) { r.Unit = "kW" }, `chargingRateUnit "kW"`},
		{"duration", func(r *Request) { r.Duration = 0 }, "duration 0 s"},
		{"voltage", func(r *Request) { r.Voltage = -1 }, "voltage -1 V"},
		{"phases", func(r *Request) { r.DefaultPhases = 4 }, "default phases 4"},
		{"max", func(r *Request) { r.MaxCurrentA = -3 }, "charger maximum -3 A"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := baseReq()
			tc.edit(&req)
			_, err := Compose(nil, req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
