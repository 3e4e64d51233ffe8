package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/prometheus/client_golang/prometheus"
)

// metricsprobe is a protocol registered by this test only, as a protocol
// package registers itself: package metrics knows nothing of it.
var probeFrames = prometheus.NewDesc("probe_frames_total", "Frames the probe's opener counted.", []string{"link"}, nil)

type probeOpener struct{ frames atomic.Uint64 }

func (*probeOpener) Open(context.Context, drivers.Config) (drivers.Device, error) {
	return nil, errors.New("the probe opens no device")
}

func (o *probeOpener) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(probeFrames, prometheus.CounterValue, float64(o.frames.Load()), "bus-1")
}

func init() {
	drivers.Register(drivers.Protocol{Name: "metricsprobe", Metrics: []*prometheus.Desc{probeFrames},
		NewOpener: func(any) (drivers.Opener, error) { return &probeOpener{}, nil }})
}

// scrape returns what /metrics serves.
func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// TestProtocolMetricsThroughTheRegistry: a registered protocol's families
// reach /metrics from its opener, named with the gateway's namespace, once
// the opener is made, and not before.
func TestProtocolMetricsThroughTheRegistry(t *testing.T) {
	set := drivers.NewSet(nil)
	defer set.Close()
	reg := metrics.New()
	if err := reg.WatchDrivers(set); err != nil {
		t.Fatal(err)
	}
	if body := scrape(t, reg); strings.Contains(body, "probe_frames_total") {
		t.Fatalf("the probe's family before its opener is made:\n%s", body)
	}
	o, err := set.Opener("metricsprobe")
	if err != nil {
		t.Fatal(err)
	}
	o.(*probeOpener).frames.Add(3)
	body := scrape(t, reg)
	for _, want := range []string{
		"# HELP ocppgw_probe_frames_total Frames the probe's opener counted.\n",
		"# TYPE ocppgw_probe_frames_total counter\n",
		"ocppgw_probe_frames_total{link=\"bus-1\"} 3\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// clash describes a driver family under the name of one of the gateway's
// own, with another help text.
type clash struct{}

func (clash) Describe(ch chan<- *prometheus.Desc) {
	ch <- prometheus.NewDesc("store_revision", "Not the store's revision.", nil, nil)
}
func (clash) Collect(chan<- prometheus.Metric) {}

func TestWatchDriversRefusesATakenName(t *testing.T) {
	err := metrics.New().WatchDrivers(clash{})
	if err == nil || !strings.Contains(err.Error(), "ocppgw_store_revision") {
		t.Errorf("a driver family named ocppgw_store_revision: %v", err)
	}
}
