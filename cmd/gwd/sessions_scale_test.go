package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/remotecontrol"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestSessionScale is the performance test of DESIGN §10 for sessions, a
// benchmark that prints figures rather than a test: it runs only when
// OCPPGW_SCALE is set. 100 simulated KEBA P30 chargers are polled every
// second by gwd (built without -race), each a station connected to the
// ocpp-go CSMS, with the default 60 s TxUpdatedInterval. It measures gwd's
// CPU share (utime+stime from /proc over a steady window, % of one core)
// and RSS (VmRSS) first with no session (the baseline), then with 10
// sessions charging, and the p50/p99 of RequestStartTransaction → device
// write → CALLRESULT timed at the CSMS: every start goes to a charger whose
// EV is plugged in and held (authorization mode CSMS), and the device is
// checked to have been released when the answer arrives.
//
//	OCPPGW_SCALE=1 go test -count=1 -timeout 30m -run TestSessionScale -v ./cmd/gwd/
//
// OCPPGW_SCALE_WINDOW (default 60s) is each steady window,
// OCPPGW_SCALE_ROUNDS (default 10) how many times the 10 sessions are
// started (10 starts a round).
func TestSessionScale(t *testing.T) {
	if os.Getenv("OCPPGW_SCALE") == "" {
		t.Skip("a benchmark: set OCPPGW_SCALE=1 to run it")
	}
	const chargers, sessions = 100, 10
	window := crashEnvDuration(t, "OCPPGW_SCALE_WINDOW", time.Minute)
	rounds := crashEnvInt(t, "OCPPGW_SCALE_ROUNDS", 10)
	scaleUseBinaries(t)
	cs := gocsms.New(t, gocsms.Options{})
	g, err := runGwsim(t, fmt.Sprintf("keba-p30:%d", chargers), fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, chargers)
	if err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--log-level", "info")
	applyScaleSite(t, d, cs, g.devices)
	pid := d.cmd.Process.Pid
	time.Sleep(5 * time.Second)
	idle := scaleMeasure(t, pid, window)

	var lat []time.Duration
	for r := range rounds {
		lat = append(lat, scaleRound(t, cs, g, r, sessions)...)
	}
	time.Sleep(5 * time.Second)
	busy := scaleMeasure(t, pid, window)
	slices.Sort(lat)
	p50, p99 := scalePercentile(lat, 50), scalePercentile(lat, 99)
	t.Logf("%d chargers, 1 s polling, TxUpdatedInterval 60 s, steady windows of %v:", chargers, window)
	t.Logf("  0 sessions:  gwd CPU %.2f %% of one core, RSS %.1f MiB", idle.cpuPercent, idle.rssMiB)
	t.Logf("  %d sessions: gwd CPU %.2f %% of one core (%.2f× the baseline), RSS %.1f MiB (%.2f×)", sessions,
		busy.cpuPercent, busy.cpuPercent/idle.cpuPercent, busy.rssMiB, busy.rssMiB/idle.rssMiB)
	t.Logf("  RequestStartTransaction → device write → CALLRESULT at the CSMS, %d starts: p50 %v, p99 %v, max %v",
		len(lat), p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	d.stop(t)
}

// scaleUseBinaries builds gwd, gwctl and gwsim without -race for the
// figures, and has the helpers run them for this test.
func scaleUseBinaries(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, cmd := range []string{"gwd", "gwctl", "gwsim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, cmd), "github.com/ocppgw/ocppgw/cmd/"+cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", cmd, err, out)
		}
	}
	raceDir := binDir
	binDir = dir
	t.Cleanup(func() { binDir = raceDir })
}

