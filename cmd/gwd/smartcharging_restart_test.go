package main

// Charging profiles survive a gwd restart (TC_K_13, TC_K_105: persistent
// over a reboot), and a change of limit that fell due while gwd was down
// is applied when it is back.

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// scRestartAfter is when the Max profile's second period starts: after
// the set-up, before gwd is back.
const scRestartAfter = 30 * time.Second

// TestSmartChargingRestart: on each peer's station a session charges
// under a ChargingStationMaxProfile of 16 A dropping to 10 A at
// scRestartAfter, and a TxDefaultProfile of 20 A. gwd is stopped once the
// charger is at 16 A and started again after the drop is due. The
// charger is then written 10 A, GetChargingProfiles reports both
// profiles, and the session ends whole. While gwd is down the KEBA's
// failsafe falls back to its safe current, so the 10 A is the restarted
// gwd's own write.
func TestSmartChargingRestart(t *testing.T) {
	flows := []sessionFlow{{name: "restart"}}
	d, envs, skipped := startFlows(t, flows)
	var running []*flowEnv
	for _, p := range flowPeers {
		if why, ok := skipped[p.name]; ok {
			t.Logf("%s: %s", p.name, why)
			continue
		}
		f := envs[p.name+"-restart"]
		running = append(running, f)
		f.ready(t)
		f.flowCharging(t, "SC-RESTART", 9)
	}
	if len(running) == 0 {
		t.Skip("no CSMS peer can run here")
	}
	start := time.Now()
	for _, f := range running {
		f.setAccepted(t, 0, newProfile(901, 0, "ChargingStationMaxProfile", "Absolute", start,
			scPeriod{0, 16}, scPeriod{int(scRestartAfter.Seconds()), 10}))
		f.setAccepted(t, 0, newProfile(902, 0, "TxDefaultProfile", "Absolute", start, scPeriod{0, 20}))
	}
	for _, f := range running {
		f.waitLimit(t, 16)
	}
	all := func(json.RawMessage) bool { return true }
	boots := map[*flowEnv]int{}
	for _, f := range running {
		boots[f] = len(f.payloads("BootNotification", all))
	}
	d.stop(t)
	// Waiting, not asserting: the drop must fall due while gwd is down.
	time.Sleep(time.Until(start.Add(scRestartAfter + time.Second)))
	d = startGwd(t, d.dataDir)
	for _, f := range running {
		f.d = d
		fixture.Within(t, 30*time.Second, f.station+" booted again", func() string {
			if n := len(f.payloads("BootNotification", all)); n <= boots[f] {
				return fmt.Sprintf("%d BootNotifications", n)
			}
			return ""
		})
		f.waitLimit(t, 10)
		f.expectIDs(t, 9001, nil, map[string]any{"chargingLimitSource": []string{"CSO"}}, 901, 902)
		f.unplugAndEnd(t)
		f.oneTransaction(t, f.transactionID(t))
		f.check(t)
	}
}
