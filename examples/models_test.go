package examples_test

import (
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// TestABBTerraAC reads the same golden signals over Modbus TCP and over
// Modbus RTU (the simulated pty bus, unit 3).
func TestABBTerraAC(t *testing.T) {
	spec, m := resolved(t, "abb-terra-ac")
	for _, transport := range []string{"tcp", "rtu"} {
		t.Run(transport, func(t *testing.T) {
			c := sim.NewCharger(sim.Config{MaxCurrentA: 32, Phases: 3}, t0)
			cfg := tcpConfig(t, &sim.ABB{C: c, Unit: 1, Serial: "TAC1"}, c, 1, spec.Read)
			if transport == "rtu" {
				cfg = rtuConfig(t, &sim.ABB{C: c, Unit: 3, Serial: "TAC1"}, c, 3, spec.Read)
			}
			r := openRig(t, c, m, cfg, nil)
			charge(t, c)
			_, sig, errs := r.read(t)
			golden(t, "abb-terra-ac", sig, errs)

			r.run(t, "setCurrentLimit", cel.Args{LimitA: 10})
			want(t, "setCurrentLimit(10)", c.Snapshot().SetpointA == 10, c.Snapshot())
			r.run(t, "setCurrentLimit", cel.Args{LimitA: 80})
			want(t, "setCurrentLimit(80) clamps to the 32 A rating", c.Snapshot().SetpointA == 32, c.Snapshot())
			r.run(t, "stop", cel.Args{})
			want(t, "stop", c.Snapshot().SetpointA == 0, c.Snapshot())
			r.run(t, "start", cel.Args{LimitA: 12})
			want(t, "start offers the limit in force", c.Snapshot().SetpointA == 12, c.Snapshot())
			r.run(t, "start", cel.Args{LimitA: 80})
			want(t, "start clamps to the 32 A rating", c.Snapshot().SetpointA == 32, c.Snapshot())
		})
	}
}

func TestAlfenEve(t *testing.T) {
	spec, m := resolved(t, "alfen-eve")
	cfg := sim.Config{MaxCurrentA: 16, Phases: 3, SafeCurrentA: 6, Watchdog: 60 * time.Second}
	c := sim.NewCharger(cfg, t0)
	r := openRig(t, c, m, tcpConfig(t, &sim.Alfen{C: c, Serial: "ALF1"}, c, 1, spec.Read), nil)
	now := charge(t, c)
	_, sig, errs := r.read(t)
	golden(t, "alfen-eve", sig, errs)

	r.run(t, "setCurrentLimit", cel.Args{LimitA: 10})
	want(t, "setCurrentLimit(10)", c.Snapshot().SetpointA == 10, c.Snapshot())
	r.run(t, "stop", cel.Args{})
	want(t, "stop", c.Snapshot().SetpointA == 0, c.Snapshot())
	r.run(t, "start", cel.Args{LimitA: 8})
	want(t, "start offers the limit in force", c.Snapshot().SetpointA == 8, c.Snapshot())
	r.run(t, "start", cel.Args{LimitA: 32})
	want(t, "start clamps to the station maximum", c.Snapshot().SetpointA == 16, c.Snapshot())
	checkWatchdog(t, r, now, cfg.Watchdog)
}

func TestKEBAP30(t *testing.T) {
	spec, m := resolved(t, "keba-p30-rfid")
	cfg := sim.Config{MaxCurrentA: 32, Phases: 3, SafeCurrentA: 6, Watchdog: 20 * time.Second, RFIDReader: true}
	c := sim.NewCharger(cfg, t0)
	keba := &sim.KEBA{C: c, Serial: 12345678}
	r := openRig(t, c, m, tcpConfig(t, keba, c, 255, spec.Read), nil)
	if _, sig, _ := r.read(t); sig["idToken"] != "" {
		t.Errorf("idToken %v before any card, want empty", sig["idToken"])
	}
	if err := c.PresentCard("04a1b2c3"); err != nil {
		t.Fatal(err)
	}
	now := charge(t, c)
	_, sig, errs := r.read(t) // idToken 04A1B2C3: the card at 1500
	golden(t, "keba-p30-rfid", sig, errs)

	r.run(t, "setCurrentLimit", cel.Args{LimitA: 10.5})
	want(t, "setCurrentLimit(10.5)", c.Snapshot().SetpointA == 10.5, c.Snapshot())
	r.run(t, "stop", cel.Args{})
	c.Step(now.Add(time.Second))
	want(t, "stop disables the station", c.Snapshot().Paused && !c.Snapshot().Charging, c.Snapshot())
	r.run(t, "start", cel.Args{LimitA: 8})
	c.Step(now.Add(2 * time.Second))
	want(t, "start enables it at the limit in force", !c.Snapshot().Paused && c.Snapshot().Charging && c.Snapshot().SetpointA == 8, c.Snapshot())
	checkWatchdog(t, r, now.Add(2*time.Second), cfg.Watchdog)
	if got := keba.FailsafeTimeout(); got != 20 {
		t.Errorf("failsafe timeout written %d s, want 20", got)
	}
}

func TestSchneiderEVlinkProAC(t *testing.T) {
	spec, m := resolved(t, "schneider-evlink-pro-ac")
	cfg := sim.Config{MaxCurrentA: 32, Phases: 3, SafeCurrentA: 6, Watchdog: 10 * time.Second}
	c := sim.NewCharger(cfg, t0)
	dev := &sim.Schneider{C: c}
	r := openRig(t, c, m, tcpConfig(t, dev, c, 255, spec.Read), nil)
	now := charge(t, c)
	_, sig, errs := r.read(t)
	golden(t, "schneider-evlink-pro-ac", sig, errs)

	r.run(t, "setCurrentLimit", cel.Args{LimitA: 10})
	want(t, "setCurrentLimit(10)", c.Snapshot().SetpointA == 10, c.Snapshot())
	r.run(t, "stop", cel.Args{})
	want(t, "stop", c.Snapshot().SetpointA == 0, c.Snapshot())
	r.run(t, "start", cel.Args{LimitA: 20})
	want(t, "start offers the limit in force", c.Snapshot().SetpointA == 20, c.Snapshot())
	checkWatchdog(t, r, now, cfg.Watchdog)
	if dev.Lifebit() != 1 {
		t.Errorf("lifebit %d, want 1", dev.Lifebit())
	}
}

func TestEchonetEVCharger(t *testing.T) {
	testEchonet(t, "echonet-ev-charger", sim.ClassEVCharger)
}

func TestEchonetV2H(t *testing.T) {
	testEchonet(t, "echonet-v2h", sim.ClassV2H)
}

// testEchonet reads an EL object of class over loopback UDP, then runs
// every command the template has and checks the object and the charger.
func testEchonet(t *testing.T, name string, class uint16) {
	spec, m := resolved(t, name)
	c := sim.NewCharger(sim.Config{MaxCurrentA: 32, Phases: 3}, t0)
	obj := sim.NewELCharger(c, class, 1)
	cfg, sync := elConfig(t, obj, spec.Read)
	r := openRig(t, c, m, cfg, sync)
	_, sig, errs := r.read(t)
	golden(t, name+"-unplugged", sig, errs)
	now := charge(t, c)
	_, sig, errs = r.read(t)
	golden(t, name, sig, errs)

	r.run(t, "setCurrentLimit", cel.Args{LimitA: 10})
	want(t, "setCurrentLimit(10)", c.Snapshot().SetpointA == 10, c.Snapshot())
	r.run(t, "setPowerLimit", cel.Args{LimitW: 8280})
	want(t, "setPowerLimit(8280 W) = 12 A on 3 x 230 V", c.Snapshot().SetpointA == 12, c.Snapshot())
	r.run(t, "stop", cel.Args{})
	c.Step(now.Add(time.Second))
	want(t, "stop: standby", obj.Mode() == 0x44 && c.Snapshot().Paused && !c.Snapshot().Charging, c.Snapshot())
	if _, sig, _ := r.read(t); sig["charging"] != false || sig["suspended"] != true {
		t.Errorf("after stop: charging %v suspended %v", sig["charging"], sig["suspended"])
	}
	r.run(t, "start", cel.Args{})
	c.Step(now.Add(2 * time.Second))
	want(t, "start: charge", obj.Mode() == 0x42 && c.Snapshot().Charging, c.Snapshot())
	r.run(t, "setAvailable", cel.Args{Available: false})
	want(t, "setAvailable(false)", !c.Snapshot().Available, c.Snapshot())
	if _, sig, _ := r.read(t); sig["operative"] != false {
		t.Errorf("after setAvailable(false): operative %v", sig["operative"])
	}
}
