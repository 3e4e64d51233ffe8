//go:build linux

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// sweepDevice is one charger of the sweep with its peer and its faults.
type sweepDevice struct {
	name, template string
	transport      string // tcp, rtu, el
	conn           string // the Charger's connection, YAML flow
	inject         func(fault string) error
	clear          func() error
	faults         []string
	node           *elNode // EL: faults are per node (reset clears it)
	// keepAlive: the register the template's keepAlive writes and its period.
	keepAliveAddr int
	keepAlive     time.Duration
	writesTo      func(addr int) (int, error) // Modbus: writes the proxy saw to addr
	requestsSeen  func() (int, error)         // Modbus: requests the proxy saw for the unit
}

// Faults the proxy injects on a Modbus reply (drivers/modbus/testdata/
// fault_proxy.py) and evpeer.js on an ECHONET Lite one. Late replies are
// later than the timeout (1 s TCP, 500 ms RTU, 2 s per EL try).
var (
	tcpFaults = []string{"delay 1500", "dup 0", "dupnext", "short", "truncate 3", "foreign 9", "fc 16", "tid", "silent", "slow 60"}
	rtuFaults = []string{"delay 700", "dup 0", "dupnext", "short", "truncate 3", "foreign 2", "fc 16", "crc", "silent", "slow 40"}
	elFaults  = []string{"sna OBJ C7", "pdc0 OBJ C7 D3", "omit OBJ C7", "short OBJ D8", "cap OBJ 3", "wrong OBJ WRONG",
		"wrong OBJ WRONG also", "silent OBJ", "delay OBJ 2500", "refuse OBJ DA"}
)

// sweepDuration is OCPPGW_SWEEP (e.g. 30m), or a short sweep for CI.
func sweepDuration(t *testing.T) time.Duration {
	v := os.Getenv("OCPPGW_SWEEP")
	if v == "" {
		return 45 * time.Second
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("OCPPGW_SWEEP=%q: %v", v, err)
	}
	return d
}

