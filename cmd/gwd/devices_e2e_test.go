package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// The fleet of TestDevicesEndToEnd: ten Modbus TCP chargers, three units on
// one Modbus RTU bus and three ECHONET Lite objects on one EL node.
const (
	simFleetSpec  = "abb-terra-ac:4,alfen-eve:2,keba-p30:2,schneider-evlink:2,abb-terra-ac-rtu:3,el-02a1:2,el-027e:1"
	simFleetSize  = 16
	simTCPDevices = 10
	pollInterval  = 500 * time.Millisecond
)

// simModels maps a gwsim model to the template its chargers use and their
// Modbus unit id (0: the RTU unit gwsim printed; EL objects have none).
var simModels = map[string]struct {
	template string
	unit     int
}{
	"abb-terra-ac":     {"abb-terra-ac", 1},
	"alfen-eve":        {"alfen-eve", 1},
	"keba-p30":         {"keba-p30", 255},
	"schneider-evlink": {"schneider-evlink-pro-ac", 255},
	"abb-terra-ac-rtu": {"abb-terra-ac-session", 0},
	"el-02a1":          {"echonet-ev-charger", 0},
	"el-027e":          {"echonet-v2h", 0},
}

// sessionTemplate extends the library's ABB template with energyWh read
// from 0x401E, the session energy. The library leaves energyWh unmapped
// because 0x401E resets with each session; here it is what makes a steady
// charge change the status on every poll, so polls can be counted.
const sessionTemplate = `apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: abb-terra-ac-session}
spec:
  extends: abb-terra-ac
  signals:
    energyWh: 'double(u32(regs["status"], 22))'
`

// simDevice is one row of the device table `gwsim run` prints.
type simDevice struct {
	name, model, address, units string
}

// gwsimProc is one running `gwsim run`.
type gwsimProc struct {
	cmd     *exec.Cmd
	control string
	devices []simDevice
	logs    *testutil.Buffer
	exited  chan struct{}
}

// TestDevicesEndToEnd runs gwsim and gwd as processes: gwd polls sixteen
// simulated chargers over Modbus TCP, Modbus RTU on a pty and ECHONET Lite
// on loopback; `gwctl get chargers -w` shows EVs plugged in with gwsim;
// `gwctl mapping test` reads every template live; and a unit that falls
// silent on the RS-485 bus is reported NotResponding while the other units
// on that bus keep being polled.
func TestDevicesEndToEnd(t *testing.T) {
	requirePTY(t)
	elPort := testutil.FreeUDPPort(t)
	sim := startGwsim(t, simFleetSpec, fmt.Sprintf("127.0.0.1:%d", elPort))
	// The EL client joins its multicast group on loopback, which needs no
	// route and keeps discovery off the network.
	d := startGwd(t, t.TempDir(), "--echonet-listen", fmt.Sprintf("127.0.0.1:%d", elPort), "--echonet-interface", loopbackInterface(t))
	site := exampleTemplates(t) + "---\n" + sessionTemplate + "---\n" + fleetSite(t, sim.devices)
	if out, errOut, code := d.gwctl(t, strings.NewReader(site), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}

	// Every charger is polled and shows live signals.
	for _, dev := range sim.devices {
		waitCharger(t, d, dev.name, "Reachable with live signals", func(st v1alpha1.ChargerStatus) bool {
			s := signalsOf(st)
			return reachable(st) == charger.ReasonPolled && s["evConnected"] == false && s["faulted"] == false && s["powerW"] != nil
		})
	}
	if out, _, code := d.gwctl(t, nil, "get", "chargers"); code != 0 || strings.Count(out, " Reachable ") != simFleetSize {
		t.Fatalf("get chargers: want %d Reachable, got:\n%s", simFleetSize, out)
	}

	plugAndWatch(t, d, sim, []string{"abb-terra-ac-1", "abb-terra-ac-rtu-1", "el-02a1-1"})
	for _, name := range []string{"abb-terra-ac-1", "alfen-eve-1", "keba-p30-1", "schneider-evlink-1",
		"abb-terra-ac-rtu-1", "el-02a1-1", "el-027e-1"} {
		checkMappingTest(t, d, name)
	}
	commandsReachDevices(t, d)
	tryTemplateWithoutCharger(t, d, sim)
	discoverDevices(t, d)
	silentUnitOnBus(t, d, sim)
	d.stop(t)
}

