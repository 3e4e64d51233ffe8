package sim

import "fmt"

// ABB is the ABB Terra AC register map (firmware ≥ 1.6.5): holding registers
// 0x4000..0x401F, 32-bit unsigned values high word first, and the current
// limit written at 0x4100 in mA.
type ABB struct {
	C      *Charger
	Unit   uint8
	Serial string
}

const (
	abbBase      = 0x4000
	abbEnd       = 0x4020
	abbSetLimit  = 0x4100
	abbStartStop = 0x4105
)

// Model implements RegisterMap.
func (a *ABB) Model() string { return "abb-terra-ac" }

// Units implements RegisterMap.
func (a *ABB) Units() []uint8 { return []uint8{a.Unit} }

func (a *ABB) image() regs {
	s := a.C.Snapshot()
	r := regs{}
	r.ascii(abbBase, 4, a.Serial)
	r.u32(0x4004, 1<<24|7<<16|2<<8) // firmware 1.7.2
	r.u32(0x4006, uint32(a.C.Config().MaxCurrentA*1000))
	var errCode uint32
	if s.Fault == FaultCharger {
		errCode = 0x10
	}
	r.u32(0x4008, errCode)
	var lock uint32
	if s.Plugged {
		lock = 0x0101
	}
	r.u32(0x400A, lock)
	r.u32(0x400C, uint32(abbChargingState(s))<<8)
	r.u32(0x400E, uint32(s.LimitA*1000))
	for i := range 3 {
		cur, volt := 0.0, s.VoltageV
		if i < s.Phases {
			cur = s.CurrentA
		}
		r.u32(0x4010+uint16(2*i), uint32(cur*1000))
		r.u32(0x4016+uint16(2*i), uint32(volt*10))
	}
	r.u32(0x401C, uint32(s.PowerW))
	r.u32(0x401E, uint32(s.SessionWh))
	return r
}

// abbChargingState is IEC 61851 as ABB encodes it (devices.md §4.1): 0 A,
// 1 B1 (plugged, awaiting authorization: a 0 limit before any charge), 2 B2,
// 3 C1 (EV ready, no PWM: a 0 limit mid-session), 4 C2 charging.
func abbChargingState(s State) uint8 { return abbStates[s.IEC61851] }

var abbStates = map[string]uint8{"A": 0, "B1": 1, "B2": 2, "C1": 3, "C2": 4}

// Read implements RegisterMap.
func (a *ABB) Read(unit uint8, addr, qty uint16) ([]uint16, error) {
	if unit != a.Unit {
		return nil, fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	return a.image().window(addr, qty, abbBase, abbEnd, 0)
}

// Write implements RegisterMap.
func (a *ABB) Write(unit uint8, addr uint16, values []uint16) error {
	if unit != a.Unit {
		return fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	switch {
	case addr == abbSetLimit && len(values) == 2:
		return a.C.SetCurrentLimit(float64(words32(values)) / 1000)
	case addr == abbStartStop && len(values) == 1:
		return nil
	}
	return fmt.Errorf("%w: write of %d registers at 0x%04X", ErrIllegalAddress, len(values), addr)
}