// TestFaultSweep runs gwd against 10 Modbus TCP, 6 Modbus RTU (two buses)
// and 6 ECHONET Lite chargers played by independent peers, with a strict
// CSMS watching, while random faults come and go on the devices' replies.
// It fails on any value reported as valid that the device did not send,
// on any connector reported Available while its signals say otherwise,
// on any strict-validation failure at the CSMS, and on a device that does
// not recover after its fault ends; it reports recovery times and the
// keepAlive writes each peer saw. OCPPGW_SWEEP sets how long (default 45s).
func TestFaultSweep(t *testing.T) {
	requirePTY(t)
	for _, tool := range []string{"socat", "ip", "node", pythonPath} {
		if _, err := exec.LookPath(tool); err != nil {
			needSweepPeer(t, "%s not found", tool)
		}
	}
	if out, err := exec.Command(pythonPath, "-c", "import pymodbus, serial, serial_asyncio").CombinedOutput(); err != nil {
		needSweepPeer(t, "pymodbus with serial support: %s", out)
	}
	dur := sweepDuration(t)
	lifetime := strconv.Itoa(int((dur + 10*time.Minute).Seconds()))
	devs := sweepModbusTCP(t, lifetime)
	devs = append(devs, sweepModbusRTU(t, lifetime, "a")...)
	devs = append(devs, sweepModbusRTU(t, lifetime, "b")...)
	devs = append(devs, sweepEchonet(t)...)

	ctx := context.Background()
	csms, err := strictcsms.Start(ctx)
	if err != nil {
		needSweepPeer(t, "strict CSMS: %v", err)
	}
	t.Cleanup(csms.Stop)
	d := startGwd(t, t.TempDir(), "--log-level", "info", "--echonet-listen", sweepBridgeAddr+":3610", "--echonet-interface", sweepBridge)
	if out, errOut, code := d.gwctl(t, strings.NewReader(sweepSite(t, devs, csms.URL)), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	sw := newSweepWatch(t, d, devs)
	sw.waitHealthy(t, 60*time.Second, "before the sweep")
	commandsThroughPeers(t, d, csms, devs)
	casesThroughPeers(t, d, sw, devs)
	sw.takeBaseline(t)

	seed := uint64(time.Now().UnixNano())
	t.Logf("sweep of %v over %d chargers, seed %d", dur, len(devs), seed)
	episodes := runFaults(t, sw, devs, dur, rand.New(rand.NewPCG(seed, seed>>1)))
	sw.waitHealthy(t, 60*time.Second, "after the sweep")
	sw.stop()
	sw.sample() // the last faults' recovery, which waitHealthy saw first
	sw.report(t, episodes, dur)
	for _, f := range csms.Failures() {
		t.Errorf("strict CSMS: %s %s %s: %s", f.Ev, f.Identity, f.Method, f.Error)
	}
	d.stop(t)
}

// sweepModbusTCP starts 7 pymodbus servers, each behind a fault proxy:
// one with four ABB units and two each of Alfen, KEBA and Schneider.
func sweepModbusTCP(t *testing.T, lifetime string) []*sweepDevice {
	type server struct {
		spec, template string
		units          []int
		keepAlive      int
		period         time.Duration
	}
	servers := []server{
		{"1=abb,2=abb,3=abb,4=abb", "abb-terra-ac", []int{1, 2, 3, 4}, 0, 0},
		{"1=alfen-socket,200=alfen-station", "alfen-eve", []int{1}, 1210, 25 * time.Second},
		{"1=alfen-socket,200=alfen-station", "alfen-eve", []int{1}, 1210, 25 * time.Second},
		{"255=keba", "keba-p30", []int{255}, 5018, 10 * time.Second},
		{"255=keba", "keba-p30", []int{255}, 5018, 10 * time.Second},
		{"255=schneider", "schneider-evlink-pro-ac", []int{255}, 4000, 2 * time.Second},
		{"255=schneider", "schneider-evlink-pro-ac", []int{255}, 4000, 2 * time.Second},
	}
	env := []string{"PEER_LIFETIME=" + lifetime}
	var devs []*sweepDevice
	for i, s := range servers {
		_, ready := startSweepPeer(t, "pymodbus "+s.spec, env, pythonPath, modbusTestdata(t, "vendor_server.py"), "tcp", "0", "-", s.spec)
		port := strings.Fields(ready)[1]
		proxy, ready := startSweepPeer(t, "tcp fault proxy", env, pythonPath, modbusTestdata(t, "fault_proxy.py"), "tcp", port)
		pport := strings.Fields(ready)[1]
		for _, u := range s.units {
			devs = append(devs, modbusDevice(fmt.Sprintf("tcp-%d-%d", i, u), s.template, "tcp",
				fmt.Sprintf("{modbusTCP: {host: 127.0.0.1, port: %s, unitId: %d}}", pport, u), proxy, u, tcpFaults, s.keepAlive, s.period))
		}
	}
	return devs
}

// sweepModbusRTU starts one RS-485 line: the driver's pty, the fault
// proxy, and pymodbus serving three ABB units on the other pty pair.
func sweepModbusRTU(t *testing.T, lifetime, bus string) []*sweepDevice {
	drv, proxyDrv := ptyPair(t)
	proxySrv, srv := ptyPair(t)
	env := []string{"PEER_LIFETIME=" + lifetime}
	startSweepPeer(t, "pymodbus rtu "+bus, env, pythonPath, modbusTestdata(t, "vendor_server.py"), "rtu", srv, "115200", "1=abb,2=abb,3=abb")
	proxy, _ := startSweepPeer(t, "rtu fault proxy "+bus, env, pythonPath, modbusTestdata(t, "fault_proxy.py"), "rtu", proxyDrv, proxySrv)
	var devs []*sweepDevice
	for u := 1; u <= 3; u++ {
		d := modbusDevice(fmt.Sprintf("rtu-%s-%d", bus, u), "abb-terra-ac", "rtu",
			fmt.Sprintf("{modbusRTU: {busRef: bus-%s, unitId: %d}}", bus, u), proxy, u, rtuFaults, 0, 0)
		d.conn += "\n---\napiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: bus-" + bus + "}\nspec: {device: " + drv + ", baudRate: 115200, parity: none}"
		devs = append(devs, d)
	}
	return devs
}

func modbusDevice(name, template, transport, conn string, proxy *sweepPeer, unit int, faults []string, keepAlive int, period time.Duration) *sweepDevice {
	do := func(cmd string) error { _, err := proxy.do(fmt.Sprintf("%d %s", unit, cmd)); return err }
	d := &sweepDevice{name: name, template: template, transport: transport, conn: conn, faults: faults,
		inject: do, clear: func() error { return do("clear") }, keepAliveAddr: keepAlive, keepAlive: period}
	d.requestsSeen = func() (int, error) {
		l, err := proxy.do(fmt.Sprintf("%d count", unit))
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(strings.TrimPrefix(l, "count "))
	}
	d.writesTo = func(addr int) (int, error) {
		l, err := proxy.do(fmt.Sprintf("%d writes %d", unit, addr))
		if err != nil {
			return 0, err
		}
		return strconv.Atoi(strings.TrimPrefix(l, "writes "))
	}
	return d
}

// sweepEchonet starts three ECHONET Lite nodes, each with an EV charger
// (0x02A101) and a V2H charger/discharger (0x027E01).
func sweepEchonet(t *testing.T) []*sweepDevice {
	var devs []*sweepDevice
	for i, nd := range startELNodes(t, 3) {
		for _, o := range []struct{ obj, wrong, template string }{
			{"02A101", "02A102", "echonet-ev-charger"}, {"027E01", "027E02", "echonet-v2h"}} {
			o, nd := o, nd
			devs = append(devs, &sweepDevice{name: fmt.Sprintf("el-%d-%s", i+1, strings.ToLower(o.obj)), template: o.template,
				transport: "el", node: nd, faults: elFaults,
				conn: fmt.Sprintf("{echonet: {address: %s, eoj: \"0x%s\"}}", nd.addr, o.obj),
				inject: func(f string) error {
					_, err := nd.peer.do(strings.NewReplacer("OBJ", o.obj, "WRONG", o.wrong).Replace(f))
					return err
				},
				clear: func() error { _, err := nd.peer.do("reset"); return err }})
		}
	}
	return devs
}

// sweepSite is the library templates, the CSMS and one Charger per device.
// The peers' registers show an EV charging and do not follow writes, so
// the chargers start their sessions themselves (AutoStart): a CSMS-mode
// hold would be re-sent to a charger that never stops, and its writes
// would mix with the keepAlive and availability writes the sweep counts.
func sweepSite(t *testing.T, devs []*sweepDevice, csmsURL string) string {
	var b strings.Builder
	b.WriteString(exampleTemplates(t))
	fmt.Fprintf(&b, "---\napiVersion: ocppgw.dev/v1alpha1\nkind: CSMS\nmetadata: {name: sweep}\nspec: {url: %q, securityProfile: 1}\n", csmsURL)
	for _, d := range devs {
		conn, extra, _ := strings.Cut(d.conn, "\n---\n")
		fmt.Fprintf(&b, "---\napiVersion: ocppgw.dev/v1alpha1\nkind: Charger\nmetadata: {name: %s}\nspec:\n  templateRef: %s\n"+
			"  pollInterval: 1s\n  failureThreshold: 3\n  connection: %s\n  ocpp: {csmsRef: sweep, stationId: SW-%s, authorization: {mode: AutoStart}}\n",
			d.name, d.template, conn, strings.ToUpper(d.name))
		if extra != "" && !strings.Contains(b.String(), extra) {
			b.WriteString("---\n" + extra + "\n")
		}
	}
	return b.String()
}

// episode is one fault on one device, from injection to clearing.
type episode struct {
	dev         *sweepDevice
	fault       string
	start, end  time.Time
	recoveredAt time.Time
	interrupted bool // another fault came to the device before it recovered
}

// runFaults injects random faults for dur: at most four at a time, one per
// device (and per EL node, whose reset clears both objects), each lasting
// 2 to 12 s, then cleared.
func runFaults(t *testing.T, sw *sweepWatch, devs []*sweepDevice, dur time.Duration, rng *rand.Rand) []*episode {
	var all, active []*episode
	busy := func(d *sweepDevice) bool {
		for _, e := range active {
			if e.dev == d || (d.node != nil && e.dev.node == d.node) {
				return true
			}
		}
		return false
	}
	end := time.Now().Add(dur)
	for time.Now().Before(end) {
		now := time.Now()
		keep := active[:0]
		for _, e := range active {
			if now.Before(e.end) {
				keep = append(keep, e)
				continue
			}
			if err := e.dev.clear(); err != nil {
				t.Fatalf("clear %s on %s: %v", e.fault, e.dev.name, err)
			}
			e.end = time.Now()
			sw.cleared(e)
		}
		active = keep
		if len(active) < 4 {
			d := devs[rng.IntN(len(devs))]
			if !busy(d) {
				f := d.faults[rng.IntN(len(d.faults))]
				if err := d.inject(f); err != nil {
					t.Fatalf("inject %s on %s: %v", f, d.name, err)
				}
				e := &episode{dev: d, fault: f, start: time.Now()}
				e.end = e.start.Add(2*time.Second + time.Duration(rng.IntN(10000))*time.Millisecond)
				sw.injected(e)
				active, all = append(active, e), append(all, e)
			}
		}
		time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
	}
	for _, e := range active {
		if err := e.dev.clear(); err != nil {
			t.Fatalf("clear %s on %s: %v", e.fault, e.dev.name, err)
		}
		e.end = time.Now()
		sw.cleared(e)
	}
	return all
}