// tryTemplateWithoutCharger: `gwctl mapping test --template` reads a
// device through a template before any Charger describes it; an unknown
// template is the request's fault.
func tryTemplateWithoutCharger(t *testing.T, d *daemon, sim *gwsimProc) {
	t.Helper()
	addr := ""
	for _, dev := range sim.devices {
		if dev.name == "keba-p30-2" {
			addr = dev.address
		}
	}
	out, errOut, code := d.gwctl(t, nil, "mapping", "test", "--template", "keba-p30", "--modbus-tcp", addr, "--unit", "255")
	if code != 0 || !strings.Contains(out, "Charger:   (none") || !regexp.MustCompile(`Raw values:\n  \S`).MatchString(out) ||
		!strings.Contains(out, `"statusNotifications"`) {
		t.Fatalf("mapping test --template keba-p30 %s: exit %d\n%s%s", addr, code, out, errOut)
	}
	_, errOut, code = d.gwctl(t, nil, "mapping", "test", "--template", "no-such", "--modbus-tcp", addr)
	if code == 0 || !strings.Contains(errOut, `template "no-such"`) {
		t.Fatalf("mapping test of an unknown template: exit %d\n%s", code, errOut)
	}
}

// discoverDevices: `gwctl discover modbus` finds the three ABB units on the
// RS-485 bus (gwd's own arbiter scans it) and no fourth. (ECHONET Lite
// discovery is tested against the npm peer in drivers/echonet: on one
// loopback address gwsim's answers would come from gwd's own address and
// port, which the client drops as echoes of its multicast.)
func discoverDevices(t *testing.T, d *daemon) {
	t.Helper()
	out, errOut, code := d.gwctl(t, nil, "discover", "modbus", "--bus", "sim-rs485", "--units", "1-4", "--template", "abb-terra-ac,keba-p30")
	if code != 0 {
		t.Fatalf("discover modbus: exit %d\n%s%s", code, out, errOut)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(l); len(f) >= 3 {
			rows[f[0]] = f[1] + " " + f[2]
		}
	}
	for unit, want := range map[string]string{"1": "yes abb-terra-ac", "2": "yes abb-terra-ac", "3": "yes abb-terra-ac", "4": "no -"} {
		if rows[unit] != want {
			t.Fatalf("discover modbus unit %s: %q, want %q\n%s", unit, rows[unit], want, out)
		}
	}
}

// commandsReachDevices: the templates' keepAlive reaches the KEBA (10 s)
// and Schneider (2 s) devices on its own, and `gwctl charger command` runs
// a command by hand and reports what the device did.
func commandsReachDevices(t *testing.T, d *daemon) {
	t.Helper()
	for _, name := range []string{"keba-p30-1", "schneider-evlink-1"} {
		waitCharger(t, d, name, "keepAlive Done", func(st v1alpha1.ChargerStatus) bool {
			return st.Device != nil && st.Device.Commands["keepAlive"].Result == v1alpha1.CommandDone
		})
	}
	out, errOut, code := d.gwctl(t, nil, "charger", "command", "abb-terra-ac-2", "setCurrentLimit", "--limit", "10")
	if code != 0 || !strings.Contains(out, "abb-terra-ac-2 setCurrentLimit: Done") {
		t.Fatalf("charger command setCurrentLimit: exit %d\n%s%s", code, out, errOut)
	}
	waitCharger(t, d, "abb-terra-ac-2", "the new limit read back", func(st v1alpha1.ChargerStatus) bool {
		return signalsOf(st)["currentLimitA"] == 10.0
	})
	out, errOut, code = d.gwctl(t, nil, "charger", "command", "abb-terra-ac-2", "unlock")
	if code != 1 || !strings.Contains(out, "Unsupported") {
		t.Fatalf("charger command unlock: exit %d, want 1 and Unsupported\n%s%s", code, out, errOut)
	}
	if _, errOut, code = d.gwctl(t, nil, "charger", "command", "abb-terra-ac-2", "setCurrentLimit"); code != 2 || !strings.Contains(errOut, "needs --limit") {
		t.Fatalf("setCurrentLimit without --limit: exit %d\n%s", code, errOut)
	}
}

