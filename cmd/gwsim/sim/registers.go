package sim

import (
	"errors"
	"fmt"
	"math"
)

// Errors a register map returns; the Modbus server turns them into the
// matching exception codes.
var (
	ErrIllegalAddress  = errors.New("illegal data address")
	ErrIllegalValue    = errors.New("illegal data value")
	ErrIllegalFunction = errors.New("illegal function")
	ErrBusy            = errors.New("server device busy")
	ErrUnknownUnit     = errors.New("unknown unit id")
)

// RegisterMap is one charger model's Modbus holding-register interface.
type RegisterMap interface {
	// Model names the map ("abb-terra-ac").
	Model() string
	// Units are the unit ids the device answers.
	Units() []uint8
	Read(unit uint8, addr, qty uint16) ([]uint16, error)
	Write(unit uint8, addr uint16, values []uint16) error
}

// regs is a sparse register image built from one snapshot.
type regs map[uint16]uint16

func (r regs) u16(addr uint16, v uint16) { r[addr] = v }

func (r regs) u32(addr uint16, v uint32) {
	r[addr], r[addr+1] = uint16(v>>16), uint16(v)
}

func (r regs) f32(addr uint16, v float32) { r.u32(addr, math.Float32bits(v)) }

func (r regs) f64(addr uint16, v float64) {
	b := math.Float64bits(v)
	r.u32(addr, uint32(b>>32))
	r.u32(addr+2, uint32(b))
}

// ascii writes s two characters per register, high byte first, padded with
// NULs to n registers.
func (r regs) ascii(addr uint16, n int, s string) {
	for i := range n {
		var hi, lo byte
		if 2*i < len(s) {
			hi = s[2*i]
		}
		if 2*i+1 < len(s) {
			lo = s[2*i+1]
		}
		r[addr+uint16(i)] = uint16(hi)<<8 | uint16(lo)
	}
}

// window reads qty registers from addr out of the image. Registers inside
// [lo, hi) that the image lacks read as fill; anything outside is an
// illegal address, as a real device answers.
func (r regs) window(addr, qty, lo, hi uint16, fill uint16) ([]uint16, error) {
	end := int(addr) + int(qty)
	if qty == 0 || addr < lo || end > int(hi) {
		return nil, fmt.Errorf("%w: %d registers at %d (readable %d..%d)", ErrIllegalAddress, qty, addr, lo, hi-1)
	}
	out := make([]uint16, qty)
	for i := range out {
		v, ok := r[addr+uint16(i)]
		if !ok {
			v = fill
		}
		out[i] = v
	}
	return out, nil
}

func words32(values []uint16) uint32 { return uint32(values[0])<<16 | uint32(values[1]) }

// u32ws writes v least significant register first (word-swapped).
func (r regs) u32ws(addr uint16, v uint32) {
	r[addr], r[addr+1] = uint16(v), uint16(v>>16)
}

func (r regs) f32ws(addr uint16, v float32) { r.u32ws(addr, math.Float32bits(v)) }

func (r regs) u64ws(addr uint16, v uint64) {
	r.u32ws(addr, uint32(v))
	r.u32ws(addr+2, uint32(v>>32))
}
