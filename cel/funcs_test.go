package cel

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"cel.dev/cel-go/common/types/ref"
)

// evalRaw compiles expr in kind (any output accepted) and evaluates it over
// in, returning CEL's own value so each function's result type is visible.
func evalRaw(t *testing.T, kind EnvKind, expr string, in *Input) (ref.Val, error) {
	t.Helper()
	env, err := environment(kind)
	if err != nil {
		t.Fatal(err)
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		t.Fatalf("compile %s: %v", expr, iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := prg.Eval(newActivation(kind.Protocol, kind.Command, in, Args{}))
	return out, err
}

type funcCase struct {
	expr    string
	regs    []uint16 // block "r"
	want    any      // int64, float64, string, bool or []byte
	wantErr string   // substring of the error; "" for success
}

func runFuncCases(t *testing.T, kind EnvKind, cases []funcCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.expr, func(t *testing.T) {
			out, err := evalRaw(t, kind, c.expr, &Input{Regs: map[string][]uint16{"r": c.regs}})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("%s = %v, %v; want error containing %q", c.expr, out, err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", c.expr, err)
			}
			if got := out.Value(); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("%s = %#v (%T), want %#v (%T)", c.expr, got, got, c.want, c.want)
			}
		})
	}
}

var modbusSignals = SignalEnv("modbus")

func TestRegisterDecoders(t *testing.T) {
	runFuncCases(t, modbusSignals, []funcCase{
		{`u16(regs["r"], 0)`, []uint16{0xFFFF}, int64(65535), ""},
		{`u16(regs["r"], 1)`, []uint16{1, 2}, int64(2), ""},
		{`s16(regs["r"], 0)`, []uint16{0xFFFF}, int64(-1), ""},
		{`s16(regs["r"], 0)`, []uint16{0x8000}, int64(-32768), ""},
		{`s16(regs["r"], 0)`, []uint16{0x7FFF}, int64(32767), ""},
		{`s16(regs["r"][0])`, []uint16{0xFF38}, int64(-200), ""},
		{`s16(70000)`, nil, nil, "s16: 70000 is not a 16-bit register value"},
		{`u32(regs["r"], 0)`, []uint16{0x0001, 0x0002}, int64(65538), ""},
		{`u32ws(regs["r"], 0)`, []uint16{0x0001, 0x0002}, int64(131073), ""},
		{`u32(regs["r"], 1)`, []uint16{9, 0xFFFF, 0xFFFF}, int64(4294967295), ""},
		{`s32(regs["r"], 0)`, []uint16{0xFFFF, 0xFFFE}, int64(-2), ""},
		{`s32ws(regs["r"], 0)`, []uint16{0xFFFE, 0xFFFF}, int64(-2), ""},
		{`s32(regs["r"], 0)`, []uint16{0x7FFF, 0xFFFF}, int64(math.MaxInt32), ""},
		{`u64(regs["r"], 0)`, []uint16{0, 0, 1, 2}, int64(65538), ""},
		{`u64ws(regs["r"], 0)`, []uint16{2, 1, 0, 0}, int64(65538), ""},
		{`u64(regs["r"], 0)`, []uint16{0x8000, 0, 0, 0}, nil, "u64: value 9223372036854775808 does not fit a CEL int"},
		{`s64(regs["r"], 0)`, []uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, int64(-1), ""},
		{`s64ws(regs["r"], 0)`, []uint16{0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF}, int64(-2), ""},
		{`f32(regs["r"], 0)`, []uint16{0x4366, 0x8000}, 230.5, ""},
		{`f32ws(regs["r"], 0)`, []uint16{0x8000, 0x4366}, 230.5, ""},
		{`f32(regs["r"], 0)`, []uint16{0xBFC0, 0x0000}, -1.5, ""},
		{`f64(regs["r"], 0)`, []uint16{0x4093, 0x4A00, 0, 0}, 1234.5, ""},
		{`f64ws(regs["r"], 0)`, []uint16{0, 0, 0x4A00, 0x4093}, 1234.5, ""},
		{`f64(regs["r"], 0)`, []uint16{0xBFD0, 0, 0, 0}, -0.25, ""},
		// Lists built in CEL take the generic path.
		{`u32([1, 2], 0)`, nil, int64(65538), ""},
		{`f32([0x4366, 0x8000], 0)`, nil, 230.5, ""},
		{`u16([70000], 0)`, nil, nil, "u16: register 0 holds 70000, not a 16-bit value"},
		{`u16([-1], 0)`, nil, nil, "u16: register 0 holds -1"},
		// Index errors name the function and the index.
		{`u16(regs["r"], 2)`, []uint16{1, 2}, nil, "u16: index 2 out of range (block has 2 registers)"},
		{`u16(regs["r"], -1)`, []uint16{1, 2}, nil, "u16: index -1 out of range"},
		{`u32(regs["r"], 1)`, []uint16{1, 2}, nil, "u32: index 1 out of range (needs registers 1..2, block has 2)"},
		{`s32ws(regs["r"], 5)`, []uint16{1, 2}, nil, "s32ws: index 5 out of range"},
		{`f64(regs["r"], 0)`, []uint16{1, 2, 3}, nil, "f64: index 0 out of range (needs registers 0..3, block has 3)"},
		{`u64ws(regs["r"], 1)`, []uint16{1, 2, 3, 4}, nil, "u64ws: index 1 out of range"},
	})
}

