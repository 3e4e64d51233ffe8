package composite

import (
	"fmt"
	"testing"
)

// TestForStation: two EVSEs with their own TxDefaultProfiles add up, and
// the station maximum caps the sum (TC_K_22_CS: a TxDefaultProfile on
// evseId 0 gives each EVSE its limit, the station twice that).
func TestForStation(t *testing.T) {
	profiles := []Profile{
		abs(1, 0, txDefault, 0, nil, 0, 6),           // every EVSE: 6 A
		abs(2, 2, txDefault, 1, nil, 0, 10, 600, 16), // EVSE 2: 10 A, then 16 A
		abs(3, 0, stMax, 0, ip(1200), 0, 20),         // the station: at most 20 A for 1200 s
	}
	station := baseReq()
	station.EVSEID, station.Duration, station.MaxCurrentA = 0, 1800, 64
	e1, e2 := baseReq(), baseReq()
	e1.EVSEID, e2.EVSEID = 1, 2
	e1.Duration, e2.Duration = 1800, 1800
	e1.SessionStart, e1.TransactionID, e2.SessionStart, e2.TransactionID = station.Start, "", station.Start, ""
	cs, err := ForStation(profiles, station, []Request{e1, e2})
	if err != nil {
		t.Fatal(err)
	}
	// 6 + 10 = 16 until 600; 6 + 16 = 22 capped to 20 until 1200; 22 after.
	want := []period{{0, 16, 3}, {600, 20, 3}, {1200, 22, 3}}
	if g := got(cs); fmt.Sprint(g) != fmt.Sprint(want) {
		t.Errorf("station periods = %v, want %v", g, want)
	}
}

// TestFixedPhases: 3680 W on one phase is 16 A for a charger that can
// switch to one phase, but a three-phase charger that cannot must be
// given 3680 W over three phases: 5.3 A.
func TestFixedPhases(t *testing.T) {
	one := 1
	p := abs(1, 1, txDefault, 0, nil, 0, 3680)
	p.ChargingSchedule[0].ChargingRateUnit = "W"
	p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = &one
	req := baseReq()
	for _, c := range []struct {
		fixed bool
		want  float64
	}{{false, 16}, {true, 3680.0 / (230 * 3)}} {
		req.FixedPhases = c.fixed
		cs, err := Compose([]Profile{p}, req)
		if err != nil {
			t.Fatal(err)
		}
		if l := cs.ChargingSchedulePeriod[0].Limit; l != c.want {
			t.Errorf("fixed %t: %v A, want %v A", c.fixed, l, c.want)
		}
	}
}
