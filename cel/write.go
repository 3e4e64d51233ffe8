package cel

import (
	"fmt"
	"reflect"
	"slices"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// WriteKind says which device operation a Write is.
type WriteKind string

// The write kinds.
const (
	WriteRegisters WriteKind = "registers" // Modbus FC16, Write Multiple Registers
	WriteRegister  WriteKind = "register"  // Modbus FC06, Write Single Register
	WriteCoil      WriteKind = "coil"      // Modbus FC05, Write Single Coil
	WriteCoils     WriteKind = "coils"     // Modbus FC15, Write Multiple Coils
	WriteEPC       WriteKind = "epc"       // ECHONET Lite SetC of one property
	WriteKey       WriteKind = "key"       // one key of a keyed API set to a JSON value (HTTP/JSON chargers)
)

// Write is one device write a command computed. It is the contract with the
// drivers: every field is range-checked when the expression builds it, so a
// driver can send it as is.
type Write struct {
	Kind WriteKind
	// Unit overrides the charger's Modbus unit id (0..255); nil keeps it.
	Unit    *int
	Address uint16   // Modbus PDU address (registers, register, coil, coils)
	Words   []uint16 // registers: 1..123 values from Address on; register: exactly one
	Coil    bool     // coil: the state to write
	Coils   []bool   // coils: 1..1968 states from Address on
	EPC     byte     // epc: property code, 0x80..0xFF
	Data    []byte   // epc: property data, 1..255 bytes
	Key     string   // key: the API key to set
	Value   []byte   // key: its new value, one JSON scalar (number, string, bool or null)
}

func (w Write) String() string {
	unit := ""
	if w.Unit != nil {
		unit = fmt.Sprintf(" unit %d", *w.Unit)
	}
	switch w.Kind {
	case WriteRegisters:
		return fmt.Sprintf("write%s %d %v", unit, w.Address, w.Words)
	case WriteRegister:
		return fmt.Sprintf("writeRegister%s %d %v", unit, w.Address, w.Words)
	case WriteCoil:
		return fmt.Sprintf("writeCoil%s %d %t", unit, w.Address, w.Coil)
	case WriteCoils:
		return fmt.Sprintf("writeCoils%s %d %v", unit, w.Address, w.Coils)
	case WriteEPC:
		return fmt.Sprintf("setEPC 0x%02X % X", w.EPC, w.Data)
	case WriteKey:
		return fmt.Sprintf("set %s=%s", w.Key, w.Value)
	}
	return "write of unknown kind " + string(w.Kind)
}

// Limits of one write, from the Modbus and ECHONET Lite frame formats.
const (
	maxWriteWords = 123  // FC16 quantity limit
	maxWriteCoils = 1968 // FC15 quantity limit
	maxEPCData    = 255  // PDC is one byte
)

// writeType is the CEL type of a Write; templates never name it, they only
// build values of it and return them in a list.
var writeType = celgo.OpaqueType("ocppgw.Write")

// writeVal carries a Write through CEL.
type writeVal struct{ w Write }

func (v writeVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeOf(Write{}) {
		return v.w, nil
	}
	return nil, fmt.Errorf("cel: cannot convert a write to %v", t)
}

func (v writeVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return writeType
	}
	return types.NewErr("cannot convert a write to %s", t.TypeName())
}

func (v writeVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(writeVal)
	return types.Bool(ok && reflect.DeepEqual(v.w, o.w))
}

func (v writeVal) Type() ref.Type { return writeType }
func (v writeVal) Value() any     { return v.w }

// writeFuncs are the write builders of protocol. Each protocol gets only its
// own, so a Modbus template cannot compile a setEPC.
func writeFuncs(protocol string) []celgo.EnvOption {
	i := celgo.IntType
	if protocol == v1alpha1.ProtocolEchonet {
		return []celgo.EnvOption{celgo.Function("setEPC",
			celgo.Overload("setEPC_int_bytes", []*celgo.Type{i, celgo.BytesType}, writeType,
				celgo.BinaryBinding(setEPC)))}
	}
	return []celgo.EnvOption{
		celgo.Function("write",
			celgo.Overload("write_int_list", []*celgo.Type{i, celgo.ListType(i)}, writeType,
				celgo.BinaryBinding(writeRegisters)), noListGuard),
		celgo.Function("writeRegister",
			celgo.Overload("writeRegister_int_int", []*celgo.Type{i, i}, writeType,
				celgo.BinaryBinding(writeRegister))),
		celgo.Function("writeCoil",
			celgo.Overload("writeCoil_int_bool", []*celgo.Type{i, celgo.BoolType}, writeType,
				celgo.BinaryBinding(writeCoil))),
		celgo.Function("writeCoils",
			celgo.Overload("writeCoils_int_list", []*celgo.Type{i, celgo.ListType(celgo.BoolType)}, writeType,
				celgo.BinaryBinding(writeCoils)), noListGuard),
		celgo.Function("unit",
			celgo.MemberOverload("write_unit_int", []*celgo.Type{writeType, i}, writeType,
				celgo.BinaryBinding(withUnit))),
	}
}