// plugAndWatch plugs an EV into each named device and waits for the EV
// column of `gwctl get chargers -w` to flip to yes for its charger.
func plugAndWatch(t *testing.T, d *daemon, sim *gwsimProc, names []string) {
	t.Helper()
	lines, stop := watchChargers(t, d)
	defer stop()
	// The initial rows show every charger without an EV.
	for seen := map[string]bool{}; len(seen) < simFleetSize; {
		l := nextLine(t, lines, fmt.Sprintf("initial rows (%d seen)", len(seen)))
		if f := strings.Fields(l.text); len(f) > 5 && f[0] != "NAME" {
			if f[5] == "yes" {
				t.Fatalf("EV shown before any plug: %s", l.text)
			}
			seen[f[0]] = true
		}
	}
	for _, name := range names {
		// The EV plugs in while `gwsim ctl` runs, so the time from its start
		// bounds the latency from above.
		start := time.Now()
		sim.ctl(t, "plug", name)
		ctlTook := time.Since(start)
		for {
			l := nextLine(t, lines, name+" EV yes")
			if f := strings.Fields(l.text); len(f) > 5 && f[0] == name && f[5] == "yes" {
				t.Logf("%s: EV column yes at most %v after gwsim ctl plug started (the ctl process took %v; poll interval %v)",
					name, l.at.Sub(start).Round(time.Millisecond), ctlTook.Round(time.Millisecond), pollInterval)
				break
			}
		}
	}
}

