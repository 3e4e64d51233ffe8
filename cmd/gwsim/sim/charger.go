package sim

import (
	"fmt"
	"sync"
	"time"
)

// Fault is a fault mode a simulated device can be put in.
type Fault string

// The fault modes.
const (
	FaultNone Fault = ""
	// FaultSilent: the device does not answer at all.
	FaultSilent Fault = "silent"
	// FaultException: every request gets a device-busy exception.
	FaultException Fault = "exception"
	// FaultStuck: values freeze at what they were when the fault started.
	FaultStuck Fault = "stuck"
	// FaultCharger: the charger reports an internal error (error code 0x10).
	FaultCharger Fault = "charger"
)

// Faults lists the fault modes for validation and help texts.
var Faults = []Fault{FaultNone, FaultSilent, FaultException, FaultStuck, FaultCharger}

// Config is one simulated charger's hardware.
type Config struct {
	// MaxCurrentA is the rated current per phase (the cable/EVSE limit).
	MaxCurrentA float64
	Phases      int
	VoltageV    float64
	// SafeCurrentA applies when the watchdog expires.
	SafeCurrentA float64
	// Watchdog is how long a current setpoint holds without being rewritten;
	// 0 means setpoints never expire.
	Watchdog time.Duration
	// EV is the vehicle plugged in by Plug.
	EV EV
}

// EV is the simulated vehicle.
type EV struct {
	CapacityWh  float64
	MaxCurrentA float64
	// SoC at plug-in, percent.
	InitialSoC float64
}

// State is a snapshot of the simulated charger.
type State struct {
	Plugged   bool `json:"plugged"`
	Available bool `json:"available"`
	// Paused is a charge stopped by command (EL standby, KEBA disable); the
	// EV stays plugged and no current flows until resumed.
	Paused    bool    `json:"paused"`
	Charging  bool    `json:"charging"`
	Suspended bool    `json:"suspended"`
	SoC       float64 `json:"socPercent"`
	// SetpointA is the last current limit written; LimitA is the one in force
	// (the safe current once the watchdog expired).
	SetpointA float64 `json:"setpointA"`
	LimitA    float64 `json:"limitA"`
	CurrentA  float64 `json:"currentA"`
	VoltageV  float64 `json:"voltageV"`
	PowerW    float64 `json:"powerW"`
	// EnergyWh is the lifetime import register; SessionWh since plug-in.
	EnergyWh  float64 `json:"energyWh"`
	SessionWh float64 `json:"sessionWh"`
	Phases    int     `json:"phases"`
	Fault     Fault   `json:"fault"`
	// WatchdogExpired is true while the safe current applies.
	WatchdogExpired bool `json:"watchdogExpired"`
}

// Charger is one simulated EVSE with its EV. It is safe for concurrent use:
// device protocol handlers read it while the clock steps it.
type Charger struct {
	cfg Config

	mu          sync.Mutex
	now         time.Time
	st          State
	setpointAt  time.Time
	frozen      *State
	minCurrentA float64
}

// NewCharger returns an idle, available charger with no EV, at time now.
func NewCharger(cfg Config, now time.Time) *Charger {
	if cfg.Phases == 0 {
		cfg.Phases = 3
	}
	if cfg.VoltageV == 0 {
		cfg.VoltageV = 230
	}
	if cfg.MaxCurrentA == 0 {
		cfg.MaxCurrentA = 32
	}
	if cfg.EV.CapacityWh == 0 {
		cfg.EV = EV{CapacityWh: 60000, MaxCurrentA: 32, InitialSoC: 20}
	}
	c := &Charger{cfg: cfg, now: now, setpointAt: now, minCurrentA: 6}
	c.st = State{Available: true, SetpointA: cfg.MaxCurrentA, LimitA: cfg.MaxCurrentA, VoltageV: cfg.VoltageV, Phases: cfg.Phases}
	return c
}

// Config returns the hardware configuration.
func (c *Charger) Config() Config { return c.cfg }

// Snapshot returns the state as a device would report it: frozen while the
// charger is in FaultStuck.
func (c *Charger) Snapshot() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen != nil {
		s := *c.frozen
		s.Fault = c.st.Fault
		return s
	}
	return c.st
}

// Step advances the physics to now: the current follows the limit in force,
// energy integrates, the SoC rises, and an expired watchdog falls back to
// the safe current.
func (c *Charger) Step(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dt := now.Sub(c.now)
	if dt <= 0 {
		return
	}
	c.now = now
	st := &c.st
	st.WatchdogExpired = c.cfg.Watchdog > 0 && now.Sub(c.setpointAt) > c.cfg.Watchdog
	st.LimitA = min(st.SetpointA, c.cfg.MaxCurrentA)
	if st.WatchdogExpired {
		st.LimitA = c.cfg.SafeCurrentA
	}
	st.CurrentA = 0
	if st.Plugged && st.Available && !st.Paused && st.Fault != FaultCharger && st.SoC < 100 && st.LimitA >= c.minCurrentA {
		st.CurrentA = min(st.LimitA, c.cfg.EV.MaxCurrentA)
	}
	st.PowerW = st.CurrentA * st.VoltageV * float64(st.Phases)
	// A step longer than the time to full charges only what the battery takes.
	wh := min(st.PowerW*dt.Hours(), (100-st.SoC)/100*c.cfg.EV.CapacityWh)
	st.EnergyWh += wh
	st.SessionWh += wh
	st.SoC = min(100, st.SoC+100*wh/c.cfg.EV.CapacityWh)
	if st.SoC >= 100 {
		st.CurrentA, st.PowerW = 0, 0
	}
	st.Charging = st.CurrentA > 0
	// Suspended: plugged in but not drawing, by the EV (full) or the EVSE.
	st.Suspended = st.Plugged && !st.Charging
}

// Plug connects the EV (true) or disconnects it.
func (c *Charger) Plug(in bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in && !c.st.Plugged {
		c.st.SoC = c.cfg.EV.InitialSoC
		c.st.SessionWh = 0
	}
	c.st.Plugged = in
	if !in {
		c.st.CurrentA, c.st.PowerW, c.st.Charging, c.st.Suspended = 0, 0, false, false
	}
}

// SetCurrentLimit writes the current setpoint, which also feeds the watchdog.
func (c *Charger) SetCurrentLimit(a float64) error {
	if a < 0 || a > 1000 {
		return fmt.Errorf("current limit %g A out of range 0..1000", a)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.SetpointA = a
	c.setpointAt = c.now
	return nil
}

// SetAvailable makes the charger operative or inoperative.
func (c *Charger) SetAvailable(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Available = on
}

// SetFault puts the charger in a fault mode; FaultNone clears it.
func (c *Charger) SetFault(f Fault) error {
	known := false
	for _, k := range Faults {
		known = known || k == f
	}
	if !known {
		return fmt.Errorf("unknown fault %q; known: silent, exception, stuck, charger, or empty to clear", f)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Fault = f
	c.frozen = nil
	if f == FaultStuck {
		s := c.st
		c.frozen = &s
	}
	return nil
}

// SetPaused stops (true) or resumes charging by command.
func (c *Charger) SetPaused(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Paused = on
}

// Feed restarts the watchdog without changing the setpoint, as a keep-alive
// write (KEBA failsafe timeout, Schneider lifebit) does.
func (c *Charger) Feed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setpointAt = c.now
}
