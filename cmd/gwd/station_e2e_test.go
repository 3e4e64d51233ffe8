package main

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// stationSite is a CSMS at csmsURL and one ABB charger read from a simulated
// device at simAddr, with the example templates' shape.
func stationSite(csmsURL, simAddr string) string {
	host, port, _ := net.SplitHostPort(simAddr)
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: strict}
spec:
  url: %s
  securityProfile: 1
  retryBackOff: {waitMinimum: 1s, randomRange: 1s, repeatTimes: 1}
---
apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: abb}
spec:
  protocol: modbus
  manufacturer: ABB
  model: Terra AC
  read:
    modbus:
      blocks:
        - {name: status, function: holding, address: 16392, count: 24}
  signals:
    evConnected: 'u32(regs["status"], 2) >= 257'
    charging: '(regs["status"][5] / 256) %% 128 == 4'
    powerW: 'double(u32(regs["status"], 20))'
---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: ch1}
spec:
  templateRef: abb
  pollInterval: 200ms
  connection:
    modbusTCP: {host: %s, port: %s, unitId: 1}
  ocpp:
    csmsRef: strict
    stationId: GW-E2E-1
`, csmsURL, host, port)
}

// TestStationEndToEnd: gwd reads a simulated ABB charger over Modbus TCP and
// presents it to the strict ocpp-rpc CSMS. Plugging in the EV reaches the
// CSMS as StatusNotification Occupied; `gwctl get chargers` shows the
// device, the EV and the OCPP state; `gwctl mapping test` reads the device
// live; a value the CSMS sets survives a re-apply and a restart of gwd.
func TestStationEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs := startStrictCSMS(t)
	now := time.Now()
	charger := sim.NewCharger(sim.Config{MaxCurrentA: 32, Phases: 3}, now)
	dev, err := sim.ServeTCP("127.0.0.1:0", &sim.ABB{C: charger, Unit: 1, Serial: "E2E"}, charger)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	site := stationSite(cs.URL, dev.Addr)

	dataDir := t.TempDir()
	d := startGwd(t, dataDir)
	if out, errOut, code := d.gwctl(t, strings.NewReader(site), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: %s%s", out, errOut)
	}
	waitEvent(t, cs, func(e strictcsms.Event) bool { return e.Method == "BootNotification" })
	waitEvent(t, cs, func(e strictcsms.Event) bool {
		return e.Method == "StatusNotification" && strings.Contains(string(e.Params), `"connectorStatus":"Available"`)
	})
	charger.Plug(true)
	charger.Step(now.Add(time.Second))
	waitEvent(t, cs, func(e strictcsms.Event) bool {
		return e.Method == "StatusNotification" && strings.Contains(string(e.Params), `"connectorStatus":"Occupied"`)
	})
	testutil.Eventually(t, 20*time.Second, "get chargers shows the device, the EV and Registered", testutil.Holds(func() bool {
		out, _, _ := d.gwctl(t, nil, "get", "chargers")
		return regexp.MustCompile(`ch1\s+abb\s+tcp \S+\s+Reachable\s+yes\s+Registered\s+Accepted`).MatchString(out)
	}))
	out, errOut, code := d.gwctl(t, nil, "mapping", "test", "ch1")
	if code != 0 || !strings.Contains(out, "evConnected") || !strings.Contains(out, "energyWh") || !strings.Contains(out, "unsupported") ||
		!strings.Contains(out, `"connectorStatus": "Occupied"`) || !strings.Contains(out, `"measurand": "Power.Active.Import"`) {
		t.Fatalf("mapping test: exit %d\n%s%s", code, out, errOut)
	}

	if _, err := cs.Call(ctx, "GW-E2E-1", "SetVariables", map[string]any{"setVariableData": []map[string]any{{
		"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "OfflineThreshold"}, "attributeValue": "321"}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, code := d.gwctl(t, strings.NewReader(site), "apply", "-f", "-"); code != 0 {
		t.Fatal("re-apply failed")
	}
	d.stop(t)
	d = startGwd(t, dataDir)
	connects := 0
	waitEvent(t, cs, func(e strictcsms.Event) bool {
		if e.Ev == "connect" && e.Identity == "GW-E2E-1" {
			connects++
		}
		return connects == 2 // the restarted gwd's station
	})
	testutil.Eventually(t, 20*time.Second, "the CSMS-set OfflineThreshold after restart", testutil.Holds(func() bool {
		res, err := cs.Call(ctx, "GW-E2E-1", "GetVariables", map[string]any{"getVariableData": []map[string]any{{
			"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "OfflineThreshold"}}}})
		return err == nil && strings.Contains(string(res), `"attributeValue":"321"`)
	}))
	if f := cs.Failures(); len(f) > 0 {
		t.Fatalf("strict validation failures: %+v", f)
	}
	d.stop(t)
}

func waitEvent(t *testing.T, cs *strictcsms.CSMS, match func(strictcsms.Event) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := cs.WaitEvent(ctx, match); err != nil {
		t.Fatalf("waiting for the CSMS: %v", err)
	}
}
