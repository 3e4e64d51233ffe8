package examples_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// step is the physics step of knownState: shorter than every simulated
// watchdog, so the setpoint rewritten each step never expires.
const step = 5 * time.Second

// elClientConfig keeps the EL client on loopback, off port 3610.
func elClientConfig() echonet.Config {
	return echonet.Config{ListenAddr: "127.0.0.1:0", Group: "127.0.0.1:9", Timeout: 5 * time.Second}
}

// charge drives c to the known state: an EV at 20 % SoC plugged in and
// charged for one hour at a 16 A limit, the limit rewritten every step as a
// gateway's keepAlive would (11 040 Wh on three phases at 230 V).
func charge(t *testing.T, c *sim.Charger) time.Time {
	t.Helper()
	c.Plug(true)
	now := t0
	for now.Before(t0.Add(time.Hour)) {
		if err := c.SetCurrentLimit(16); err != nil {
			t.Fatal(err)
		}
		now = now.Add(step)
		c.Step(now)
	}
	return now
}

func tcpConfig(t *testing.T, m sim.RegisterMap, c *sim.Charger, unit int, read *v1alpha1.TemplateRead) charger.DeviceConfig {
	t.Helper()
	srv, err := sim.ServeTCP("127.0.0.1:0", m, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ap := netip.MustParseAddrPort(srv.Addr)
	return charger.DeviceConfig{Charger: m.Model(), Read: read, Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP,
		&v1alpha1.ModbusTCPConnection{Host: ap.Addr().String(), Port: int(ap.Port()), UnitID: &unit, Timeout: "2s"})}
}

func rtuConfig(t *testing.T, m sim.RegisterMap, c *sim.Charger, unit int, read *v1alpha1.TemplateRead) charger.DeviceConfig {
	t.Helper()
	bus, err := sim.ServeRTU()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	if err := bus.Add(m, c); err != nil {
		t.Fatal(err)
	}
	retries := 1
	return charger.DeviceConfig{Charger: m.Model(), Read: read, BusName: "sim",
		Bus:        &v1alpha1.BusSpec{Device: bus.Path, BaudRate: 19200, Parity: "none", StopBits: 1, Timeout: "2s", Retries: &retries},
		Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: "sim", UnitID: unit})}
}

func elConfig(t *testing.T, obj *sim.ELCharger, read *v1alpha1.TemplateRead) (charger.DeviceConfig, func()) {
	t.Helper()
	node, err := sim.ServeEL(echonet.ResponderConfig{ListenAddr: "127.0.0.1:0", Group: "127.0.0.1:9"}, []*sim.ELCharger{obj})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	sync := func() {
		if err := node.Sync(); err != nil {
			t.Fatal(err)
		}
	}
	return charger.DeviceConfig{Charger: obj.EOJ.String(), Read: read, Connection: v1alpha1.NewConnection(v1alpha1.ConnEchonet,
		&v1alpha1.EchonetConnection{Address: "127.0.0.1", Port: int(node.R.Addr().Port()), EOJ: obj.EOJ.String(), Timeout: "5s"})}, sync
}

// want fails the test when a command did not reach the simulated device.
func want(t *testing.T, what string, ok bool, s sim.State) {
	t.Helper()
	if !ok {
		t.Errorf("%s: device state %+v", what, s)
	}
}

// checkWatchdog runs keepAlive and shows it is what holds the setpoint: fed,
// the limit holds for just under the watchdog; unfed, it falls back to the
// safe current; fed again, it is restored.
func checkWatchdog(t *testing.T, r *rig, now time.Time, watchdog time.Duration) {
	t.Helper()
	r.run(t, "keepAlive", cel.Args{})
	now = now.Add(watchdog - time.Second)
	r.c.Step(now)
	s := r.c.Snapshot()
	want(t, "limit held by keepAlive", !s.WatchdogExpired && s.LimitA == s.SetpointA, s)
	now = now.Add(2 * watchdog)
	r.c.Step(now)
	s = r.c.Snapshot()
	want(t, "watchdog expires without keepAlive", s.WatchdogExpired && s.LimitA == r.c.Config().SafeCurrentA, s)
	r.run(t, "keepAlive", cel.Args{})
	r.c.Step(now.Add(time.Second))
	s = r.c.Snapshot()
	want(t, "keepAlive restores the setpoint", !s.WatchdogExpired && s.LimitA == s.SetpointA, s)
}
