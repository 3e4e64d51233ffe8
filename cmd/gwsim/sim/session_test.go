package sim

import (
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"
)

// TestSessionStates walks one charger through what a gateway does to a
// session: held at 0 A until authorized, released, suspended by the EVSE
// and by the EV, unplugged, and a second session. The EV draws only while
// the charger offers at least 6 A and is enabled, and the lifetime energy
// carries over from one session to the next.
func TestSessionStates(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 3, EV: EV{CapacityWh: 60000, MaxCurrentA: 32, InitialSoC: 20}}, t0)
	now := t0
	step := func(d time.Duration) State {
		now = now.Add(d)
		c.Step(now)
		return c.Snapshot()
	}
	check := func(what string, s State, pilot string, powerW float64) {
		t.Helper()
		if s.IEC61851 != pilot || s.PowerW != powerW || s.Charging != (powerW > 0) || s.Suspended != (s.Plugged && powerW == 0) {
			t.Fatalf("%s: pilot %s power %g charging %t suspended %t, want %s at %g W", what, s.IEC61851, s.PowerW, s.Charging, s.Suspended, pilot, powerW)
		}
	}
	check("no EV", step(time.Second), "A", 0)
	c.SetCurrentLimit(0) // the gateway holds the charger until authorized
	c.Plug(true)
	check("plugged, held at 0 A", step(time.Minute), "B1", 0)
	c.SetCurrentLimit(5)
	check("5 A is below the 6 A minimum", step(time.Minute), "B1", 0)
	if e := c.Snapshot().EnergyWh; e != 0 {
		t.Fatalf("%g Wh charged while held", e)
	}
	c.SetCurrentLimit(16)
	check("authorized at 16 A", step(30*time.Minute), "C2", 16*230*3)
	if s := c.Snapshot(); s.EnergyWh != 16*230*3/2 || s.SessionWh != s.EnergyWh {
		t.Fatalf("30 min at 11 040 W: lifetime %g Wh, session %g Wh, want 5520", s.EnergyWh, s.SessionWh)
	}
	c.SetCurrentLimit(0)
	check("a 0 A limit mid-session", step(time.Minute), "C1", 0)
	c.SetCurrentLimit(16)
	c.SetPaused(true)
	check("disabled mid-session", step(time.Minute), "C1", 0)
	c.SetPaused(false)
	check("enabled again", step(time.Minute), "C2", 16*230*3)
	if err := c.SetEVPaused(true); err != nil {
		t.Fatal(err)
	}
	check("the EV pauses", step(time.Minute), "B2", 0)
	c.SetCurrentLimit(0)
	check("the EV paused, then the charger withdraws", step(time.Minute), "B1", 0)
	c.SetCurrentLimit(16)
	c.SetEVPaused(false)
	check("the EV resumes", step(time.Minute), "C2", 16*230*3)
	first := c.Snapshot().EnergyWh

	c.Plug(false)
	check("unplugged", step(time.Minute), "A", 0)
	if err := c.SetEVPaused(true); err == nil {
		t.Error("an EV that is not there paused")
	}
	c.Plug(true)
	s := step(6 * time.Minute)
	check("second session", s, "C2", 16*230*3)
	if s.EnergyWh != first+1104 || s.SessionWh != 1104 {
		t.Fatalf("second session: lifetime %g Wh (first %g), session %g Wh; want +1104 and 1104", s.EnergyWh, first, s.SessionWh)
	}
	c.SetAvailable(false)
	check("inoperative", step(time.Minute), "C1", 0)
}

// TestRegisterMapsShowSessionStates: each Modbus model reports the held,
// charging and suspended states in its own encoding (devices.md §4).
func TestRegisterMapsShowSessionStates(t *testing.T) {
	type phase struct{ held, charging, evse, ev uint32 }
	for _, tc := range []struct {
		name string
		m    func(*Charger) RegisterMap
		unit uint8
		read func(*smb.ModbusClient) (uint32, error)
		want phase
	}{
		{"abb 0x400C", func(c *Charger) RegisterMap { return &ABB{C: c, Unit: 1} }, 1,
			func(cl *smb.ModbusClient) (uint32, error) {
				v, err := cl.ReadUint32(0x400C, smb.HOLDING_REGISTER)
				return v >> 8 & 0x7F, err
			}, phase{1, 4, 3, 2}},
		{"keba 1000", func(c *Charger) RegisterMap { return &KEBA{C: c} }, 255,
			func(cl *smb.ModbusClient) (uint32, error) { return cl.ReadUint32(1000, smb.HOLDING_REGISTER) },
			phase{1, 3, 5, 2}},
		{"alfen 1201", func(c *Charger) RegisterMap { return &Alfen{C: c} }, 1,
			func(cl *smb.ModbusClient) (uint32, error) {
				v, err := cl.ReadRegisters(1201, 1, smb.HOLDING_REGISTER)
				if err != nil {
					return 0, err
				}
				return uint32(v[0]), nil
			}, phase{'B'<<8 | '1', 'C'<<8 | '2', 'C'<<8 | '1', 'B'<<8 | '2'}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCharger(Config{MaxCurrentA: 32, Phases: 3}, t0)
			d, err := ServeTCP("127.0.0.1:0", tc.m(c), c)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			cl := client(t, d, tc.unit)
			now := t0
			expect := func(what string, want uint32) {
				t.Helper()
				now = now.Add(time.Second)
				c.Step(now)
				if got, err := tc.read(cl); err != nil || got != want {
					t.Fatalf("%s: read %d (%v), want %d", what, got, err, want)
				}
			}
			c.SetCurrentLimit(0)
			c.Plug(true)
			expect("held", tc.want.held)
			c.SetCurrentLimit(16)
			expect("charging", tc.want.charging)
			c.SetCurrentLimit(0)
			expect("suspended by the EVSE", tc.want.evse)
			c.SetCurrentLimit(16)
			c.SetEVPaused(true)
			expect("suspended by the EV", tc.want.ev)
		})
	}
}

// TestKEBALifetimeAndSessionEnergy: 1036 counts on across sessions, 1502
// starts again at each plug-in.
func TestKEBALifetimeAndSessionEnergy(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 3}, t0)
	read := serveKEBA(t, c)
	c.Plug(true)
	c.Step(t0.Add(time.Hour)) // 32 A x 3 x 230 V for an hour
	if total, session := read(1036), read(1502); total != 220800 || session != 220800 {
		t.Fatalf("after one hour: total %d, session %d (0.1 Wh), want 220800", total, session)
	}
	c.Plug(false)
	c.Step(t0.Add(2 * time.Hour))
	c.Plug(true)
	c.Step(t0.Add(2*time.Hour + 30*time.Minute))
	if total, session := read(1036), read(1502); total != 331200 || session != 110400 {
		t.Fatalf("second session: total %d, session %d (0.1 Wh), want 331200 and 110400", total, session)
	}
}

// serveKEBA serves c as a KEBA over Modbus TCP and returns a reader of one
// 32-bit value, as the charger allows.
func serveKEBA(t *testing.T, c *Charger) func(addr uint16) uint32 {
	t.Helper()
	d, err := ServeTCP("127.0.0.1:0", &KEBA{C: c}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cl := client(t, d, 255)
	return func(addr uint16) uint32 {
		t.Helper()
		v, err := cl.ReadUint32(addr, smb.HOLDING_REGISTER)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
