package cel

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func elMapping(t *testing.T, read *v1alpha1.EchonetRead, signals map[string]string, commands map[string]v1alpha1.TemplateCommand) *Mapping {
	t.Helper()
	m, errs := NewMapping(&v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolEchonet,
		Read: &v1alpha1.TemplateRead{Echonet: read}, Signals: signals, Commands: commands})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return m
}

func TestEvaluateUnknownWhenInputMissing(t *testing.T) {
	m := elMapping(t, &v1alpha1.EchonetRead{EPCs: []string{"0x80", "0xC7", "0xD3", "0xDA", "0xE1", "0x89"}}, map[string]string{
		"operative":   `u8(epc[0x80], 0) == 0x30`,
		"evConnected": `u8(epc[0xC7], 0) in [0x40, 0x41, 0x44]`,
		"charging":    `0xE1 in epc ? u8(epc[0xE1], 0) == 0x42 : u8(epc[0xDA], 0) == 0x42 && be(epc[0xD3]) > 0`,
		"powerW":      `be(epc[0xD3]) + be(epc[0x80])`,
		"faultCode":   `hex(epc[0x80 + 9])`, // a computed key: not known before evaluation
		"socPercent":  `u8(epc[0x80], 3)`,   // present but too short: a wrong mapping
	}, nil)
	in := &Input{EPC: map[byte][]byte{0x80: {0x30}, 0xDA: {0x42}, 0xD3: {0, 0, 0x0C, 0x80}}}
	ev := m.Evaluate(in)
	wantSignals := map[string]any{"operative": true, "charging": true, "powerW": float64(3200 + 0x30)}
	if !reflect.DeepEqual(ev.Signals, wantSignals) {
		t.Errorf("Signals %v, want %v", ev.Signals, wantSignals)
	}
	if want := map[string]string{"evConnected": "EPC 0xC7 not received"}; !reflect.DeepEqual(ev.Unknown, want) {
		t.Errorf("Unknown %v, want %v", ev.Unknown, want)
	}
	if len(ev.Errors) != 2 ||
		ev.Errors[0].Error() != "spec.signals.faultCode: no such key: EPC 0x89" ||
		!strings.HasPrefix(ev.Errors[1].Error(), "spec.signals.socPercent: u8: index 3 out of range") {
		t.Errorf("Errors %v", ev.Errors)
	}

	// Several missing keys are all named, in hex, with the driver's reason
	// when it gave one; PDC=0 is absence.
	in = &Input{EPC: map[byte][]byte{0x80: {0x30}, 0xD3: {}}, EPCAbsent: map[byte]string{0xDA: "Get_SNA"}}
	ev = m.Evaluate(in)
	if got := ev.Unknown["charging"]; got != "EPC 0xD3 empty (PDC=0); EPC 0xDA Get_SNA; EPC 0xE1 not received" {
		t.Errorf("charging unknown: %q", got)
	}
	if _, ok := ev.Unknown["powerW"]; !ok {
		t.Errorf("powerW from an empty EDT: %v", ev.Signals["powerW"])
	}

	// No input at all: everything that reads one is unknown.
	if ev := m.Evaluate(nil); len(ev.Unknown) != 5 || len(ev.Signals) != 0 || len(ev.Errors) != 1 {
		t.Errorf("Evaluate(nil) = %+v", ev)
	}

	// EvalSignals reports unknowns as *UnknownError beside the errors.
	_, errs := m.EvalSignals(&Input{EPC: map[byte][]byte{0x80: {0x30}}})
	var ue *UnknownError
	found := false
	for _, e := range errs {
		if errors.As(e, &ue) && ue.Field == "spec.signals.evConnected" {
			found = e.Error() == "spec.signals.evConnected: unknown: EPC 0xC7 not received"
		}
	}
	if !found {
		t.Errorf("EvalSignals errors %v lack evConnected unknown", errs)
	}
}

