package sim

import (
	"fmt"
	"math"
)

// Alfen is the Alfen Eve (NG9xx) register map: unit 200 is the station,
// unit 1 its socket. Values are big-endian; floats are IEEE 754; registers
// inside a known range that hold nothing read 0xFFFF, as the real station's do.
type Alfen struct {
	C      *Charger
	Serial string
}

const (
	alfenStation    = 200
	alfenSocket     = 1
	alfenLo         = 100
	alfenHi         = 1300
	alfenSetpoint   = 1210
	alfenPhases     = 1215
	alfenValidityS  = 60
	alfenMeterState = 0x03 // initialised and updated
)

// Model implements RegisterMap.
func (a *Alfen) Model() string { return "alfen-eve" }

// Units implements RegisterMap.
func (a *Alfen) Units() []uint8 { return []uint8{alfenStation, alfenSocket} }

func (a *Alfen) station() regs {
	r := regs{}
	r.ascii(100, 17, "ALF-"+a.Serial)
	r.ascii(117, 5, "Alfen NV")
	r.ascii(123, 17, "6.4.0-4181")
	r.ascii(140, 17, "NG910")
	r.ascii(157, 11, a.Serial)
	r.f32(1100, float32(a.C.Config().MaxCurrentA))
	r.u16(1104, 0)
	r.u16(1105, 1)
	return r
}

func (a *Alfen) socket() regs {
	s := a.C.Snapshot()
	r := regs{}
	r.u16(300, alfenMeterState)
	for i := range 3 {
		cur := 0.0
		if i < s.Phases {
			cur = s.CurrentA
		}
		r.f32(306+uint16(2*i), float32(s.VoltageV))
		r.f32(320+uint16(2*i), float32(cur))
	}
	r.f32(344, float32(s.PowerW))
	r.f64(374, s.EnergyWh)
	avail := uint16(0)
	if s.Available {
		avail = 1
	}
	r.u16(1200, avail)
	r.ascii(1201, 5, alfenMode3(s))
	r.f32(1206, float32(s.LimitA))
	validity := uint32(0)
	if !s.WatchdogExpired {
		validity = alfenValidityS
	}
	r.u32(1208, validity)
	r.f32(alfenSetpoint, float32(s.SetpointA))
	r.f32(1212, float32(a.C.Config().SafeCurrentA))
	r.u16(1214, 1)
	r.u16(alfenPhases, uint16(s.Phases))
	return r
}

// alfenMode3 is the IEC 61851 state as the station spells it, F on a fault.
func alfenMode3(s State) string {
	if s.Fault == FaultCharger {
		return "F"
	}
	return s.IEC61851
}

// Read implements RegisterMap.
func (a *Alfen) Read(unit uint8, addr, qty uint16) ([]uint16, error) {
	switch unit {
	case alfenStation:
		return a.station().window(addr, qty, alfenLo, alfenHi, 0xFFFF)
	case alfenSocket:
		return a.socket().window(addr, qty, alfenLo, alfenHi, 0xFFFF)
	}
	return nil, fmt.Errorf("%w %d", ErrUnknownUnit, unit)
}

// Write implements RegisterMap. Multi-register values must come in one
// request, as on the real station.
func (a *Alfen) Write(unit uint8, addr uint16, values []uint16) error {
	if unit != alfenSocket {
		return fmt.Errorf("%w: unit %d is read-only", ErrIllegalAddress, unit)
	}
	switch {
	case addr == alfenSetpoint && len(values) == 2:
		f := float64(math.Float32frombits(words32(values)))
		if math.IsNaN(f) {
			return fmt.Errorf("%w: setpoint is NaN", ErrIllegalValue)
		}
		return a.C.SetCurrentLimit(f)
	case addr == alfenPhases && len(values) == 1 && (values[0] == 1 || values[0] == 3):
		return nil
	}
	return fmt.Errorf("%w: write of %d registers at %d", ErrIllegalAddress, len(values), addr)
}
