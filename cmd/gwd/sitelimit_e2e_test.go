package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// siteLimitA is the site limit of TestSiteLimitHolds: 20 chargers at 6 A
// need 120 A, so with most EVs plugged in some sessions must pause.
const siteLimitA = 100.0

// TestSiteLimitHolds: 20 simulated KEBA P30 chargers share one site limit
// of 100 A while EVs plug in, leave, and pause and resume charging at
// random for OCPPGW_SITELIMIT_RUN (default 2m). gwsim's own state is read
// at every poll: once every charger's setpoint has been written by the
// gateway, the sum of the setpoints stays within 100 A, and no charger
// charges below 6 A. Halfway the CSMS becomes unreachable, and gwd is then
// stopped (SIGTERM) and started again while it still is, so the stored
// shares must hold before any CSMS connects.
//
//	OCPPGW_SITELIMIT_RUN=10m go test -race -count=1 -timeout 1h -run TestSiteLimitHolds -v ./cmd/gwd/
func TestSiteLimitHolds(t *testing.T) {
	run := crashEnvDuration(t, "OCPPGW_SITELIMIT_RUN", 2*time.Minute)
	e, d := crashStart(t, 20)
	if out, errOut, code := d.gwctl(t, strings.NewReader(siteLimitDoc(e)), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply the site limit: exit %d\n%s%s", code, out, errOut)
	}
	waitShares(t, d, len(e.chargers))
	w := &siteWatch{e: e, written: map[string]bool{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.watch(stop) }()
	w.waitWritten(t)
	go func() { defer wg.Done(); e.siteChurn(t, stop) }()

	time.Sleep(run / 2)
	e.setReachable(t, false)
	time.Sleep(run / 8)
	d.stop(t)
	d = startGwd(t, e.dataDir)
	time.Sleep(run / 4)
	e.setReachable(t, true)
	time.Sleep(run / 8)
	close(stop)
	wg.Wait()
	d.stop(t)

	w.mu.Lock()
	defer w.mu.Unlock()
	t.Logf("%d polls of gwsim, %d plug-ins; at most %.1f A set in sum, %d chargers charging at once, %d polls with a plugged EV held at 0 A",
		w.polls, e.plugCount(), w.maxSum, w.maxCharging, w.pausedPolls)
	for _, v := range w.violations[:min(len(w.violations), 20)] {
		t.Error(v)
	}
	if len(w.violations) > 20 {
		t.Errorf("and %d more violations", len(w.violations)-20)
	}
	// Evidence that the limit was at work, not idle.
	if w.maxSum < siteLimitA/2 || w.pausedPolls == 0 {
		t.Errorf("the limit was never used to half (%.1f A) or no session ever had to wait (%d polls): the test exercised nothing", w.maxSum, w.pausedPolls)
	}
}

// waitShares waits until gwd holds a site share of the limit for each of n
// chargers, all 0 A since no EV is plugged in yet.
func waitShares(t *testing.T, d *daemon, n int) {
	t.Helper()
	fixture.Within(t, 30*time.Second, "gwd to store the chargers' shares", func() string {
		l, err := d.client(t).List(context.Background(), "ChargingProfile", v1alpha1.SiteLimitLabel+"=grid")
		if err != nil {
			return err.Error()
		}
		var got []string
		for _, o := range l.Items {
			var spec v1alpha1.ChargingProfileSpec
			if json.Unmarshal(o.Spec, &spec) != nil || spec.Limit == nil || spec.Limit.Value != 0 {
				return fmt.Sprintf("share %s: %s", o.Metadata.Name, o.Spec)
			}
			got = append(got, spec.ChargerRef)
		}
		if len(got) != n {
			return fmt.Sprintf("%d shares: %v", len(got), got)
		}
		return ""
	})
}

// siteLimitDoc is the operator's site limit over every charger of e.
func siteLimitDoc(e *crashEnv) string {
	var names []string
	for _, c := range e.chargers {
		names = append(names, c.name)
	}
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: ChargingProfile
metadata: {name: grid}
spec:
  source: operator
  id: 1
  stackLevel: 0
  evseId: 0
  chargers: {names: [%s]}
  limit: {value: %g, unit: A}
`, strings.Join(names, ", "), siteLimitA)
}

// simView is one gwsim device as its control API lists it.
type simView struct {
	Name  string `json:"name"`
	State struct {
		Plugged   bool    `json:"plugged"`
		EVPaused  bool    `json:"evPaused"`
		SetpointA float64 `json:"setpointA"`
		CurrentA  float64 `json:"currentA"`
	} `json:"state"`
}

// siteWatch polls gwsim and keeps what it saw.
type siteWatch struct {
	e *crashEnv

	mu sync.Mutex
	// written holds the devices whose setpoint the gateway has written:
	// gwsim starts every setpoint at the 32 A maximum, and the gateway's
	// first write (0 A, no EV is plugged in yet) moves it.
	written     map[string]bool
	polls       int
	maxSum      float64
	maxCharging int
	pausedPolls int
	violations  []string
}

// watch polls gwsim every 100 ms until stop is closed.
func (w *siteWatch) watch(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		views, err := w.e.simDevices()
		w.mu.Lock()
		if err != nil {
			w.violations = append(w.violations, err.Error())
		} else {
			w.check(views)
		}
		w.mu.Unlock()
	}
}

// check applies the site's rules to one poll, once every setpoint was
// written.
func (w *siteWatch) check(views []simView) {
	for _, v := range views {
		if v.State.SetpointA != 32 {
			w.written[v.Name] = true
		}
	}
	if len(w.written) < len(w.e.chargers) {
		return
	}
	w.polls++
	sum, charging, paused := 0.0, 0, false
	var detail []string
	for _, v := range views {
		s := v.State
		sum += s.SetpointA
		detail = append(detail, fmt.Sprintf("%s=%g", v.Name, s.SetpointA))
		if s.CurrentA > 0 {
			charging++
			if s.CurrentA < 6 {
				w.violations = append(w.violations, fmt.Sprintf("%s: %s charges at %g A, below the 6 A minimum", time.Now().Format(time.StampMilli), v.Name, s.CurrentA))
			}
		}
		paused = paused || (s.Plugged && !s.EVPaused && s.SetpointA == 0)
	}
	if sum > siteLimitA+1e-6 {
		w.violations = append(w.violations, fmt.Sprintf("%s: setpoints sum to %.1f A, above the %g A site limit: %s", time.Now().Format(time.StampMilli), sum, siteLimitA, strings.Join(detail, " ")))
	}
	w.maxSum, w.maxCharging = max(w.maxSum, sum), max(w.maxCharging, charging)
	if paused {
		w.pausedPolls++
	}
}

// waitWritten waits until the gateway has written every charger's setpoint.
func (w *siteWatch) waitWritten(t *testing.T) {
	t.Helper()
	fixture.Within(t, 90*time.Second, "the gateway to write every charger's setpoint", func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		if n := len(w.written); n < len(w.e.chargers) {
			return fmt.Sprintf("%d of %d written", n, len(w.e.chargers))
		}
		return ""
	})
}

// simDevices reads every device's state from gwsim's control API.
func (e *crashEnv) simDevices() ([]simView, error) {
	resp, err := http.Get(e.sim.control + "/devices")
	if err != nil {
		return nil, fmt.Errorf("gwsim devices: %w", err)
	}
	defer resp.Body.Close()
	var views []simView
	if err := json.NewDecoder(resp.Body).Decode(&views); err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("gwsim devices: HTTP %d, %v", resp.StatusCode, err)
	}
	return views, nil
}

// siteChurn plugs EVs in, makes them leave, pause and resume at random,
// one step every 100..600 ms, until stop is closed. Four in five chargers
// are kept busy on average, so the limit is short of 6 A per session.
func (e *crashEnv) siteChurn(t *testing.T, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(100*time.Millisecond + rand.N(500*time.Millisecond)):
		}
		c := e.chargers[rand.IntN(len(e.chargers))]
		c.mu.Lock()
		open := len(c.plugs) > 0 && c.plugs[len(c.plugs)-1].open
		c.mu.Unlock()
		var err error
		switch r := rand.IntN(10); {
		case !open && r < 8:
			err = e.plug(c)
		case open && r < 2:
			err = e.unplug(c)
		case open && r < 4:
			err = e.evPause(c, r == 2)
		}
		if err != nil {
			t.Error(err)
			return
		}
	}
}

// evPause makes c's EV stop asking for current (on) or ask again.
func (e *crashEnv) evPause(c *crashCharger, on bool) error {
	resp, err := http.Post(fmt.Sprintf("%s/devices/%s/evpause?on=%t", e.sim.control, c.device, on), "", nil)
	if err != nil {
		return fmt.Errorf("gwsim evpause %s: %w", c.device, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("gwsim evpause %s: HTTP %d", c.device, resp.StatusCode)
	}
	return nil
}
