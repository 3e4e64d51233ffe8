package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestGoeEndToEnd runs a go-e charger, a protocol gwd links through the
// drivers registry only, from apply to the device: gwsim serves the go-e
// HTTP API v2, gwd polls it through the library template, an EV plugged in
// shows, a command reaches the device, and a mapping test reads it live,
// by Charger and by template with a JSON connection.
func TestGoeEndToEnd(t *testing.T) {
	sim, err := runGwsim(t, "goe-charger:1", fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	dev := sim.devices[0]
	d := startGwd(t, t.TempDir())
	site := exampleTemplates(t) + fmt.Sprintf(`---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: wb-goe}
spec:
  templateRef: goe-charger
  pollInterval: 500ms
  connection:
    goe: {url: "http://%s", timeout: 1s}
`, dev.address)
	if out, errOut, code := d.gwctl(t, strings.NewReader(site), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	waitCharger(t, d, "wb-goe", "Reachable, no EV", func(st v1alpha1.ChargerStatus) bool {
		s := signalsOf(st)
		return reachable(st) == charger.ReasonPolled && s["evConnected"] == false && s["energyWh"] != nil
	})
	sim.ctl(t, "plug", dev.name)
	waitCharger(t, d, "wb-goe", "charging", func(st v1alpha1.ChargerStatus) bool {
		return signalsOf(st)["charging"] == true
	})
	out, errOut, code := d.gwctl(t, nil, "charger", "command", "wb-goe", "setCurrentLimit", "--limit", "10")
	if code != 0 || !strings.Contains(out, "wb-goe setCurrentLimit: Done") {
		t.Fatalf("charger command setCurrentLimit: exit %d\n%s%s", code, out, errOut)
	}
	waitCharger(t, d, "wb-goe", "the new limit read back", func(st v1alpha1.ChargerStatus) bool {
		return signalsOf(st)["currentLimitA"] == 10.0
	})
	checkMappingTest(t, d, "wb-goe")
	out, errOut, code = d.gwctl(t, nil, "mapping", "test", "--template", "goe-charger",
		"--connection", fmt.Sprintf(`{"goe": {"url": "http://%s"}}`, dev.address))
	if code != 0 || !strings.Contains(out, "Charger:   (none") || !strings.Contains(out, "  car ") {
		t.Fatalf("mapping test --template goe-charger: exit %d\n%s%s", code, out, errOut)
	}
	d.stop(t)
}
