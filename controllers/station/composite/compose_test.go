package composite

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// t0 is the start of most windows below: 2026-12-03 10:00 UTC.
var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func dt(t time.Time) *ocpp.DateTime { d := ocpp.NewDateTime(t); return &d }
func ip(n int) *int                 { return &n }

// sched builds a schedule in unit from "startPeriod:limit" pairs.
func sched(unit ocpp.ChargingRateUnitEnumType, start *ocpp.DateTime, dur *int, pairs ...float64) []ocpp.ChargingScheduleType {
	s := ocpp.ChargingScheduleType{ID: 1, StartSchedule: start, Duration: dur, ChargingRateUnit: unit}
	for i := 0; i+1 < len(pairs); i += 2 {
		s.ChargingSchedulePeriod = append(s.ChargingSchedulePeriod,
			ocpp.ChargingSchedulePeriodType{StartPeriod: int(pairs[i]), Limit: pairs[i+1]})
	}
	return []ocpp.ChargingScheduleType{s}
}

// abs is an Absolute profile in A starting at t0.
func abs(id, evse int, purpose ocpp.ChargingProfilePurposeEnumType, stack int, dur *int, pairs ...float64) Profile {
	return Profile{EVSEID: evse, ChargingProfileType: ocpp.ChargingProfileType{
		ID: id, StackLevel: stack, ChargingProfilePurpose: purpose,
		ChargingProfileKind: ocpp.ChargingProfileKindAbsolute,
		ChargingSchedule:    sched(ocpp.ChargingRateUnitA, dt(t0), dur, pairs...),
	}}
}

const (
	txDefault = ocpp.ChargingProfilePurposeTxDefaultProfile
	txProf    = ocpp.ChargingProfilePurposeTxProfile
	stMax     = ocpp.ChargingProfilePurposeChargingStationMaxProfile
	external  = ocpp.ChargingProfilePurposeChargingStationExternalConstraints
)

// tx makes p a TxProfile of transaction id.
func tx(p Profile, id string) Profile {
	p.ChargingProfilePurpose, p.TransactionID = txProf, id
	return p
}

// period is an expected output period: startPeriod, limit, phases.
type period struct {
	start  int
	limit  float64
	phases int
}

func got(cs ocpp.CompositeScheduleType) []period {
	var out []period
	for _, p := range cs.ChargingSchedulePeriod {
		out = append(out, period{p.StartPeriod, p.Limit, *p.NumberPhases})
	}
	return out
}

// baseReq is EVSE 1, one hour from t0, in A, transaction T1, a 32 A charger.
func baseReq() Request {
	return Request{EVSEID: 1, Start: t0, Duration: 3600, Unit: ocpp.ChargingRateUnitA,
		TransactionID: "T1", SessionStart: t0.Add(-5 * time.Minute), MaxCurrentA: 32}
}

// composeCase is one worked example: profiles, a change to baseReq, and
// the periods expected, each computed by hand in its comment.
type composeCase struct {
	name     string
	profiles []Profile
	req      func(*Request)
	want     []period
}

