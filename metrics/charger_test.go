package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestChargerSeriesMatchVectors records polls, reachability and commands
// of two chargers in the handle and in real metric vectors, the oracle,
// and compares the exposition of each family.
func TestChargerSeriesMatchVectors(t *testing.T) {
	r := New()
	ch := r.Chargers()
	oracle := prometheus.NewRegistry()
	polls := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ocppgw_charger_poll_duration_seconds", Help: "x",
		Buckets: pollBuckets[:]}, []string{"charger", "protocol"})
	failures := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ocppgw_charger_poll_failures_total", Help: "x"},
		[]string{"charger", "cause"})
	reachable := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "ocppgw_charger_device_reachable", Help: "x"}, []string{"charger"})
	commands := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ocppgw_charger_commands_total", Help: "x"},
		[]string{"charger", "command", "outcome"})
	oracle.MustRegister(polls, failures, reachable, commands)

	for _, p := range []struct {
		charger, protocol string
		took              time.Duration
		cause             string
	}{
		{"a", "modbus", 3 * time.Millisecond, ""},
		{"a", "modbus", 5 * time.Millisecond, ""}, // on a bucket bound: counted in it
		{"a", "modbus", 2 * time.Second, "NotResponding"},
		{"a", "echonet", 40 * time.Second, "NotResponding"}, // another protocol (template changed); above every bound
		{"b", "modbus", 250 * time.Millisecond, "DeviceError"},
		{"b", "modbus", 0, ""},
	} {
		ch.Polled(p.charger, p.protocol, p.took, p.cause)
		polls.WithLabelValues(p.charger, p.protocol).Observe(p.took.Seconds())
		if p.cause != "" {
			failures.WithLabelValues(p.charger, p.cause).Inc()
		}
	}
	for _, s := range []struct {
		charger string
		v       bool
	}{{"a", true}, {"b", true}, {"b", false}} {
		ch.SetReachable(s.charger, s.v)
		v := 0.0
		if s.v {
			v = 1
		}
		reachable.WithLabelValues(s.charger).Set(v)
	}
	for _, c := range [][3]string{{"a", "start", "Done"}, {"a", "start", "Done"}, {"a", "stop", "Timeout"}, {"b", "setCurrentLimit", "Rejected"}} {
		ch.CommandDone(c[0], c[1], c[2])
		commands.WithLabelValues(c[0], c[1], c[2]).Inc()
	}
	// A charger that only ever ran a command has no poll series.
	ch.CommandDone("c", "keepAlive", "Done")
	commands.WithLabelValues("c", "keepAlive", "Done").Inc()

	for _, name := range []string{"ocppgw_charger_poll_duration_seconds", "ocppgw_charger_poll_failures_total",
		"ocppgw_charger_device_reachable", "ocppgw_charger_commands_total"} {
		want := samples(t, oracle, name)
		if got := samples(t, r.Gatherer(), name); got != want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", name, got, want)
		}
	}
}
