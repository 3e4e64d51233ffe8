package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/servingcert"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// stationScalePassword is the Basic-auth password of every scale station.
const stationScalePassword = "scale-station-password-1"

// TestStationScale is the per-station cost of issue 13 measured end to end,
// a benchmark that prints figures rather than a test: it runs only when
// OCPPGW_SCALE is set. gwd (built without -race) polls N simulated KEBA
// P30 chargers every second, first with no spec.ocpp, then with each
// charger a station on its own TLS WebSocket (securityProfile 2) to the
// ocpp-go CSMS. It prints gwd's CPU share (% of one core over a steady
// window), RSS and goroutines in both states, and their difference per
// station.
//
//	OCPPGW_SCALE=1 go test -count=1 -timeout 30m -run TestStationScale -v ./cmd/gwd/
//
// OCPPGW_SCALE_MODEL (keba-p30 or abb-terra-ac) the model,
// OCPPGW_SCALE_CHARGERS (default 1000) is N, OCPPGW_SCALE_WINDOW (default
// 60s) each steady window. OCPPGW_SCALE_POLLONLY=1 stops after the polling
// phase; OCPPGW_SCALE_CPUPROFILE and OCPPGW_SCALE_HEAPPROFILE name files for
// a 20 s CPU profile of that phase and the heap with every station up (and
// in FILE.polling, before: compare them with go tool pprof -base).
func TestStationScale(t *testing.T) {
	if os.Getenv("OCPPGW_SCALE") == "" {
		t.Skip("a benchmark: set OCPPGW_SCALE=1 to run it")
	}
	n := crashEnvInt(t, "OCPPGW_SCALE_CHARGERS", 1000)
	window := crashEnvDuration(t, "OCPPGW_SCALE_WINDOW", time.Minute)
	scaleUseBinaries(t)
	caPEM, cs := stationScaleCSMS(t)
	g, err := runGwsim(t, fmt.Sprintf("%s:%d", scaleModel(t), n), fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, n)
	if err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--log-level", "warn", "--profiling")
	pid := d.cmd.Process.Pid

	stationScaleApply(t, d, stationScaleSite(t, g.devices, "", ""))
	fixture.Within(t, 3*time.Minute, fmt.Sprintf("all %d devices to be reachable", n), func() string {
		if got := got(scrape(t, d, d.config(t).Server+"/metrics"), "ocppgw_charger_device_reachable", "", ""); got < float64(n) {
			return fmt.Sprintf("%.0f reachable so far", got)
		}
		return ""
	})
	time.Sleep(10 * time.Second)
	bare := scaleMeasure(t, pid, window)
	bareM := scaleRuntime(t, d)
	bareG := bareM["go_goroutines"]
	saveProfile(t, d, "profile?seconds=20", os.Getenv("OCPPGW_SCALE_CPUPROFILE"))
	if f := os.Getenv("OCPPGW_SCALE_HEAPPROFILE"); f != "" {
		saveProfile(t, d, "heap?gc=1", f+".polling")
	}
	if os.Getenv("OCPPGW_SCALE_POLLONLY") != "" {
		t.Logf("%d chargers, 1 s polling, no spec.ocpp, steady window of %v: gwd CPU %.2f %% of one core, RSS %.1f MiB, %.0f goroutines",
			n, window, bare.cpuPercent, bare.rssMiB, bareG)
		d.stop(t)
		return
	}

	stationScaleApply(t, d, stationScaleSite(t, g.devices, cs.URL, caPEM))
	fixture.Within(t, 5*time.Minute, fmt.Sprintf("all %d stations to report their connector", n), func() string {
		if k := len(scaleStations(cs, "StatusNotification")); k < n {
			return fmt.Sprintf("%d stations so far", k)
		}
		return ""
	})
	time.Sleep(10 * time.Second)
	full := scaleMeasure(t, pid, window)
	fullM := scaleRuntime(t, d)
	fullG := fullM["go_goroutines"]
	saveProfile(t, d, "heap?gc=1", os.Getenv("OCPPGW_SCALE_HEAPPROFILE"))

	t.Logf("%d chargers, 1 s polling, steady windows of %v:", n, window)
	t.Logf("  without spec.ocpp: gwd CPU %.2f %% of one core, RSS %.1f MiB, %.0f goroutines", bare.cpuPercent, bare.rssMiB, bareG)
	t.Logf("  with spec.ocpp (TLS, securityProfile 2): gwd CPU %.2f %% of one core, RSS %.1f MiB, %.0f goroutines",
		full.cpuPercent, full.rssMiB, fullG)
	t.Logf("  per station: %.1f KiB RSS, %.2f goroutines, %.4f %% of one core",
		(full.rssMiB-bare.rssMiB)*1024/float64(n), (fullG-bareG)/float64(n), (full.cpuPercent-bare.cpuPercent)/float64(n))
	perStation := func(name string) float64 { return (fullM[name] - bareM[name]) / 1024 / float64(n) }
	t.Logf("  of which, per station in KiB: heap in use %.1f, stacks %.1f, GC goal %.1f, heap idle not returned %.1f",
		perStation("go_memstats_heap_inuse_bytes"), perStation("go_memstats_stack_inuse_bytes"),
		perStation("go_memstats_next_gc_bytes"), perStation("idle"))
	// The CSMS stops first: ocpp-go v0.19.0's server dispatcher can
	// deadlock when a thousand stations disconnect at once (DeleteClient
	// sends to its message pump under the read lock the pump waits for),
	// and then never stops.
	cs.Stop()
	d.stop(t)
}

