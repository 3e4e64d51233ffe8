package cel

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func TestCompileErrorPosition(t *testing.T) {
	cases := []struct {
		expr      string
		line, col int
		msg       string
	}{
		{`double(u32(regz["status"], 6))`, 1, 12, "undeclared reference to 'regz'"},
		{"u32(regs[\"status\"], 0) == 0 &&\n  nosuch(1)", 2, 9, "undeclared reference to 'nosuch'"},
		{`1 +`, 1, 4, "Syntax error"},
		{`u32(regs["status"])`, 1, 4, "found no matching overload for 'u32'"},
	}
	for _, c := range cases {
		_, err := Compile(modbusSignals, c.expr, OutputBool)
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("Compile(%q) error = %v, want *Error", c.expr, err)
		}
		if ce.Line != c.line || ce.Column != c.col || !strings.Contains(ce.Msg, c.msg) || ce.Expr != c.expr {
			t.Errorf("Compile(%q) = line %d col %d %q (expr %q), want line %d col %d containing %q",
				c.expr, ce.Line, ce.Column, ce.Msg, ce.Expr, c.line, c.col, c.msg)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Field: "signals.powerW", Line: 1, Column: 14, Msg: "undeclared reference to 'regz'"}
	if got, want := e.Error(), "signals.powerW: line 1, column 14: undeclared reference to 'regz'"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	e = &Error{Msg: "expression yields int, want bool"}
	if got := e.Error(); got != "expression yields int, want bool" {
		t.Errorf("Error() without field and position = %q", got)
	}
}

func TestCompileOutputType(t *testing.T) {
	setLimit := CommandEnv("modbus", "setCurrentLimit")
	cases := []struct {
		kind    EnvKind
		expr    string
		want    OutputType
		wantErr string
	}{
		{modbusSignals, `u32(regs["s"], 0)`, OutputBool, "expression yields int, want bool"},
		{modbusSignals, `"x"`, OutputNumber, "expression yields string, want number"},
		{modbusSignals, `true`, OutputNumber, "yields bool"},
		{modbusSignals, `1`, OutputString, "expression yields int, want string"},
		{setLimit, `true`, OutputWrites, "expression yields bool, want list of writes"},
		{setLimit, `[1, 2]`, OutputWrites, "yields list(int)"},
		{setLimit, `u32words(1)`, OutputWrites, "yields list(int)"},
		{setLimit, `[write(1, [1]), 1]`, OutputWrites, "expected type 'ocppgw.Write' but found 'int'"},
		// Accepted: numbers of any kind, dyn (checked when evaluated), one
		// write or a list of them.
		{modbusSignals, `u32(regs["s"], 0)`, OutputNumber, ""},
		{modbusSignals, `double(u32(regs["s"], 0)) / 10.0`, OutputNumber, ""},
		{modbusSignals, `prev["powerW"]`, OutputNumber, ""},
		{modbusSignals, `string(u32(regs["s"], 0))`, OutputString, ""},
		{setLimit, `write(1, [1])`, OutputWrites, ""},
		{setLimit, `[write(1, [1]), writeCoil(2, true).unit(3)]`, OutputWrites, ""},
		{setLimit, `limitA > 6.0 ? [write(1, [1])] : []`, OutputWrites, ""},
	}
	for _, c := range cases {
		_, err := Compile(c.kind, c.expr, c.want)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("Compile(%s, %q, %v) = %v, want success", c.kind, c.expr, c.want, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("Compile(%s, %q, %v) = %v, want error containing %q", c.kind, c.expr, c.want, err, c.wantErr)
		}
	}
}

