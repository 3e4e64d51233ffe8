package sim

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
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
	// RFIDReader: the charger has a card reader (PresentCard).
	RFIDReader bool
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
	Paused bool `json:"paused"`
	// EVPaused: the EV stops asking for energy (its own timer or a full
	// battery management decision) while the charger still offers it.
	EVPaused  bool    `json:"evPaused"`
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
	// IEC61851 is the control pilot state: A no EV; B1 plugged, the EVSE
	// offers nothing (waiting for authorization or a limit); B2 the EVSE
	// offers current, the EV takes none; C1 the EV asks for energy, the
	// EVSE withdrew its offer (suspended by the EVSE); C2 charging.
	IEC61851 string `json:"iec61851"`
	// Card is the UID (8 hex digits) of the RFID card last presented, kept
	// until the EV is unplugged; empty when none.
	Card string `json:"card,omitempty"`
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
	// asked: the EV has charged since it was plugged in, so it keeps
	// asking (C1) when the EVSE withdraws its offer.
	asked bool
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
	c.st = State{Available: true, SetpointA: cfg.MaxCurrentA, LimitA: cfg.MaxCurrentA, VoltageV: cfg.VoltageV, Phases: cfg.Phases, IEC61851: "A"}
	return c
}

// Config returns the hardware configuration.
func (c *Charger) Config() Config { return c.cfg }

// Snapshot returns the state as a device would report it: frozen while the
// charger is in FaultStuck.
func (c *Charger) Snapshot() State {
	return SnapshotAll([]*Charger{c})[0]
}

// SnapshotAll returns the states of cs at one moment: it holds every
// charger's lock while it reads them, so a reader never sees one charger's
// change without another's that came before it.
func SnapshotAll(cs []*Charger) []State {
	for _, c := range cs {
		c.mu.Lock()
	}
	out := make([]State, len(cs))
	for i, c := range cs {
		out[i] = c.st
		if c.frozen != nil {
			out[i] = *c.frozen
			out[i].Fault = c.st.Fault
		}
	}
	for _, c := range cs {
		c.mu.Unlock()
	}
	return out
}

// Step advances the physics to now: the current follows the limit in force,
// energy integrates, the SoC rises, and an expired watchdog falls back to
// the safe current. The power found at a step counts for the whole step
// before it, so a command lands at most one step early in the energy.
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
	if c.offering() && c.evWants() {
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
	c.asked = (c.asked || st.Charging) && c.evWants()
	// Suspended: plugged in but not drawing, by the EV (full) or the EVSE.
	st.Suspended = st.Plugged && !st.Charging
	st.IEC61851 = c.pilot()
}

// offering: the EVSE offers current (PWM on): enabled, operative, no
// fault, and a limit the EV may draw (IEC 61851: at least 6 A).
func (c *Charger) offering() bool {
	st := &c.st
	return st.Plugged && st.Available && !st.Paused && st.Fault != FaultCharger && st.LimitA >= c.minCurrentA
}

// evWants: the plugged EV asks for energy.
func (c *Charger) evWants() bool {
	return c.st.Plugged && !c.st.EVPaused && c.st.SoC < 100
}

// pilot is the IEC 61851 state the charger shows.
func (c *Charger) pilot() string {
	switch {
	case !c.st.Plugged:
		return "A"
	case c.st.Charging:
		return "C2"
	case c.offering():
		return "B2"
	case c.asked:
		return "C1"
	}
	return "B1"
}

// Plug connects the EV (true) or disconnects it.
func (c *Charger) Plug(in bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if in && !c.st.Plugged {
		c.st.SoC = c.cfg.EV.InitialSoC
		c.st.SessionWh = 0
		c.st.EVPaused = false
		c.st.IEC61851 = "B1" // until the next step shows what the EVSE offers
	}
	if !in && c.st.Plugged {
		c.st.Card = "" // the session the card authorized is over
	}
	c.st.Plugged = in
	if !in {
		c.st.CurrentA, c.st.PowerW, c.st.Charging, c.st.Suspended = 0, 0, false, false
		c.st.IEC61851, c.asked = "A", false
	}
}

// SetEVPaused makes the plugged EV stop (true) or resume asking for energy,
// as an EV's own charge timer does: the charger shows suspended by the EV.
func (c *Charger) SetEVPaused(on bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.st.Plugged {
		return errors.New("no EV is plugged in")
	}
	c.st.EVPaused = on
	return nil
}

// PresentCard holds an RFID card with the given UID (8 hex digits, the
// 4-byte UID KEBA reports at register 1500) to the charger's reader; ""
// takes it away. The charger does not act on it: authorizing is the
// gateway's job.
func (c *Charger) PresentCard(uid string) error {
	if !c.cfg.RFIDReader {
		return errors.New("this charger has no RFID reader")
	}
	if uid != "" {
		b, err := hex.DecodeString(uid)
		if err != nil || len(b) != 4 || binary.BigEndian.Uint32(b) == 0 {
			return fmt.Errorf("card UID %q: want 8 hex digits (a 4-byte UID), not all zero", uid)
		}
		uid = strings.ToUpper(uid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.Card = uid
	return nil
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
