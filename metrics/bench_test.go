package metrics

import (
	"testing"
	"time"
)

// BenchmarkRecord is the cost of each record call on its own: what metrics
// add to one poll (Polled) and to one OCPP exchange (CallEnded), without
// the network noise of the end-to-end benchmarks (BenchmarkPollMetrics in
// controllers/charger, BenchmarkExchangeMetrics in drivers/ocpp/rpc).
func BenchmarkRecord(b *testing.B) {
	r := New()
	st := r.OCPP().Station("ch1")
	var none *Charger
	cases := []struct {
		name string
		f    func()
	}{
		{"Polled", func() { r.Chargers().Polled("ch1", "modbus", 3*time.Millisecond, "") }},
		{"PolledFailed", func() { r.Chargers().Polled("ch1", "modbus", 3*time.Millisecond, "NotResponding") }},
		{"CallEnded", func() { st.CallEnded("Heartbeat", "ok", "", 2*time.Millisecond) }},
		{"Served", func() { st.Served("GetVariables", "ok", "") }},
		{"nil", func() { none.Polled("ch1", "modbus", time.Millisecond, "") }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.f()
			}
		})
	}
}