// Each environment declares only what its expressions may use.
func TestEnvironmentScopes(t *testing.T) {
	cases := []struct {
		kind    EnvKind
		expr    string
		want    OutputType
		wantErr string
	}{
		{modbusSignals, `epc[0xD3] == b'\x00'`, OutputBool, "undeclared reference to 'epc'"},
		{SignalEnv("echonet"), `regs["a"][0] == 0`, OutputBool, "undeclared reference to 'regs'"},
		{modbusSignals, `limitA > 0.0`, OutputBool, "undeclared reference to 'limitA'"},
		{CommandEnv("modbus", "setCurrentLimit"), `limitW > 0.0 ? [] : []`, OutputWrites, "undeclared reference to 'limitW'"},
		{CommandEnv("modbus", "stop"), `available ? [] : []`, OutputWrites, "undeclared reference to 'available'"},
		{CommandEnv("modbus", "start"), `[setEPC(0xDA, b'\x42')]`, OutputWrites, "undeclared reference to 'setEPC'"},
		{CommandEnv("echonet", "start"), `[write(1, [1])]`, OutputWrites, "undeclared reference to 'write'"},
		{modbusSignals, `size([write(1, [1])]) == 1`, OutputBool, "undeclared reference to 'write'"},
		{CommandEnv("echonet", "start"), `writeRegister(1, 1)`, OutputWrites, "undeclared reference to 'writeRegister'"},
		{CommandEnv("echonet", "start"), `writeCoils(1, [true])`, OutputWrites, "undeclared reference to 'writeCoils'"},
		{CommandEnv("modbus", "start"), `writeCoils(1, [1])`, OutputWrites, "no matching overload for 'writeCoils'"},
		{CommandEnv("modbus", "setPowerLimit"), `limitW > 0.0 ? [] : []`, OutputWrites, ""},
		{CommandEnv("modbus", "setAvailable"), `[writeCoil(1, available)]`, OutputWrites, ""},
		{CommandEnv("echonet", "start"), `[setEPC(0xDA, b'\x42')]`, OutputWrites, ""},
		{SignalEnv("echonet"), `connectorId == 1 && size(prev) >= 0`, OutputBool, ""},
	}
	for _, c := range cases {
		_, err := Compile(c.kind, c.expr, c.want)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("Compile(%s, %q) = %v, want success", c.kind, c.expr, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("Compile(%s, %q) = %v, want error containing %q", c.kind, c.expr, err, c.wantErr)
		}
	}
	for _, k := range []EnvKind{{Protocol: "bacnet"}, {Protocol: "modbus", Command: "explode"}} {
		if _, err := Compile(k, `true`, OutputBool); err == nil {
			t.Errorf("Compile in %s succeeded, want an error", k)
		}
	}
}

