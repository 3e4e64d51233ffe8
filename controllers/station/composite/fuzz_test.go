package composite

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// FuzzCompose feeds arbitrary profile lists (JSON, as they would arrive)
// to Validate and Compose: neither may panic, and every schedule Compose
// returns has the promised shape whatever the profiles.
func FuzzCompose(f *testing.F) {
	for _, ps := range [][]Profile{
		{nightly()},
		{abs(1, 1, txDefault, 0, nil, 0, 16), tx(abs(2, 1, txDefault, 0, ip(1200), 0, 10, 600, 20), "T1"),
			abs(3, 0, stMax, 0, nil, 0, 18)},
	} {
		b, err := json.Marshal(ps)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, 1, int64(0), 3600, false)
		f.Add(b, 0, int64(-86400), 90000, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, evse int, startOff int64, dur int, watts bool) {
		var ps []Profile
		if json.Unmarshal(data, &ps) != nil {
			return
		}
		for _, p := range ps {
			_ = Validate(p, Limits{Now: t0, PeriodsPerSchedule: 8})
		}
		req := baseReq()
		req.EVSEID = evse % 3
		req.Start = t0.Add(time.Duration(startOff%(30*86400)) * time.Second)
		req.Duration = 1 + abs3(dur)%(3*86400)
		if watts {
			req.Unit = ocpp.ChargingRateUnitW
		}
		cs, err := Compose(ps, req)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkShape(cs, req); err != nil {
			t.Fatal(err)
		}
	})
}

// abs3 is |n| without overflow at the minimum int.
func abs3(n int) int {
	if n < 0 {
		n = -(n + 1)
	}
	return n
}