func TestEvaluateModbusBlocks(t *testing.T) {
	m, errs := NewMapping(&v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus,
		Read: &v1alpha1.TemplateRead{Modbus: &v1alpha1.ModbusRead{Blocks: []v1alpha1.ModbusBlock{
			{Name: "status", Address: 0, Count: 2}, {Name: "meter", Address: 10, Count: 2, Optional: true}}}},
		Signals: map[string]string{
			"charging":  `regs.status[0] == 3`,
			"powerW":    `f32(regs["meter"], 0)`,
			"energyWh":  `"meter" in regs ? u32(regs["meter"], 0) : 0`,
			"faultCode": `string(u16(regs["status"], 5))`,
			"currentA1": `prev.currentA1 + double(u16(regs["status"], 1))`,
		}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if !m.OptionalBlock("meter") || m.OptionalBlock("status") {
		t.Error("OptionalBlock does not follow the template")
	}
	ev := m.Evaluate(&Input{RegsAbsent: map[string]string{"meter": "exception 0x02 (illegal data address)"}})
	want := map[string]string{
		"currentA1": `block "status" not read; no previous currentA1`,
		"charging":  `block "status" not read`,
		"powerW":    `block "meter" exception 0x02 (illegal data address)`,
		"faultCode": `block "status" not read`,
	}
	if !reflect.DeepEqual(ev.Unknown, want) || len(ev.Errors) != 0 || ev.Signals["energyWh"] != 0.0 {
		t.Errorf("Evaluate = %+v", ev)
	}
	// NaN is how devices mark a value they cannot read.
	nan := math.Float32bits(float32(math.NaN()))
	ev = m.Evaluate(&Input{Regs: map[string][]uint16{"status": {3, 0}, "meter": {uint16(nan >> 16), uint16(nan)}}})
	if !strings.Contains(ev.Unknown["powerW"], "NaN") || ev.Signals["charging"] != true {
		t.Errorf("NaN: %+v", ev)
	}
	if len(ev.Errors) != 1 || !strings.Contains(ev.Errors[0].Error(), "spec.signals.faultCode: u16: index 5 out of range") {
		t.Errorf("a bad index with the block present is a mapping error: %v", ev.Errors)
	}
	if ev.Unknown["currentA1"] != "no previous currentA1" {
		t.Errorf("first poll, no prev: %q", ev.Unknown["currentA1"])
	}
	ev = m.Evaluate(&Input{Regs: map[string][]uint16{"status": {3, 2}}, Prev: map[string]any{"currentA1": 1.5}})
	if ev.Signals["currentA1"] != 3.5 {
		t.Errorf("with prev: %+v", ev)
	}
}

// unknown() typechecks as any signal type and makes the signal Unknown with
// the template's reason.
func TestUnknownFunction(t *testing.T) {
	m := elMapping(t, &v1alpha1.EchonetRead{EPCs: []string{"0xC7", "0xD3", "0x89"}}, map[string]string{
		"evConnected": `u8(epc[0xC7], 0) == 0xFF ? unknown("EPC 0xC7 = 0xFF: undefined") : u8(epc[0xC7], 0) != 0x30`,
		"powerW":      `be(epc[0xD3]) > 100000 ? unknown("implausible") : double(be(epc[0xD3]))`,
		"faultCode":   `0x89 in epc ? hex(epc[0x89]) : unknown("")`,
		"charging":    `unknown("never") || true`, // || absorbs an error in CEL, unknown() too
	}, nil)
	ev := m.Evaluate(&Input{EPC: map[byte][]byte{0xC7: {0xFF}, 0xD3: {0, 0x0F, 0xFF, 0xFF}}})
	want := map[string]string{
		"evConnected": "EPC 0xC7 = 0xFF: undefined",
		"powerW":      "implausible",
		"faultCode":   "the template says so",
	}
	if !reflect.DeepEqual(ev.Unknown, want) || len(ev.Errors) != 0 || ev.Signals["charging"] != true {
		t.Errorf("Evaluate = %+v", ev)
	}
	ev = m.Evaluate(&Input{EPC: map[byte][]byte{0xC7: {0x41}, 0xD3: {0, 0, 0, 9}, 0x89: {0, 0}}})
	if ev.Signals["evConnected"] != true || ev.Signals["powerW"] != 9.0 || ev.Signals["faultCode"] != "0000" || len(ev.Unknown) != 0 {
		t.Errorf("Evaluate = %+v", ev)
	}
	// unknown() takes the type of the other branch, so a branch of the wrong
	// type is still a compile error; it is not a command function.
	for _, c := range []struct {
		kind EnvKind
		expr string
		want OutputType
		err  string
	}{
		{SignalEnv("echonet"), `true ? unknown("x") : "a"`, OutputNumber, "want number"},
		{SignalEnv("echonet"), `true ? unknown("x") : "a"`, OutputString, ""},
		{SignalEnv("modbus"), `unknown("x")`, OutputBool, ""},
		{SignalEnv("modbus"), `regs.a[0] > 1 ? unknown("x") : 2.5`, OutputNumber, ""},
		{SignalEnv("echonet"), `unknown(1)`, OutputBool, "no matching overload for 'unknown'"},
		{CommandEnv("echonet", "stop"), `unknown("x")`, OutputWrites, "undeclared reference to 'unknown'"},
	} {
		_, err := Compile(c.kind, c.expr, c.want)
		if (c.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("Compile(%q) = %v, want %q", c.expr, err, c.err)
		}
	}
}

// A short EDT is visible through the declared size, and never decoded.
func TestDeclaredEDTSize(t *testing.T) {
	read := &v1alpha1.EchonetRead{EPCs: []string{"0xD8", "0x89", "0x80"},
		Declared: map[byte]v1alpha1.EPCDecl{0xD8: {Size: 4}, 0x89: {Size: 2, Optional: true}}}
	m := elMapping(t, read, map[string]string{"energyWh": `be(epc[0xD8])`, "operative": `u8(epc[0x80], 0) == 0x30`},
		map[string]v1alpha1.TemplateCommand{"stop": {Expr: `setEPC(0xDA, bebytes(be(epc[0xD8]) > 0 ? 0x44 : 0x47, 1))`}})
	if n, ok := m.EPCSize(0xD8); n != 4 || !ok {
		t.Errorf("EPCSize(0xD8) = %d, %v", n, ok)
	}
	if _, ok := m.EPCSize(0x80); ok {
		t.Error("EPCSize(0x80) declared")
	}
	if !m.OptionalEPC(0x89) || m.OptionalEPC(0xD8) {
		t.Error("OptionalEPC does not follow the template")
	}
	short := &Input{EPC: map[byte][]byte{0xD8: {0x12, 0xD6, 0x44}, 0x80: {0x30, 0x00}}}
	if got := m.Malformed(short); !reflect.DeepEqual(got, map[byte]string{0xD8: "3 bytes, declared 4"}) {
		t.Errorf("Malformed = %v", got)
	}
	ev := m.Evaluate(short)
	if ev.Unknown["energyWh"] != "EPC 0xD8 malformed: 3 bytes, declared 4" || ev.Signals["operative"] != true {
		t.Errorf("Evaluate = %+v", ev)
	}
	if len(short.EPC) != 2 || short.EPCAbsent != nil {
		t.Error("Evaluate changed its input")
	}
	if _, err := m.EvalCommand("stop", short, Args{}); !errors.Is(err, ErrInputMissing) ||
		err.Error() != `command "stop": input not available: EPC 0xD8 malformed: 3 bytes, declared 4` {
		t.Errorf("a command over a malformed EDT: %v", err)
	}
	// Without the declaration the same bytes would decode to a wrong value.
	plain := elMapping(t, &v1alpha1.EchonetRead{EPCs: []string{"0xD8"}}, map[string]string{"energyWh": `be(epc[0xD8])`}, nil)
	if v := plain.Evaluate(short).Signals["energyWh"]; v != float64(0x12D644) {
		t.Errorf("undeclared: %v", v)
	}
}

// setEPCs lets a command pick the property the device can Set.
func TestSetEPCs(t *testing.T) {
	m := elMapping(t, &v1alpha1.EchonetRead{EPCs: []string{"0x80"}}, nil, map[string]v1alpha1.TemplateCommand{
		"setCurrentLimit": {Expr: `0xED in setEPCs ? setEPC(0xED, bebytes(int(limitA * 10.0), 2)) : setEPC(0xEB, bebytes(int(limitA * 200.0), 4))`},
	})
	for _, c := range []struct {
		set  []byte
		want Write
	}{
		{[]byte{0x80, 0xDA, 0xEB, 0xED}, Write{Kind: WriteEPC, EPC: 0xED, Data: []byte{0, 160}}},
		{[]byte{0x80, 0xDA, 0xEB}, Write{Kind: WriteEPC, EPC: 0xEB, Data: []byte{0, 0, 0x0C, 0x80}}},
		{nil, Write{Kind: WriteEPC, EPC: 0xEB, Data: []byte{0, 0, 0x0C, 0x80}}},
	} {
		w, err := m.EvalCommand("setCurrentLimit", &Input{SetMap: c.set}, Args{LimitA: 16})
		if err != nil || len(w) != 1 || !reflect.DeepEqual(w[0], c.want) {
			t.Errorf("set map % X: %v %v, want %v", c.set, w, err, c.want)
		}
	}
	for _, k := range []EnvKind{SignalEnv("echonet"), CommandEnv("modbus", "stop")} {
		if _, err := Compile(k, `size(setEPCs) > 0`, OutputBool); err == nil {
			t.Errorf("%s: setEPCs declared", k)
		}
	}
}
