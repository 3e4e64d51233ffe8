package sim

import (
	"fmt"
	"sync"
)

// Schneider is the Schneider EVlink Pro AC register map: unit 255, floats
// and 64-bit counters least significant register first, a lifebit at 4000
// whose writes keep remote control (the watchdog) alive, and the current
// setpoint at 4004 in whole amps.
type Schneider struct {
	C *Charger

	mu      sync.Mutex
	lifebit uint16
	command uint16
}

const (
	schneiderUnit     = 255
	schneiderLifebit  = 4000
	schneiderCommand  = 4001
	schneiderSetpoint = 4004
	schneiderEnd      = 4020
)

// Model implements RegisterMap.
func (m *Schneider) Model() string { return "schneider-evlink" }

// Units implements RegisterMap.
func (m *Schneider) Units() []uint8 { return []uint8{schneiderUnit} }

// Lifebit is the last value written to 4000.
func (m *Schneider) Lifebit() uint16 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lifebit
}

func (m *Schneider) image() regs {
	s := m.C.Snapshot()
	r := regs{}
	r.u16(1, schneiderEVState(s))
	presence := uint16(0)
	if s.Plugged {
		presence = 1
	}
	r.u16(1150, presence)
	for i := range 3 {
		cur := 0.0
		if i < s.Phases {
			cur = s.CurrentA
		}
		r.f32ws(2999+uint16(2*i), float32(cur))
		r.f32ws(3027+uint16(2*i), float32(s.VoltageV))
	}
	r.f32ws(3059, float32(s.PowerW/1000))
	r.u64ws(3203, uint64(s.EnergyWh))
	m.mu.Lock()
	r.u16(schneiderLifebit, m.lifebit)
	r.u16(schneiderCommand, m.command)
	m.mu.Unlock()
	r.u16(schneiderSetpoint, uint16(s.LimitA))
	return r
}

// schneiderEVState is register 1: 1 no vehicle, 5 connected, 8 charging.
func schneiderEVState(s State) uint16 {
	switch {
	case !s.Plugged:
		return 1
	case s.Charging:
		return 8
	}
	return 5
}

// Read implements RegisterMap.
func (m *Schneider) Read(unit uint8, addr, qty uint16) ([]uint16, error) {
	if unit != schneiderUnit {
		return nil, fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	return m.image().window(addr, qty, 0, schneiderEnd, 0)
}

// Write implements RegisterMap.
func (m *Schneider) Write(unit uint8, addr uint16, values []uint16) error {
	if unit != schneiderUnit {
		return fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	if len(values) != 1 {
		return fmt.Errorf("%w: write of %d registers at %d", ErrIllegalAddress, len(values), addr)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch addr {
	case schneiderLifebit:
		m.lifebit = values[0]
		if values[0] == 1 {
			m.C.Feed()
		}
		return nil
	case schneiderCommand:
		m.command = values[0]
		return nil
	case schneiderSetpoint:
		return m.C.SetCurrentLimit(float64(values[0]))
	}
	return fmt.Errorf("%w: write at %d", ErrIllegalAddress, addr)
}