// stationScaleCSMS starts the ocpp-go CSMS over TLS with Basic auth and
// returns the PEM of its self-signed certificate, the stations' CA bundle.
func stationScaleCSMS(t *testing.T) (string, *gocsms.CSMS) {
	t.Helper()
	certPEM, keyPEM, err := servingcert.SelfSigned([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "csms.crt"), filepath.Join(dir, "csms.key")
	for f, b := range map[string][]byte{certFile: certPEM, keyFile: keyPEM} {
		if err := os.WriteFile(f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cs := gocsms.New(t, gocsms.Options{CertFile: certFile, KeyFile: keyFile,
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}, BasicAuth: true, Password: stationScalePassword})
	return string(certPEM), cs
}

// stationScaleSite is one Charger per device; with a CSMS URL each is
// also a station of that CSMS over TLS.
func stationScaleSite(t *testing.T, devs []simDevice, url, caPEM string) string {
	t.Helper()
	docs := []string{exampleTemplates(t)}
	if url != "" {
		docs = append(docs, fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata: {name: scale-password}
spec: {type: basic-auth, data: {password: %s}}
---
apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: scale-csms}
spec:
  url: %s
  securityProfile: 2
  basicAuthPasswordSecretRef: {name: scale-password}
  caBundle: |
%s
  retryBackOff: {waitMinimum: 1s, randomRange: 5s, repeatTimes: 1}
`, stationScalePassword, url, indent(caPEM, "    ")))
	}
	csms := ""
	if url != "" {
		csms = "scale-csms"
	}
	docs = append(docs, scaleChargers(t, devs, csms)...)
	return strings.Join(docs, "\n---\n")
}

// scaleUnits are the Modbus TCP models the scale test can run, with their
// unit ids; the gwsim model and the library template share the name.
var scaleUnits = map[string]int{"keba-p30": 255, "abb-terra-ac": 1}

// scaleModel is OCPPGW_SCALE_MODEL, keba-p30 unless set: the KEBA reads 10
// blocks a poll, the ABB 2.
func scaleModel(t *testing.T) string {
	m := os.Getenv("OCPPGW_SCALE_MODEL")
	if m == "" {
		return "keba-p30"
	}
	if _, ok := scaleUnits[m]; !ok {
		t.Fatalf("OCPPGW_SCALE_MODEL %q: want one of %v", m, slices.Sorted(maps.Keys(scaleUnits)))
	}
	return m
}

// scaleChargers is one Charger per device, polled every second,
// each a station of the CSMS called csms unless csms is "".
func scaleChargers(t *testing.T, devs []simDevice, csms string) []string {
	t.Helper()
	docs := make([]string, 0, len(devs))
	for i, dev := range devs {
		host, port, err := net.SplitHostPort(dev.address)
		if err != nil {
			t.Fatalf("gwsim device %s address %q: %v", dev.name, dev.address, err)
		}
		doc := fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: scale-%d}
spec:
  templateRef: %s
  pollInterval: 1s
  connection:
    modbusTCP: {host: %s, port: %s, unitId: %d, timeout: 300ms}
`, i+1, dev.model, host, port, scaleUnits[dev.model])
		if csms != "" {
			doc += fmt.Sprintf("  ocpp:\n    csmsRef: %s\n    stationId: SCALE-%d\n", csms, i+1)
		}
		docs = append(docs, doc)
	}
	return docs
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix)
}

func stationScaleApply(t *testing.T, d *daemon, site string) {
	t.Helper()
	if out, errOut, code := d.gwctl(t, strings.NewReader(site), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
}

// scaleRuntime is gwd's goroutines and Go memory figures from /metrics;
// "idle" is heap memory free but not yet returned to the system.
func scaleRuntime(t *testing.T, d *daemon) map[string]float64 {
	t.Helper()
	fams := scrape(t, d, d.config(t).Server+"/metrics")
	out := map[string]float64{}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes",
		"go_memstats_next_gc_bytes", "go_memstats_heap_idle_bytes", "go_memstats_heap_released_bytes"} {
		out[name] = got(fams, name, "", "")
	}
	out["idle"] = out["go_memstats_heap_idle_bytes"] - out["go_memstats_heap_released_bytes"]
	return out
}

// saveProfile writes gwd's /debug/pprof/<what> to file, if one is named:
// the heap as it is with every station connected, or a CPU profile of the
// polling-only phase. Read it with go tool pprof bin/gwd FILE.
func saveProfile(t *testing.T, d *daemon, what, file string) {
	t.Helper()
	if file == "" {
		return
	}
	resp, err := d.request(t, http.MethodGet, d.config(t).Server+"/debug/pprof/"+what, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /debug/pprof/%s: %s", what, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		err = os.WriteFile(file, b, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("profile %s: %s", what, file)
}