// scaleSite is a CSMS and one Charger per device; the stations keep the
// default authorization (CSMS: held until a remote start) and intervals.
func scaleSite(t *testing.T, url string, devs []simDevice) string {
	t.Helper()
	docs := []string{exampleTemplates(t), fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: scale-csms}
spec:
  url: %s
  securityProfile: 1
  retryBackOff: {waitMinimum: 1s, randomRange: 5s, repeatTimes: 1}
`, url)}
	docs = append(docs, scaleChargers(t, devs, "scale-csms")...)
	return strings.Join(docs, "\n---\n")
}

// applyScaleSite applies scaleSite to gwd and waits until every station
// has reported its connector to the CSMS.
func applyScaleSite(t *testing.T, d *daemon, cs *gocsms.CSMS, devs []simDevice) {
	t.Helper()
	if out, errOut, code := d.gwctl(t, strings.NewReader(scaleSite(t, cs.URL, devs)), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	fixture.Within(t, 2*time.Minute, fmt.Sprintf("all %d stations to report their connector", len(devs)), func() string {
		if n := len(scaleStations(cs, "StatusNotification")); n < len(devs) {
			return fmt.Sprintf("%d stations so far", n)
		}
		return ""
	})
}

// scaleRound plugs an EV into the first n chargers, waits until each
// station's session has started (Started, the EV held), then starts each
// session with RequestStartTransaction, one after the other, and returns
// how long each took from the CALL to its CALLRESULT. The EVs leave at
// the start of the next round; the last round's keep charging.
func scaleRound(t *testing.T, cs *gocsms.CSMS, g *gwsimProc, round, n int) []time.Duration {
	t.Helper()
	if round > 0 {
		for i := range n {
			g.ctl(t, "unplug", g.devices[i].name)
		}
		fixture.Within(t, 2*time.Minute, "every session to end", func() string { return scaleCount(cs, n, "Ended", round) })
	}
	for i := range n {
		g.ctl(t, "plug", g.devices[i].name)
	}
	fixture.Within(t, 2*time.Minute, "every plug-in to start a session", func() string { return scaleCount(cs, n, "Started", round+1) })
	var out []time.Duration
	for i := range n {
		if !scalePaused(t, g, g.devices[i].name) {
			t.Fatalf("round %d: %s charges before its remote start: the station did not hold it", round, g.devices[i].name)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		req := remotecontrol.NewRequestStartTransactionRequest(round*n+i+1, types.IdToken{IdToken: "SCALE", Type: types.IdTokenTypeCentral})
		evse := 1
		req.EvseID = &evse
		began := time.Now()
		res, err := cs.RequestStartTransaction(ctx, fmt.Sprintf("SCALE-%d", i+1), req)
		took := time.Since(began)
		cancel()
		if err != nil || res.Status != remotecontrol.RequestStartStopStatusAccepted {
			t.Fatalf("round %d: RequestStartTransaction to SCALE-%d: %+v, %v", round, i+1, res, err)
		}
		if scalePaused(t, g, g.devices[i].name) {
			t.Fatalf("round %d: SCALE-%d accepted the start, but its charger is still held", round, i+1)
		}
		out = append(out, took)
	}
	return out
}

// scaleCount says which of the first n stations have fewer than want
// TransactionEvents of eventType; "" when none.
func scaleCount(cs *gocsms.CSMS, n int, eventType string, want int) string {
	got := map[string]int{}
	for _, m := range cs.Messages("", "TransactionEvent") {
		var p struct {
			EventType string `json:"eventType"`
		}
		if json.Unmarshal(m.Payload, &p) == nil && p.EventType == eventType {
			got[m.Station]++
		}
	}
	var short []string
	for i := range n {
		if id := fmt.Sprintf("SCALE-%d", i+1); got[id] < want {
			short = append(short, fmt.Sprintf("%s %d", id, got[id]))
		}
	}
	if len(short) > 0 {
		return fmt.Sprintf("%s events, want %d: %v", eventType, want, short)
	}
	return ""
}

// scalePaused reports whether gwsim's charger is held (disabled).
func scalePaused(t *testing.T, g *gwsimProc, device string) bool {
	t.Helper()
	resp, err := http.Get(g.control + "/devices/" + device)
	if err != nil {
		t.Fatalf("gwsim control API: %v", err)
	}
	defer resp.Body.Close()
	var v struct {
		State struct {
			Paused bool `json:"paused"`
		} `json:"state"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("gwsim device %s: HTTP %d, %v", device, resp.StatusCode, err)
	}
	return v.State.Paused
}

// scaleStations are the stations that sent action.
func scaleStations(cs *gocsms.CSMS, action string) map[string]bool {
	out := map[string]bool{}
	for _, m := range cs.Messages("", action) {
		out[m.Station] = true
	}
	return out
}

func scalePercentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}
