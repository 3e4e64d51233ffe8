package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// TestDemoSiteAuthorization: examples/demo/site.yaml is admitted with the
// template library, and its chargers match the devices gwsim demo runs:
// DEMO-ABB-1 starts sessions itself (AutoStart, DEMO-FLEET) on the EV
// plugged in at start, DEMO-ALFEN-1 waits for the CSMS, DEMO-KEBA-1 for a
// card. The hints name those stations and devices.
func TestDemoSiteAuthorization(t *testing.T) {
	o := &demoOptions{}
	cmd := newDemoCmd(nil, nil)
	site, _ := cmd.Flags().GetStringArray("site")
	plug, _ := cmd.Flags().GetStringSlice("plug")
	o.site = make([]string, len(site))
	for i, s := range site {
		o.site[i] = "../../" + s
	}
	var devices []*device
	for i, name := range []string{"abb-terra-ac-1", "alfen-eve-1", "keba-p30-1"} {
		// gwsim demo's devices take consecutive ports from --base-port 15020.
		d := &device{Name: name, Address: fmt.Sprintf("127.0.0.1:%d", 15020+i), charger: sim.NewCharger(sim.Config{}, time.Now())}
		d.charger.Plug(slices.Contains(plug, name))
		devices = append(devices, d)
	}
	chargers, limits, err := readSite(o.site, devices)
	if err != nil {
		t.Fatal(err)
	}
	wantLimits := []demoLimit{{name: "demo-site-limit", limit: "16 A", chargers: "the chargers labelled site=make-run"}}
	if !slices.Equal(limits, wantLimits) {
		t.Errorf("demo site limits\n got %+v\nwant %+v", limits, wantLimits)
	}
	want := []demoCharger{
		{station: "DEMO-ABB-1", device: "abb-terra-ac-1", mode: "AutoStart", token: "DEMO-FLEET", plugged: true},
		{station: "DEMO-ALFEN-1", device: "alfen-eve-1", mode: "CSMS"},
		{station: "DEMO-KEBA-1", device: "keba-p30-1", mode: "LocalReader"},
	}
	if !slices.Equal(chargers, want) {
		t.Fatalf("demo site chargers\n got %+v\nwant %+v", chargers, want)
	}

	var out strings.Builder
	demoCommands{gwctl: "bin/gwctl", gwsim: "bin/gwsim", gwctlConfig: ".demo/data/gwctl.yaml",
		simControl: "127.0.0.1:8900", csmsControl: "127.0.0.1:9001"}.write(&out, chargers, limits)
	for _, line := range []string{
		"bin/gwctl --config .demo/data/gwctl.yaml get chargers -w",
		"bin/gwctl --config .demo/data/gwctl.yaml get transactions -w",
		"bin/gwsim ctl --csms 127.0.0.1:9001 transactions",
		"bin/gwsim ctl --server http://127.0.0.1:8900 plug alfen-eve-1",
		"bin/gwsim ctl --csms 127.0.0.1:9001 start DEMO-ALFEN-1 --evse 1 --token CARD-1",
		"bin/gwsim ctl --server http://127.0.0.1:8900 card keba-p30-1 04A1B2C3",
		"bin/gwsim ctl --server http://127.0.0.1:8900 unplug abb-terra-ac-1",
		"bin/gwctl --config .demo/data/gwctl.yaml get chargingprofiles -w",
		"bin/gwctl --config .demo/data/gwctl.yaml get chargers -o wide",
	} {
		if !strings.Contains(out.String(), "  "+line+"\n") {
			t.Errorf("the hints lack %q:\n%s", line, out.String())
		}
	}
	if !strings.Contains(out.String(), "DEMO-ABB-1    abb-terra-ac-1  AutoStart, idToken DEMO-FLEET") {
		t.Errorf("the site table does not show DEMO-ABB-1's AutoStart:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "\nSite limit demo-site-limit: 16 A per phase for the chargers labelled site=make-run together.\n") {
		t.Errorf("the hints do not state the site limit:\n%s", out.String())
	}
	t.Log("\n" + out.String())
}