func TestASCII(t *testing.T) {
	alfen := []uint16{0x416C, 0x6665, 0x6E20, 0x4E56, 0, 0} // "Alfen NV" + NUL padding
	runFuncCases(t, modbusSignals, []funcCase{
		{`ascii(regs["r"], 0, 6)`, alfen, "Alfen NV", ""},
		{`ascii(regs["r"], 1, 2)`, alfen, "fen ", ""},
		{`ascii(regs["r"], 0, 2).trim()`, []uint16{0x2041, 0x2020}, "A", ""},
		{`ascii(regs["r"], 0, 2)`, []uint16{0x4142, 0x4300}, "ABC", ""},
		{`ascii(regs["r"], 0, 2)`, []uint16{0x0041, 0x4243}, "", ""},
		{`ascii(regs["r"], 0, 0)`, alfen, "", ""},
		{`ascii(regs["r"], 0, 1)`, []uint16{0xC3A9}, "\uFFFD\uFFFD", ""},
		{`ascii(regs["r"], 4, 3)`, alfen, nil, "ascii: index 4 out of range (needs registers 4..6, block has 6)"},
		{`ascii(regs["r"], 0, -1)`, alfen, nil, "ascii: register count -1 is negative"},
	})
}

func TestValueFunctions(t *testing.T) {
	runFuncCases(t, modbusSignals, []funcCase{
		{`bit(5, 0)`, nil, true, ""},
		{`bit(5, 1)`, nil, false, ""},
		{`bit(5, 2)`, nil, true, ""},
		{`bit(-1, 63)`, nil, true, ""},
		{`bit(0x0100, 8)`, nil, true, ""},
		{`bit(1, 64)`, nil, nil, "bit: bit number 64 out of range 0..63"},
		{`bit(1, -1)`, nil, nil, "bit: bit number -1 out of range"},
		{`scale(1234, 0.5)`, nil, 617.0, ""},
		{`scale(-3, 2.0)`, nil, -6.0, ""},
		{`scale(2.5, 4.0)`, nil, 10.0, ""},
		{`clamp(5.0, 0.0, 3.0)`, nil, 3.0, ""},
		{`clamp(-1.0, 0.0, 3.0)`, nil, 0.0, ""},
		{`clamp(1.5, 0.0, 3.0)`, nil, 1.5, ""},
		{`clamp(2, 0, 10)`, nil, int64(2), ""},
		{`clamp(-5, -3, 3)`, nil, int64(-3), ""},
		{`clamp(1.0, 3.0, 0.0)`, nil, nil, "clamp: lower bound 3 is above upper bound 0"},
		{`clamp(1, 3, 0)`, nil, nil, "clamp: lower bound 3 is above upper bound 0"},
		{`clamp(double("NaN"), 0.0, 1.0)`, nil, nil, "clamp: NaN argument"},
		{`enum(1, {0: "A", 1: "B"}, "?")`, nil, "B", ""},
		{`enum(7, {0: "A", 1: "B"}, "?")`, nil, "?", ""},
		{`enum(u16(regs["r"], 0), {2: 4.5}, 0.0)`, []uint16{2}, 4.5, ""},
		{`enum("C2", {"C1": false, "C2": true}, false)`, nil, true, ""},
		{`enum("X", {"C1": false, "C2": true}, false)`, nil, false, ""},
	})
}