var composeCases = []composeCase{{
	// Nothing limits: the charger's 32 A, explicitly.
	name: "no profile", want: []period{{0, 32, 3}},
}, {
	// TxProfile 10 A then 20 A for 1200 s; after it the TxDefault's 16 A.
	// At 600 the TxProfile's 20 A replaces (not mins with) the default's 16 A.
	name: "TxProfile stacked on TxDefaultProfile",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16),
		tx(abs(2, 1, txDefault, 0, ip(1200), 0, 10, 600, 20), "T1")},
	want: []period{{0, 10, 3}, {600, 20, 3}, {1200, 16, 3}},
}, {
	// The same with an 18 A station maximum: 20 A becomes 18 A.
	name: "ChargingStationMaxProfile caps both",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16),
		tx(abs(2, 1, txDefault, 0, ip(1200), 0, 10, 600, 20), "T1"),
		abs(3, 0, stMax, 0, nil, 0, 18)},
	want: []period{{0, 10, 3}, {600, 18, 3}, {1200, 16, 3}},
}, {
	// A TxProfile of another transaction does not apply.
	name: "TxProfile of another transaction",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16),
		tx(abs(2, 1, txDefault, 0, nil, 0, 10), "T2")},
	want: []period{{0, 16, 3}},
}, {
	// Stack level 1 (8 A) is valid 900..1800 only; validTo ends it mid-window
	// and stack level 0 (16 A) is back.
	name: "higher stack level with validFrom and validTo",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16), func() Profile {
		p := abs(2, 1, txDefault, 1, nil, 0, 8)
		p.ValidFrom, p.ValidTo = dt(t0.Add(900*time.Second)), dt(t0.Add(1800*time.Second))
		return p
	}()},
	want: []period{{0, 16, 3}, {900, 8, 3}, {1800, 16, 3}},
}, {
	// The EVSE's own TxDefaultProfile (20 A, stack 0) wins over the station's
	// (12 A, stack 5): the result is above the station's default.
	name:     "TxDefaultProfile on the EVSE beats the station's",
	profiles: []Profile{abs(1, 0, txDefault, 5, nil, 0, 12), abs(2, 1, txDefault, 0, nil, 0, 20)},
	want:     []period{{0, 20, 3}},
}, {
	// External constraints (the site share) cap the default.
	name:     "ChargingStationExternalConstraints caps",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16), abs(2, 1, external, 0, nil, 0, 14)},
	want:     []period{{0, 14, 3}},
}, {
	// Two site limits on one charger: both hold, whatever their stack
	// levels (the higher stack level gives the higher limit here).
	name: "every external constraint holds",
	profiles: []Profile{abs(1, 0, external, 0, ip(600), 0, 10), abs(2, 0, external, 3, nil, 0, 18),
		abs(3, 0, external, 3, nil, 0, 30)},
	want: []period{{0, 10, 3}, {600, 18, 3}},
}, {
	// 11040 W on 3 phases at 230 V is 16 A.
	name: "W profile asked in A",
	profiles: []Profile{func() Profile {
		p := abs(1, 1, txDefault, 0, nil)
		p.ChargingSchedule = sched(ocpp.ChargingRateUnitW, dt(t0), nil, 0, 11040)
		return p
	}()},
	want: []period{{0, 16, 3}},
}, {
	// Asked in W: no profile is 32 A × 230 V × 3 = 22080 W; a 10 A
	// single-phase TxProfile period is 10 × 230 × 1 = 2300 W.
	name: "A profile asked in W",
	profiles: []Profile{func() Profile {
		p := tx(abs(1, 1, txDefault, 0, ip(600), 0, 10), "T1")
		p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = ip(1)
		return p
	}()},
	req:  func(r *Request) { r.Unit = ocpp.ChargingRateUnitW },
	want: []period{{0, 2300, 1}, {600, 22080, 3}},
}, {
	// Relative from the session start (t0-300 s): 20 A for 600 s, then 8 A,
	// so 8 A from offset 300.
	name: "Relative TxProfile follows the session",
	profiles: []Profile{func() Profile {
		p := tx(abs(1, 1, txDefault, 0, nil, 0, 20, 600, 8), "T1")
		p.ChargingProfileKind, p.ChargingSchedule[0].StartSchedule = ocpp.ChargingProfileKindRelative, nil
		return p
	}()},
	want: []period{{0, 20, 3}, {300, 8, 3}},
}, {
	// Without a session a Relative schedule starts with the request, as a
	// session starting now would (TC_K_21_CS composes one while idle).
	name: "Relative without a session starts with the request",
	profiles: []Profile{func() Profile {
		p := abs(1, 1, txDefault, 0, nil, 0, 20)
		p.ChargingProfileKind, p.ChargingSchedule[0].StartSchedule = ocpp.ChargingProfileKindRelative, nil
		return p
	}()},
	req:  func(r *Request) { r.SessionStart, r.TransactionID = time.Time{}, "" },
	want: []period{{0, 20, 3}},
}, {
	// The station composite counts the station maximum, not TxDefaultProfiles.
	name:     "station composite",
	profiles: []Profile{abs(1, 0, txDefault, 0, nil, 0, 10), abs(2, 0, stMax, 0, ip(1800), 0, 25)},
	req:      func(r *Request) { r.EVSEID = 0 },
	want:     []period{{0, 25, 3}, {1800, 32, 3}},
}, {
	// Equal adjacent periods (16 A at 0 and 600, and a 16 A cap) merge.
	name:     "equal periods merge",
	profiles: []Profile{abs(1, 1, txDefault, 0, nil, 0, 16, 600, 16), abs(2, 0, stMax, 0, nil, 0, 16)},
	want:     []period{{0, 16, 3}},
}, {
	// An Absolute schedule starting 1000 s into the window limits from there.
	name: "schedule starting inside the window",
	profiles: []Profile{func() Profile {
		p := abs(1, 1, txDefault, 0, nil, 0, 6)
		p.ChargingSchedule[0].StartSchedule = dt(t0.Add(1000 * time.Second))
		return p
	}()},
	want: []period{{0, 32, 3}, {1000, 6, 3}},
}}

func TestCompose(t *testing.T) {
	for _, tc := range composeCases {
		t.Run(tc.name, func(t *testing.T) {
			req := baseReq()
			if tc.req != nil {
				tc.req(&req)
			}
			cs, err := Compose(tc.profiles, req)
			if err != nil {
				t.Fatal(err)
			}
			if g := got(cs); fmt.Sprint(g) != fmt.Sprint(tc.want) {
				t.Errorf("periods = %v, want %v", g, tc.want)
			}
		})
	}
}