func address(fn string, v ref.Val) (uint16, ref.Val) {
	ax, ok := v.(types.Int)
	if !ok {
		return 0, types.NewErr("%s: address must be an int, got %s", fn, v.Type().TypeName())
	}
	a := int64(ax)
	if a < 0 || a > 0xFFFF {
		return 0, types.NewErr("%s: address %d out of range 0..65535", fn, a)
	}
	return uint16(a), nil
}

// span checks the address and list of a multiple write: fn names the
// builder, what its elements ("words", "coils"), at what they are written
// to ("registers", "coils"), limit the quantity limit.
func span(fn, what, at string, addr, list ref.Val, limit int64) (uint16, traits.Lister, ref.Val) {
	a, err := address(fn, addr)
	if err != nil {
		return 0, nil, err
	}
	l, ok := list.(traits.Lister)
	if !ok {
		return 0, nil, types.NewErr("%s: want a list of %s, got %s", fn, what, list.Type().TypeName())
	}
	n := int64(l.Size().(types.Int))
	if n < 1 || n > limit {
		return 0, nil, types.NewErr("%s: %d %s, want 1..%d", fn, n, what, limit)
	}
	if int64(a)+n > 0x10000 {
		return 0, nil, types.NewErr("%s: %s %d..%d run past address 65535", fn, at, a, int64(a)+n-1)
	}
	return a, l, nil
}

func writeRegisters(addr, words ref.Val) ref.Val {
	a, l, err := span("write", "words", "registers", addr, words, maxWriteWords)
	if err != nil {
		return err
	}
	w := Write{Kind: WriteRegisters, Address: a, Words: make([]uint16, l.Size().(types.Int))}
	for k := range w.Words {
		r, err := wordsAt("write", l, types.Int(k), 1)
		if err != nil {
			return err
		}
		w.Words[k] = r[0]
	}
	return writeVal{w}
}

// writeRegister is FC06, for devices that refuse FC16 on a single register.
func writeRegister(addr, value ref.Val) ref.Val {
	a, err := address("writeRegister", addr)
	if err != nil {
		return err
	}
	v, ok := value.(types.Int)
	if !ok {
		return types.NewErr("writeRegister: value must be an int, got %s", value.Type().TypeName())
	}
	w, err := word("writeRegister", v, -1)
	if err != nil {
		return err
	}
	return writeVal{Write{Kind: WriteRegister, Address: a, Words: []uint16{w}}}
}

func writeCoils(addr, states ref.Val) ref.Val {
	a, l, err := span("writeCoils", "coils", "coils", addr, states, maxWriteCoils)
	if err != nil {
		return err
	}
	n := int64(l.Size().(types.Int))
	w := Write{Kind: WriteCoils, Address: a, Coils: make([]bool, n)}
	for k := range n {
		b, ok := l.Get(types.Int(k)).(types.Bool)
		if !ok {
			return types.NewErr("writeCoils: element %d is %s, want a bool", k, l.Get(types.Int(k)).Type().TypeName())
		}
		w.Coils[k] = bool(b)
	}
	return writeVal{w}
}

func writeCoil(addr, on ref.Val) ref.Val {
	a, err := address("writeCoil", addr)
	if err != nil {
		return err
	}
	return writeVal{Write{Kind: WriteCoil, Address: a, Coil: bool(on.(types.Bool))}}
}

func withUnit(target, unit ref.Val) ref.Val {
	w := target.(writeVal).w
	u := int(unit.(types.Int))
	if u < 0 || u > 255 {
		return types.NewErr("unit: unit id %d out of range 0..255", u)
	}
	w.Unit = &u
	return writeVal{w}
}

func setEPC(code, data ref.Val) ref.Val {
	c := int64(code.(types.Int))
	if c < 0x80 || c > 0xFF {
		return types.NewErr("setEPC: EPC 0x%X out of range 0x80..0xFF", c)
	}
	d := []byte(data.(types.Bytes))
	if len(d) < 1 || len(d) > maxEPCData {
		return types.NewErr("setEPC: %d data bytes, want 1..%d", len(d), maxEPCData)
	}
	return writeVal{Write{Kind: WriteEPC, EPC: byte(c), Data: slices.Clone(d)}}
}

// writesOf converts a command's result (one write or a list of them) to Go.
func writesOf(out ref.Val) ([]Write, error) {
	if w, ok := out.(writeVal); ok {
		return []Write{w.w}, nil
	}
	l, ok := out.(traits.Lister)
	if !ok {
		return nil, fmt.Errorf("result is %s, want a list of writes", out.Type().TypeName())
	}
	n := int(l.Size().(types.Int))
	ws := make([]Write, 0, n)
	for k := range n {
		w, ok := l.Get(types.Int(k)).(writeVal)
		if !ok {
			return nil, fmt.Errorf("result element %d is %s, want a write", k, l.Get(types.Int(k)).Type().TypeName())
		}
		ws = append(ws, w.w)
	}
	return ws, nil
}
