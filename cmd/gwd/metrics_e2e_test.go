package main

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rawcsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// metricsSite is a CSMS at csmsURL and a charger whose Modbus TCP device
// at addr does not exist (nothing listens there).
func metricsSite(csmsURL, addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: raw}
spec:
  url: %s
  securityProfile: 1
  retryBackOff: {waitMinimum: 1s, randomRange: 1s, repeatTimes: 1}
---
apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: t}
spec:
  protocol: modbus
  manufacturer: ACME
  model: M1
  read:
    modbus:
      blocks:
        - {name: b, function: holding, address: 0, count: 2}
  signals:
    powerW: 'double(regs["b"][0])'
---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: ch1}
spec:
  templateRef: t
  pollInterval: 200ms
  failureThreshold: 1
  connection:
    modbusTCP: {host: %s, port: %s, unitId: 1, timeout: 200ms}
  evses: [{id: 1, connectors: [{id: 1, type: cType2}]}]
  ocpp:
    csmsRef: raw
    stationId: GW-MET-E2E
`, csmsURL, host, port)
}

// TestMetricsEndToEnd scrapes gwd's /metrics while one charger polls a
// device that is not there and its station is registered at a CSMS.
func TestMetricsEndToEnd(t *testing.T) {
	cs := rawcsms.Start(nil)
	t.Cleanup(cs.Stop)
	dead := fmt.Sprintf("127.0.0.1:%d", testutil.FreeTCPPort(t)) // nothing listens there: every dial is refused

	d := startGwd(t, t.TempDir())
	if out, errOut, code := d.gwctl(t, strings.NewReader(metricsSite(cs.URL, dead)), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: %s%s", out, errOut)
	}
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var fams map[string]*dto.MetricFamily
	deadline := time.Now().Add(30 * time.Second)
	for {
		fams = scrape(t, d, cfg.Server+"/metrics")
		if got(fams, "ocppgw_ocpp_connection_state", "state", "Registered") == 1 &&
			got(fams, "ocppgw_charger_poll_failures_total", "cause", "NotResponding") >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no registered station and failed polls in /metrics:\n%s", d.logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	checks := []struct {
		name, label, value string
		ok                 func(float64) bool
		want               string
	}{
		{"ocppgw_charger_device_reachable", "charger", "ch1", func(v float64) bool { return v == 0 }, "0"},
		{"ocppgw_charger_poll_duration_seconds", "charger", "ch1", func(v float64) bool { return v >= 2 }, ">= 2 polls"},
		{"ocppgw_modbus_connection_errors_total", "link", dead, func(v float64) bool { return v >= 1 }, ">= 1"},
		{"ocppgw_ocpp_messages_total", "action", "BootNotification", func(v float64) bool { return v == 1 }, "1"},
		{"ocppgw_ocpp_outbox_messages", "charger", "ch1", func(v float64) bool { return v == 0 }, "0"},
		{"ocppgw_store_revision", "", "", func(v float64) bool { return v >= 3 }, ">= 3 (three objects applied)"},
		{"ocppgw_store_watchers", "", "", func(v float64) bool { return v >= 1 }, ">= 1"},
		{"ocppgw_store_commit_duration_seconds", "", "", func(v float64) bool { return v >= 3 }, ">= 3 commits"},
		{"go_goroutines", "", "", func(v float64) bool { return v > 10 }, "> 10"},
		{"process_resident_memory_bytes", "", "", func(v float64) bool { return v > 1<<20 }, "> 1 MiB"},
	}
	for _, c := range checks {
		if v := got(fams, c.name, c.label, c.value); !c.ok(v) {
			t.Errorf("%s{%s=%q} = %v, want %s", c.name, c.label, c.value, v, c.want)
		}
	}
	d.stop(t)
}

// scrape GETs url and parses the text exposition.
func scrape(t *testing.T, d *daemon, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := d.request(t, http.MethodGet, url, "", nil) // as a Prometheus with a viewer's token would

	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

// got sums the series of name that carry label=value (every series when
// label is ""): counters, gauges, and histograms by sample count; -1 when
// the family is missing.
func got(fams map[string]*dto.MetricFamily, name, label, value string) float64 {
	mf, ok := fams[name]
	if !ok {
		return -1
	}
	total := 0.0
	for _, m := range mf.GetMetric() {
		match := label == ""
		for _, lp := range m.GetLabel() {
			match = match || (lp.GetName() == label && lp.GetValue() == value)
		}
		if match {
			total += m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue() +
				float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}
