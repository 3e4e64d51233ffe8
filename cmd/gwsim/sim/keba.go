package sim

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"sync"
)

// KEBA is the KEBA KeContact P30 register map: unit 255, 32-bit holding
// registers read one value (two registers) at a time, since the charger
// refuses reads across value boundaries; single-register writes at 5004
// (current, mA), 5014 (enable) and 5018 (failsafe timeout, s).
type KEBA struct {
	C      *Charger
	Serial uint32

	mu        sync.Mutex
	failsafeS uint16
}

const (
	kebaUnit     = 255
	kebaCurrent  = 5004
	kebaEnable   = 5014
	kebaFailsafe = 5018
	kebaRFID     = 1500
	// Product code 1016: P30 (3xxxxx), digit 5 ≠ 0 meter present, digit 6
	// = 1 RFID reader (devices.md §4.4).
	kebaProduct     = 310010
	kebaProductRFID = 310011
)

// Model implements RegisterMap.
func (k *KEBA) Model() string { return "keba-p30" }

// Units implements RegisterMap.
func (k *KEBA) Units() []uint8 { return []uint8{kebaUnit} }

// FailsafeTimeout is the last failsafe timeout written (5018), in seconds.
func (k *KEBA) FailsafeTimeout() uint16 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.failsafeS
}

func (k *KEBA) image() regs {
	s := k.C.Snapshot()
	r := regs{}
	r.u32(1000, kebaState(s))
	cable := uint32(1) // cable at the station
	if s.Plugged {
		cable = 7 // cable at station and EV, locked
	}
	r.u32(1004, cable)
	for i := range 3 {
		cur := 0.0
		if i < s.Phases {
			cur = s.CurrentA
		}
		r.u32(1008+uint16(2*i), uint32(cur*1000))
		r.u32(1040+uint16(2*i), uint32(s.VoltageV))
	}
	r.u32(1014, k.Serial)
	product, card := uint32(kebaProduct), uint32(0)
	if k.C.Config().RFIDReader {
		product = kebaProductRFID
		if s.Card != "" {
			card = kebaCard(s.Card)
		}
	}
	r.u32(1016, product)
	r.u32(kebaRFID, card)
	r.u32(1018, 3<<24|10<<16|42<<8) // firmware 3.10.42
	r.u32(1020, uint32(s.PowerW*1000))
	r.u32(1036, uint32(s.EnergyWh*10))
	r.u32(1502, uint32(s.SessionWh*10))
	r.u32(1602, uint32(k.FailsafeTimeout()))
	return r
}

// kebaState is register 1000 (devices.md §4.4): 1 not ready (no car, or
// not authorized: disabled or no current before the EV charged), 2 ready
// (offered, the EV takes nothing), 3 charging, 4 error, 5 interrupted
// (suspended by the station after the EV charged).
func kebaState(s State) uint32 {
	if s.Fault == FaultCharger {
		return 4
	}
	return kebaStates[s.IEC61851]
}

var kebaStates = map[string]uint32{"A": 1, "B1": 1, "B2": 2, "C1": 5, "C2": 3}

// kebaCard is the UID PresentCard checked (8 hex digits) as 1500 holds it:
// four bytes, first byte in the high byte of the first register.
func kebaCard(uid string) uint32 {
	b, _ := hex.DecodeString(uid)
	return binary.BigEndian.Uint32(b)
}

// Read implements RegisterMap.
func (k *KEBA) Read(unit uint8, addr, qty uint16) ([]uint16, error) {
	if unit != kebaUnit {
		return nil, fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	img := k.image()
	if _, ok := img[addr]; !ok || qty != 2 || addr%2 != 0 { // values start at even addresses
		return nil, fmt.Errorf("%w: %d registers at %d (one 32-bit value per read)", ErrIllegalAddress, qty, addr)
	}
	return img.window(addr, qty, 1000, 1604, 0)
}

// Write implements RegisterMap.
func (k *KEBA) Write(unit uint8, addr uint16, values []uint16) error {
	if unit != kebaUnit {
		return fmt.Errorf("%w %d", ErrUnknownUnit, unit)
	}
	if len(values) != 1 {
		return fmt.Errorf("%w: write of %d registers at %d", ErrIllegalAddress, len(values), addr)
	}
	v := values[0]
	switch addr {
	case kebaCurrent:
		return k.C.SetCurrentLimit(float64(v) / 1000)
	case kebaEnable:
		if v > 1 {
			return fmt.Errorf("%w: enable %d", ErrIllegalValue, v)
		}
		k.C.SetPaused(v == 0)
		return nil
	case kebaFailsafe:
		k.mu.Lock()
		k.failsafeS = v
		k.mu.Unlock()
		k.C.Feed()
		return nil
	}
	return fmt.Errorf("%w: write at %d", ErrIllegalAddress, addr)
}