// silentUnitOnBus silences RTU unit 2 and checks that its charger turns
// NotResponding and faulted while units 1 and 3, both charging, keep
// delivering new energy readings; clearing the fault brings unit 2 back.
func silentUnitOnBus(t *testing.T, d *daemon, sim *gwsimProc) {
	t.Helper()
	const u1, u2, u3 = "abb-terra-ac-rtu-1", "abb-terra-ac-rtu-2", "abb-terra-ac-rtu-3"
	sim.ctl(t, "plug", u1)
	sim.ctl(t, "plug", u3)
	for _, name := range []string{u1, u3} {
		waitCharger(t, d, name, "charging", func(st v1alpha1.ChargerStatus) bool {
			s := signalsOf(st)
			return s["charging"] == true && s["energyWh"] != nil
		})
	}
	sim.ctl(t, "fault", u2, "silent")
	// Count new energy readings of units 1 and 3 only while unit 2 is
	// reported NotResponding, so they prove polling went on around it.
	const want = 6
	last := map[string]float64{}
	fresh := map[string]int{}
	faulted := false
	deadline := time.Now().Add(45 * time.Second)
	for fresh[u1] < want || fresh[u3] < want {
		if time.Now().After(deadline) {
			t.Fatalf("unit 2 NotResponding: %v; new energy readings while it was: %v", faulted, fresh)
		}
		st := chargerStatus(t, d, u2)
		switch down := reachable(st) == charger.ReasonNotResponding; {
		case down && !faulted:
			checkNotResponding(t, st)
			faulted = true
		case !down && faulted:
			t.Fatalf("unit 2 recovered while silent: %+v", st.Conditions)
		}
		for _, name := range []string{u1, u3} {
			s := chargerStatus(t, d, name)
			e, ok := signalsOf(s)["energyWh"].(float64)
			if !ok || reachable(s) != charger.ReasonPolled {
				t.Fatalf("%s while unit 2 is silent: %+v %v", name, s.Conditions, signalsOf(s))
			}
			if old, seen := last[name]; seen && e < old {
				t.Fatalf("%s energy went back from %v to %v", name, old, e)
			}
			if old, seen := last[name]; faulted && seen && e > old {
				fresh[name]++
			}
			last[name] = e
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("while unit 2 was NotResponding: %d new energy readings of unit 1, %d of unit 3", fresh[u1], fresh[u3])

	sim.ctl(t, "fault", u2, "")
	waitCharger(t, d, u2, "Reachable again", func(st v1alpha1.ChargerStatus) bool {
		return reachable(st) == charger.ReasonPolled && signalsOf(st)["faulted"] == false
	})
}

// checkNotResponding checks a silent unit's status: the threshold of failed
// polls reached, reported as a fault.
func checkNotResponding(t *testing.T, st v1alpha1.ChargerStatus) {
	t.Helper()
	s := signalsOf(st)
	c := v1alpha1.FindCondition(st.Conditions, charger.ConditionDeviceReachable)
	if c.Status != v1alpha1.ConditionFalse || s["faulted"] != true || s["faultCode"] != charger.FaultDeviceNotResponding ||
		st.Device == nil || st.Device.ConsecutiveFailures < 2 {
		t.Fatalf("silent unit: condition %+v, signals %v, device %+v", c, s, st.Device)
	}
}

// checkMappingTest runs `gwctl mapping test` on one charger: a live read
// prints at least one raw value, the signals with the unmapped ones named,
// and a StatusNotification and MeterValues with a measurand.
func checkMappingTest(t *testing.T, d *daemon, name string) {
	t.Helper()
	out, errOut, code := d.gwctl(t, nil, "mapping", "test", name)
	ok := code == 0 && regexp.MustCompile(`Raw values:\n  \S`).MatchString(out)
	for _, want := range []string{"evConnected ", "unsupported", `"statusNotifications"`, `"connectorStatus"`, `"meterValues"`, `"measurand"`} {
		ok = ok && strings.Contains(out, want)
	}
	if !ok {
		t.Fatalf("mapping test %s: exit %d\n%s%s", name, code, out, errOut)
	}
}

func chargerStatus(t *testing.T, d *daemon, name string) v1alpha1.ChargerStatus {
	t.Helper()
	o, err := d.client(t).Get(context.Background(), "Charger", name)
	if err != nil {
		t.Fatal(err)
	}
	var st v1alpha1.ChargerStatus
	if len(o.Status) > 0 {
		if err := json.Unmarshal(o.Status, &st); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// waitCharger polls the charger's status until cond holds or 30 s pass,
// then fails with the last status seen.
func waitCharger(t *testing.T, d *daemon, name, what string, cond func(v1alpha1.ChargerStatus) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := chargerStatus(t, d, name)
		if cond(st) {
			return
		}
		if time.Now().After(deadline) {
			b, _ := json.Marshal(st)
			t.Fatalf("%s: timed out waiting for %s; status %s", name, what, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reachable is DeviceReachable's reason, "" before the condition is set.
func reachable(st v1alpha1.ChargerStatus) string {
	if c := v1alpha1.FindCondition(st.Conditions, charger.ConditionDeviceReachable); c != nil {
		return c.Reason
	}
	return ""
}

func signalsOf(st v1alpha1.ChargerStatus) map[string]any {
	if len(st.Connectors) == 0 {
		return map[string]any{}
	}
	return st.Connectors[0].Signals
}

// fleetSite is a Bus for gwsim's pty and one Charger per simulated device,
// named after it.
func fleetSite(t *testing.T, devs []simDevice) string {
	t.Helper()
	var b strings.Builder
	bus := ""
	for _, dev := range devs {
		m, ok := simModels[dev.model]
		if !ok {
			t.Fatalf("no template for gwsim model %q", dev.model)
		}
		var conn string
		switch {
		case strings.HasPrefix(dev.address, "/dev/"):
			bus = dev.address
			conn = fmt.Sprintf("modbusRTU: {busRef: sim-rs485, unitId: %s}", strings.Trim(dev.units, "[]"))
		case strings.HasPrefix(dev.model, "el-"):
			host, port, _ := net.SplitHostPort(dev.address)
			conn = fmt.Sprintf("echonet: {address: %s, port: %s, eoj: %q}", host, port, dev.units)
		default:
			host, port, _ := net.SplitHostPort(dev.address)
			conn = fmt.Sprintf("modbusTCP: {host: %s, port: %s, unitId: %d}", host, port, m.unit)
		}
		fmt.Fprintf(&b, `---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: %s}
spec:
  templateRef: %s
  pollInterval: %v
  failureThreshold: 2
  connection:
    %s
`, dev.name, m.template, pollInterval, conn)
	}
	// gwsim's RTU slave runs at any line setting; 19200 8N1 is what its
	// tests use. A short timeout and backoff keep a silent unit's cost low.
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: Bus
metadata: {name: sim-rs485}
spec:
  device: %s
  baudRate: 19200
  parity: none
  timeout: 200ms
  retries: 1
  deadUnitBackoff: 2s
`, bus) + b.String()
}

// exampleTemplates is every library template, as one YAML stream.
func exampleTemplates(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir(t), "templates", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example templates: %v", err)
	}
	var docs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	return strings.Join(docs, "\n---\n") + "\n"
}
