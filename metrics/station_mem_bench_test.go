package metrics

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkStationSeries is the heap a station's OCPP series hold once it
// has booted and sent a session's usual messages: what each station adds
// to gwd's memory through metrics alone.
func BenchmarkStationSeries(b *testing.B) {
	const n = 1000
	for b.Loop() {
		r := New()
		before := heapInUse()
		for i := range n {
			st := r.OCPP().Station(fmt.Sprintf("charger-%04d", i))
			st.SetState("Pending")
			st.SetState("Registered")
			for _, a := range []string{"BootNotification", "Heartbeat", "StatusNotification", "MeterValues", "TransactionEvent"} {
				st.CallEnded(a, "ok", "", 20*time.Millisecond)
			}
			st.Served("GetVariables", "ok", "")
			st.Served("SetChargingProfile", "ok", "")
			st.EnergyDelivered(12.5)
		}
		b.ReportMetric(float64(heapInUse()-before)/n, "heap-B/station")
		runtime.KeepAlive(r)
	}
}

func heapInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse)
}

// BenchmarkChargerSeries is the heap a charger's poll and command series
// hold once it has been polled, has failed a poll and run its commands:
// what each charger adds to gwd's memory through metrics alone.
func BenchmarkChargerSeries(b *testing.B) {
	const n = 1000
	for b.Loop() {
		r := New()
		before := heapInUse()
		for i := range n {
			name := fmt.Sprintf("charger-%04d", i)
			r.Chargers().Polled(name, "modbus", 20*time.Millisecond, "")
			r.Chargers().Polled(name, "modbus", 2*time.Second, "NotResponding")
			r.Chargers().SetReachable(name, true)
			for _, cmd := range []string{"start", "stop", "setCurrentLimit", "keepAlive"} {
				r.Chargers().CommandDone(name, cmd, "Done")
			}
		}
		b.ReportMetric(float64(heapInUse()-before)/n, "heap-B/charger")
		runtime.KeepAlive(r)
	}
}