func TestByteFunctions(t *testing.T) {
	el := SignalEnv("echonet")
	runFuncCases(t, el, []funcCase{
		{`be(b'\x01\x02')`, nil, int64(258), ""},
		{`beu(b'\x01\x02')`, nil, int64(258), ""},
		{`be(b'\x42')`, nil, int64(0x42), ""},
		{`be(b'\xff\xff\xff\xff')`, nil, int64(4294967295), ""},
		{`be(b'\x7f\xff\xff\xff\xff\xff\xff\xff')`, nil, int64(math.MaxInt64), ""},
		{`be(b'\xff\xff\xff\xff\xff\xff\xff\xff')`, nil, nil, "be: value 18446744073709551615 does not fit a CEL int"},
		{`be(b'')`, nil, nil, "be: want 1..8 bytes, got 0"},
		{`be(b'\x01\x02\x03\x04\x05\x06\x07\x08\x09')`, nil, nil, "be: want 1..8 bytes, got 9"},
		{`be(b'\x00\x01\x02\x03', 1, 2)`, nil, int64(0x0102), ""},
		{`beu(b'\x00\x00\x01\x00\x00\x00\x02\x00', 4, 4)`, nil, int64(0x200), ""},
		{`be(b'\x01', 1, 1)`, nil, nil, "be: index 1 out of range (property has 1 bytes)"},
		{`be(b'\x01\x02', 1, 2)`, nil, nil, "be: bytes 1..2 out of range (property has 2 bytes)"},
		{`be(b'\x01\x02', -1, 1)`, nil, nil, "be: index -1 out of range"},
		{`bes(b'\xff\xfe')`, nil, int64(-2), ""},
		{`bes(b'\x7f')`, nil, int64(127), ""},
		{`bes(b'\x80')`, nil, int64(-128), ""},
		{`bes(b'\xff\xff\xff\x9c')`, nil, int64(-100), ""},
		{`bes(b'\x00\xff\x38', 1, 2)`, nil, int64(-200), ""},
		{`bes(b'\x00\x7f\x38', 1, 2)`, nil, int64(0x7f38), ""},
		{`bes(b'\x00', 0, 2)`, nil, nil, "bes: bytes 0..1 out of range"},
		{`u8(b'\x30\x41', 1)`, nil, int64(0x41), ""},
		{`u8(b'\x30', 1)`, nil, nil, "u8: index 1 out of range (property has 1 bytes)"},
		{`sub(b'\x03abc', 1, 3)`, nil, []byte("abc"), ""},
		{`sub(b'\x03abc', 2, 3)`, nil, nil, "sub: bytes 2..4 out of range (property has 4 bytes)"},
		{`hex(b'\x01\xab')`, nil, "01AB", ""},
		{`hex(b'')`, nil, "", ""},
		{`bebytes(200, 2)`, nil, []byte{0x00, 0xC8}, ""},
		{`bebytes(-2, 2)`, nil, []byte{0xFF, 0xFE}, ""},
		{`bebytes(255, 1)`, nil, []byte{0xFF}, ""},
		{`bebytes(-128, 1)`, nil, []byte{0x80}, ""},
		{`bebytes(-1, 8)`, nil, []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, ""},
		{`bebytes(256, 1)`, nil, nil, "bebytes: 256 does not fit 1 bytes (-128..255)"},
		{`bebytes(-129, 1)`, nil, nil, "bebytes: -129 does not fit 1 bytes"},
		{`bebytes(1, 9)`, nil, nil, "bebytes: width 9 out of range 1..8"},
		{`bebytes(1, 0)`, nil, nil, "bebytes: width 0 out of range 1..8"},
		{`be(bebytes(123456, 4)) == 123456 && bes(bebytes(-5, 3)) == -5`, nil, true, ""},
	})
}

func TestWordEncoders(t *testing.T) {
	runFuncCases(t, modbusSignals, []funcCase{
		{`u16words(65535) == [65535]`, nil, true, ""},
		{`u16words(0) == [0]`, nil, true, ""},
		{`u16words(65536)`, nil, nil, "u16words: 65536 out of range 0..65535"},
		{`u16words(-1)`, nil, nil, "u16words: -1 out of range 0..65535"},
		{`s16words(-2) == [65534]`, nil, true, ""},
		{`s16words(32767) == [32767]`, nil, true, ""},
		{`s16words(32768)`, nil, nil, "s16words: 32768 out of range -32768..32767"},
		{`u32words(65538) == [1, 2]`, nil, true, ""},
		{`u32words(4294967295) == [65535, 65535]`, nil, true, ""},
		{`u32words(4294967296)`, nil, nil, "u32words: 4294967296 out of range 0..4294967295"},
		{`u32words(-1)`, nil, nil, "u32words: -1 out of range"},
		{`u32wswords(65538) == [2, 1]`, nil, true, ""},
		{`s32words(-2) == [65535, 65534]`, nil, true, ""},
		{`s32wswords(-2) == [65534, 65535]`, nil, true, ""},
		{`s32words(2147483648)`, nil, nil, "s32words: 2147483648 out of range -2147483648..2147483647"},
		{`f32words(230.5) == [0x4366, 0x8000]`, nil, true, ""},
		{`f32wswords(-1.5) == [0, 0xBFC0]`, nil, true, ""},
		{`f32words(1e39)`, nil, nil, "f32words: 1e+39 is not a finite float32"},
		{`f32words(double("NaN"))`, nil, nil, "f32words: NaN is not a finite float32"},
		// Each encoder is the inverse of its decoder.
		{`u32(u32words(123456789), 0) == 123456789 && u32ws(u32wswords(123456789), 0) == 123456789`, nil, true, ""},
		{`s32(s32words(-7), 0) == -7 && s32ws(s32wswords(-7), 0) == -7 && s16(s16words(-7), 0) == -7`, nil, true, ""},
		{`f32(f32words(-12.25), 0) == -12.25 && f32ws(f32wswords(-12.25), 0) == -12.25`, nil, true, ""},
	})
}