func TestCompileCostBound(t *testing.T) {
	rejected := []string{
		// Nested comprehensions over input lists: 2000 × 2000 iterations.
		`regs["a"].map(x, regs["a"].map(y, x * y)).size() > 0`,
		`regs["a"].exists(x, regs["b"].exists(y, x == y))`,
		// Over every block and every register of it.
		`regs.all(k, regs[k].all(x, regs[k].all(y, x <= y)))`,
	}
	for _, expr := range rejected {
		_, err := Compile(modbusSignals, expr, OutputBool)
		if err == nil || !strings.Contains(err.Error(), "estimated worst-case cost") {
			t.Errorf("Compile(%q) = %v, want the cost bound to reject it", expr, err)
		}
	}
	// One pass over a block is bounded by its declared size and allowed.
	p, err := Compile(modbusSignals, `regs["a"].exists(x, x > 0)`, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := p.EstimatedCost(); hi > EstimatedCostLimit || hi < maxBlockLen || lo > hi {
		t.Errorf("EstimatedCost() = %d..%d, want a bound of at least %d within %d", lo, hi, maxBlockLen, EstimatedCostLimit)
	}
}

// The estimate holds for inputs of the declared sizes; a driver handing over
// more is stopped by the runtime limit instead of running on.
func TestRuntimeCostLimit(t *testing.T) {
	p, err := Compile(modbusSignals, `regs["a"].filter(x, x > 0).size() > 0`, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	small := &Input{Regs: map[string][]uint16{"a": make([]uint16, maxBlockLen)}}
	if v, err := p.Eval(small, Args{}); err != nil || v != false {
		t.Fatalf("Eval(declared size) = %v, %v; want false, nil", v, err)
	}
	huge := &Input{Regs: map[string][]uint16{"a": make([]uint16, 60000)}}
	if _, err := p.Eval(huge, Args{}); err == nil || !strings.Contains(err.Error(), "cost limit exceeded") {
		t.Fatalf("Eval(60000 registers) error = %v, want the runtime cost limit", err)
	}
	// What stays cheap still runs on oversized input, under the limit.
	huge.Regs["a"][59999] = 7
	q, err := Compile(modbusSignals, `u16(regs["a"], 59999)`, OutputNumber)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := q.Eval(huge, Args{}); err != nil || v != 7.0 {
		t.Fatalf("Eval(u16 of an oversized block) = %v, %v; want 7", v, err)
	}
}

func TestCompileCache(t *testing.T) {
	expr := `u32(regs["status"], 20) > 100`
	a, err := Compile(modbusSignals, expr, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Compile(modbusSignals, expr, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("compiling the same expression twice returned two programs, want the cached one")
	}
	c, err := Compile(CommandEnv("modbus", "stop"), `u32(regs["status"], 20) > 100 ? [] : []`, OutputWrites)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Compile(SignalEnv("echonet"), `1 > 0`, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(modbusSignals, `1 > 0`, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	if a == c || d == e || d.env == e.env {
		t.Error("different environments share a cached program")
	}
}

func TestCompileCacheEviction(t *testing.T) {
	defer func(n int) { maxCached = n }(maxCached)
	maxCached = 50
	for i := range maxCached + 10 {
		if _, err := Compile(modbusSignals, "connectorId == "+strconv.Itoa(i), OutputBool); err != nil {
			t.Fatal(err)
		}
	}
	cache.Lock()
	n := len(cache.m)
	cache.Unlock()
	if n > maxCached {
		t.Errorf("cache holds %d programs, want at most %d", n, maxCached)
	}
}

func TestEvalConversions(t *testing.T) {
	in := &Input{Regs: map[string][]uint16{"s": {0, 7400, 0x7FC0, 0}}, Prev: map[string]any{"powerW": 10.5, "faultCode": "E1"}, ConnectorID: 2}
	cases := []struct {
		expr    string
		want    OutputType
		value   any
		wantErr string
	}{
		{`u32(regs["s"], 0)`, OutputNumber, 7400.0, ""},
		{`connectorId`, OutputNumber, 2.0, ""},
		{`prev["powerW"]`, OutputNumber, 10.5, ""},
		{`prev["faultCode"]`, OutputNumber, nil, "result is string, want a number"},
		{`prev["faultCode"]`, OutputString, "E1", ""},
		{`f32(regs["s"], 2)`, OutputNumber, nil, "result is NaN, not a number"},
		{`regs["s"][9] > 0`, OutputBool, nil, "index out of bounds: 9"},
		{`regs["nope"][0] > 0`, OutputBool, nil, "no such key: nope"},
	}
	for _, c := range cases {
		p, err := Compile(modbusSignals, c.expr, c.want)
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.Eval(in, Args{})
		switch {
		case c.wantErr == "" && (err != nil || !reflect.DeepEqual(v, c.value)):
			t.Errorf("Eval(%q) = %#v, %v; want %#v", c.expr, v, err, c.value)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("Eval(%q) = %#v, %v; want error containing %q", c.expr, v, err, c.wantErr)
		}
	}
}

func TestWrites(t *testing.T) {
	modbus, el := CommandEnv("modbus", "setCurrentLimit"), CommandEnv("echonet", "setCurrentLimit")
	u200, u255 := 200, 255
	cases := []struct {
		kind    EnvKind
		expr    string
		want    []Write
		wantErr string
	}{
		{modbus, `[write(16640, [0, 20000])]`, []Write{{Kind: WriteRegisters, Address: 16640, Words: []uint16{0, 20000}}}, ""},
		{modbus, `write(1210, f32words(limitA)).unit(200)`, []Write{{Kind: WriteRegisters, Unit: &u200, Address: 1210, Words: []uint16{0x41A0, 0}}}, ""},
		{modbus, `[writeCoil(5, true), writeCoil(6, false)]`, []Write{{Kind: WriteCoil, Address: 5, Coil: true}, {Kind: WriteCoil, Address: 6}}, ""},
		{modbus, `[writeRegister(5004, 16000), writeRegister(5018, 20).unit(255)]`, []Write{
			{Kind: WriteRegister, Address: 5004, Words: []uint16{16000}}, {Kind: WriteRegister, Unit: &u255, Address: 5018, Words: []uint16{20}}}, ""},
		{modbus, `writeCoils(10, [true, false, true])`, []Write{{Kind: WriteCoils, Address: 10, Coils: []bool{true, false, true}}}, ""},
		{modbus, `[]`, []Write{}, ""},
		{modbus, `[writeRegister(5004, 65536)]`, nil, "writeRegister: 65536 is not a 16-bit register value (0..65535)"},
		{modbus, `[writeRegister(5004, -1)]`, nil, "writeRegister: -1 is not a 16-bit register value"},
		{modbus, `[writeRegister(65536, 1)]`, nil, "writeRegister: address 65536 out of range 0..65535"},
		{modbus, `[writeCoils(1, [])]`, nil, "writeCoils: 0 coils, want 1..1968"},
		{modbus, `[writeCoils(65535, [true, true])]`, nil, "writeCoils: coils 65535..65536 run past address 65535"},
		{modbus, `[write(70000, [1])]`, nil, "write: address 70000 out of range 0..65535"},
		{modbus, `[write(65535, [1, 2])]`, nil, "write: registers 65535..65536 run past address 65535"},
		{modbus, `[write(1, [])]`, nil, "write: 0 words, want 1..123"},
		{modbus, `[write(1, [1, 70000])]`, nil, "write: register 1 holds 70000"},
		{modbus, `[writeCoil(-1, true)]`, nil, "writeCoil: address -1 out of range"},
		{modbus, `[write(1, [1]).unit(256)]`, nil, "unit: unit id 256 out of range 0..255"},
		{el, `[setEPC(0xED, bebytes(int(limitA * 10.0), 2))]`, []Write{{Kind: WriteEPC, EPC: 0xED, Data: []byte{0, 200}}}, ""},
		{el, `[setEPC(0x10, b'\x00')]`, nil, "setEPC: EPC 0x10 out of range 0x80..0xFF"},
		{el, `[setEPC(0xDA, b'')]`, nil, "setEPC: 0 data bytes, want 1..255"},
	}
	for _, c := range cases {
		p, err := Compile(c.kind, c.expr, OutputWrites)
		if err != nil {
			t.Fatalf("Compile(%q): %v", c.expr, err)
		}
		v, err := p.Eval(nil, Args{LimitA: 20})
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("Eval(%q) = %v, %v; want error containing %q", c.expr, v, err, c.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(v, c.want) {
			t.Errorf("Eval(%q) = %#v, %v; want %#v", c.expr, v, err, c.want)
		}
	}
}

// FC15 carries at most 1968 coils; a longer list is too big to build in a
// literal, so the builder is called directly.
func TestWriteCoilsLimit(t *testing.T) {
	for n, wantErr := range map[int]string{1968: "", 1969: "writeCoils: 1969 coils, want 1..1968"} {
		v := writeCoils(types.Int(0), types.NewList(types.DefaultTypeAdapter, make([]bool, n)))
		w, ok := v.(writeVal)
		switch {
		case wantErr == "" && (!ok || len(w.w.Coils) != n):
			t.Errorf("%d coils: %v", n, v)
		case wantErr != "" && (!types.IsError(v) || !strings.Contains(fmt.Sprint(v), wantErr)):
			t.Errorf("%d coils: %v, want error %q", n, v, wantErr)
		}
	}
}

// Programs are shared through the cache, so many chargers evaluate one
// program at once; -race checks that this is safe.
func TestConcurrentEval(t *testing.T) {
	p, err := Compile(modbusSignals, `double(u32(regs["s"], 0)) / 1000.0`, OutputNumber)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				mA := uint16(g*1000 + i)
				v, err := p.Eval(&Input{Regs: map[string][]uint16{"s": {0, mA}}}, Args{})
				if err != nil || v != float64(mA)/1000 {
					errs <- errors.New("wrong result under concurrency")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// Functions that skip cel-go's runtime type guard check their arguments
// themselves, so a dyn argument of the wrong type is a clear error.
func TestDynArguments(t *testing.T) {
	in := &Input{Regs: map[string][]uint16{"r": {1, 2}}, Prev: map[string]any{"d": 1.5, "s": "x"}}
	cases := []struct {
		kind    EnvKind
		expr    string
		want    OutputType
		wantErr string
	}{
		{modbusSignals, `u32(prev["d"], 0)`, OutputNumber, "u32: want a list of registers, got double"},
		{modbusSignals, `u16(regs["r"], prev["s"])`, OutputNumber, "u16: index must be an int, got string"},
		{modbusSignals, `s16(prev["s"])`, OutputNumber, "s16: want an int, got string"},
		{modbusSignals, `ascii(regs["r"], prev["d"], 1)`, OutputString, "ascii: want (list of registers, int, int)"},
		{CommandEnv("modbus", "stop"), `[write(prev["d"], [1])]`, OutputWrites, "write: address must be an int, got double"},
		{CommandEnv("modbus", "stop"), `[write(1, prev["d"])]`, OutputWrites, "write: want a list of words, got double"},
	}
	for _, c := range cases {
		p, err := Compile(c.kind, c.expr, c.want)
		if err != nil {
			t.Fatalf("Compile(%q): %v", c.expr, err)
		}
		if _, err := p.Eval(in, Args{}); err == nil || !strings.Contains(err.Error(), c.wantErr) {
			t.Errorf("Eval(%q) error = %v, want %q", c.expr, err, c.wantErr)
		}
	}
}

func TestSignalOutputsCoverCanonicalSignals(t *testing.T) {
	for _, name := range v1alpha1.SignalNames {
		if _, ok := SignalOutput(name); !ok {
			t.Errorf("signal %q has no output type", name)
		}
	}
	if len(signalOutputs) != len(v1alpha1.SignalNames) {
		t.Errorf("%d output types for %d canonical signals", len(signalOutputs), len(v1alpha1.SignalNames))
	}
}
