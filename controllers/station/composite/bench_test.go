package composite

import (
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// BenchmarkComposeDay is what the station computes for one EVSE at each
// step while profiles are installed: a day's composite of a recurring
// TxDefaultProfile, a TxProfile, a station maximum and a site share.
//
//	go test -run '^$' -bench . -benchmem ./controllers/station/composite/
func BenchmarkComposeDay(b *testing.B) {
	share := abs(4, 0, external, 0, nil, 0, 12)
	profiles := []Profile{nightly(), tx(abs(2, 1, txDefault, 0, ip(1200), 0, 10, 600, 20), "T1"),
		abs(3, 0, stMax, 0, nil, 0, 18, 7200, 25), share}
	req := baseReq()
	req.Duration = 86400
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(profiles, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComposeNone is the common case of a charger without profiles.
func BenchmarkComposeNone(b *testing.B) {
	req := baseReq()
	req.Duration, req.Unit = 86400, ocpp.ChargingRateUnitA
	req.Start = t0.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compose(nil, req); err != nil {
			b.Fatal(err)
		}
	}
}
