package metrics

import (
	"bytes"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// A station's counters are exposed as metric vectors would expose them:
// the same families, labels and values, histogram buckets included. The
// vectors, fed the same calls, are the oracle.
func TestStationSeriesMatchVectors(t *testing.T) {
	r := New()
	st := r.OCPP().Station("c1")
	oracle := prometheus.NewRegistry()
	messages := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ocppgw_ocpp_messages_total", Help: messagesDesc.String()},
		[]string{"charger", "direction", "action", "result"})
	codes := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ocppgw_ocpp_call_errors_total", Help: "x"},
		[]string{"charger", "direction", "code"})
	rtt := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ocppgw_ocpp_call_duration_seconds", Help: "x",
		Buckets: rttBuckets[:]}, []string{"charger"})
	oracle.MustRegister(messages, codes, rtt)

	calls := []struct {
		action, result, code string
		rtt                  time.Duration
	}{
		{"BootNotification", "ok", "", 30 * time.Millisecond},
		{"Heartbeat", "ok", "", 5 * time.Millisecond}, // on a bucket bound: counted in it
		{"Heartbeat", "ok", "", 4 * time.Millisecond}, // below the first bound
		{"Heartbeat", "callerror", "InternalError", 2 * time.Second},
		{"MeterValues", "timeout", "", 0},                // no answer: no round trip
		{"TransactionEvent", "ok", "", 45 * time.Second}, // above every bound
	}
	for _, c := range calls {
		st.CallEnded(c.action, c.result, c.code, c.rtt)
		messages.WithLabelValues("c1", "sent", c.action, c.result).Inc()
		if c.code != "" {
			codes.WithLabelValues("c1", "sent", c.code).Inc()
		}
		if c.rtt > 0 {
			rtt.WithLabelValues("c1").Observe(c.rtt.Seconds())
		}
	}
	st.Served("GetVariables", "callerror", "NotSupported")
	messages.WithLabelValues("c1", "received", "GetVariables", "callerror").Inc()
	codes.WithLabelValues("c1", "received", "NotSupported").Inc()

	for _, name := range []string{"ocppgw_ocpp_messages_total", "ocppgw_ocpp_call_errors_total", "ocppgw_ocpp_call_duration_seconds"} {
		want := samples(t, oracle, name)
		if got := samples(t, r.Gatherer(), name); got != want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", name, got, want)
		}
	}
}

// samples is the text exposition of one family's samples, without its
// HELP and TYPE lines.
func samples(t *testing.T, g prometheus.Gatherer, name string) string {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var text, out bytes.Buffer
	for _, mf := range mfs {
		if mf.GetName() == name {
			if _, err := expfmt.MetricFamilyToText(&text, mf); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, line := range bytes.SplitAfter(text.Bytes(), []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("#")) {
			out.Write(line)
		}
	}
	if out.Len() == 0 {
		t.Fatalf("no %s samples", name)
	}
	return out.String()
}
