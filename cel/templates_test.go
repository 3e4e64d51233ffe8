package cel

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// libraryMapping compiles the named template of examples/templates/, merged
// over the chain it extends, as the template controller resolves it.
func libraryMapping(t *testing.T, name string) *Mapping {
	t.Helper()
	spec := librarySpec(t, name)
	m, errs := NewMapping(spec)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return m
}

func librarySpec(t *testing.T, name string) *v1alpha1.TemplateSpec {
	t.Helper()
	var spec *v1alpha1.TemplateSpec
	for next := name; next != ""; {
		raw, err := os.ReadFile(filepath.Join("../examples/templates", next+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var tpl v1alpha1.Template
		if err := yaml.Unmarshal(raw, &tpl); err != nil {
			t.Fatalf("%s: %v", next, err)
		}
		if spec == nil {
			spec = &tpl.Spec
		} else {
			merged := v1alpha1.MergeTemplate(tpl.Spec, *spec)
			spec = &merged
		}
		next = tpl.Spec.Extends
	}
	return spec
}

// elCharging is a 0x02A1 charging at 3.2 kW, as devices.md §2.1 encodes it.
func elCharging() map[byte][]byte {
	return map[byte][]byte{0x80: {0x30}, 0x88: {0x42}, 0xC7: {0x41}, 0xD3: {0, 0, 0x0C, 0x80},
		0xD8: {0x00, 0x12, 0xD6, 0x44}, 0xDA: {0x42}, 0xE4: {0x50}, 0xED: {0, 160}}
}

func TestEVChargerTemplateNeverGuesses(t *testing.T) {
	m := libraryMapping(t, "echonet-ev-charger")
	ev := m.Evaluate(&Input{EPC: elCharging()})
	want := map[string]any{"operative": true, "faulted": false, "faultCode": "", "evConnected": true, "charging": true,
		"suspended": false, "powerW": 3200.0, "energyWh": 1234500.0, "socPercent": 80.0, "currentLimitA": 16.0}
	if !reflect.DeepEqual(ev.Signals, want) || len(ev.Unknown)+len(ev.Errors) != 0 {
		t.Fatalf("charging without 0x89: %+v", ev)
	}

	// 0xC7 missing (Get_SNA, PDC=0 or left out): connection unknown, not "not connected".
	for name, in := range map[string]*Input{
		"omitted": {EPC: without(elCharging(), 0xC7)},
		"PDC=0":   {EPC: with(elCharging(), 0xC7, []byte{})},
	} {
		ev = m.Evaluate(in)
		if _, ok := ev.Signals["evConnected"]; ok || !strings.HasPrefix(ev.Unknown["evConnected"], "EPC 0xC7 ") ||
			ev.Signals["charging"] != true || ev.Unknown["suspended"] == "" {
			t.Errorf("0xC7 %s: %+v", name, ev)
		}
	}
	// 0xC7 = 0xFF is undefined, not Available.
	ev = m.Evaluate(&Input{EPC: with(elCharging(), 0xC7, []byte{0xFF})})
	if ev.Unknown["evConnected"] != "EPC 0xC7 = 0xFF: vehicle connection undefined" || len(ev.Errors) != 0 {
		t.Errorf("0xC7 = 0xFF: %+v", ev)
	}
	// A short EDT is malformed: the declared size catches it.
	if n, ok := m.EPCSize(0xD8); n != 4 || !ok {
		t.Fatalf("EPCSize(0xD8) = %d, %v", n, ok)
	}
	ev = m.Evaluate(&Input{EPC: with(elCharging(), 0xD8, []byte{0x12, 0xD6, 0x44})})
	if ev.Unknown["energyWh"] != "EPC 0xD8 malformed: 3 bytes, declared 4" {
		t.Errorf("short 0xD8: %+v", ev)
	}
	// The fault description is optional and read only while faulted.
	if !m.OptionalEPC(0x89) || m.OptionalEPC(0xC7) {
		t.Error("0x89 must be optional, 0xC7 required")
	}
	ev = m.Evaluate(&Input{EPC: with(elCharging(), 0x88, []byte{0x41})})
	if ev.Signals["faulted"] != true || !strings.Contains(ev.Unknown["faultCode"], "0x89 not received") {
		t.Errorf("faulted without 0x89: %+v", ev)
	}
	ev = m.Evaluate(&Input{EPC: with(with(elCharging(), 0x88, []byte{0x41}), 0x89, []byte{0x00, 0x10})})
	if ev.Signals["faultCode"] != "0010" {
		t.Errorf("faulted with 0x89: %+v", ev)
	}
}

// Every EPC the EL templates read declares its EDT size, so that a short or
// long EDT is caught.
func TestEchonetTemplatesDeclareSizes(t *testing.T) {
	for _, name := range []string{"echonet-ev-charger", "echonet-v2h"} {
		spec, m := librarySpec(t, name), libraryMapping(t, name)
		if len(spec.Read.Echonet.EPCs) < 10 {
			t.Fatalf("%s reads %v", name, spec.Read.Echonet.EPCs)
		}
		for _, s := range spec.Read.Echonet.EPCs {
			epc, err := v1alpha1.ParseEPC(s)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := m.EPCSize(epc); !ok {
				t.Errorf("%s: EPC 0x%02X has no declared size", name, epc)
			}
		}
	}
}

func TestEVChargerCurrentLimitFollowsSetMap(t *testing.T) {
	m := libraryMapping(t, "echonet-ev-charger")
	in := &Input{EPC: with(elCharging(), 0xD2, []byte{0x00, 0xC8})} // 200 V
	for _, c := range []struct {
		name string
		set  []byte
		want Write
	}{
		{"0xED listed", []byte{0x80, 0xDA, 0xEB, 0xED}, Write{Kind: WriteEPC, EPC: 0xED, Data: []byte{0, 100}}},
		{"0xED not listed", []byte{0x80, 0xDA, 0xEB}, Write{Kind: WriteEPC, EPC: 0xEB, Data: []byte{0, 0, 0x07, 0xD0}}},
		{"map unknown", nil, Write{Kind: WriteEPC, EPC: 0xED, Data: []byte{0, 100}}},
	} {
		in.SetMap = c.set
		w, err := m.EvalCommand("setCurrentLimit", in, Args{LimitA: 10})
		if err != nil || !reflect.DeepEqual(w, []Write{c.want}) {
			t.Errorf("%s: %v, %v; want %v", c.name, w, err, c.want)
		}
	}
	// Without the rated voltage the 0xEB fallback fails instead of guessing one.
	in = &Input{EPC: elCharging(), SetMap: []byte{0x80, 0xDA, 0xEB}}
	if _, err := m.EvalCommand("setCurrentLimit", in, Args{LimitA: 10}); !errors.Is(err, ErrInputMissing) || !strings.Contains(err.Error(), "EPC 0xD2 not received") {
		t.Errorf("0xEB without 0xD2: %v", err)
	}
}

func TestV2HTemplateFallsBackWithout0xE1(t *testing.T) {
	m := libraryMapping(t, "echonet-v2h")
	v2h := func(mode, actual byte, power int32) *Input {
		in := &Input{EPC: with(elCharging(), 0xC7, []byte{0x43})}
		in.EPC[0xDA] = []byte{mode}
		in.EPC[0xD3] = []byte{byte(power >> 24), byte(power >> 16), byte(power >> 8), byte(power)}
		if actual != 0 {
			in.EPC[0xE1] = []byte{actual}
		}
		return in
	}
	for _, c := range []struct {
		name                string
		in                  *Input
		charging, suspended bool
	}{
		{"0xE1 charging", v2h(0x44, 0x42, 0), true, false},
		{"0xE1 standby though 0xDA says charge", v2h(0x42, 0x44, 3200), false, true},
		{"no 0xE1: 0xDA charge and power in", v2h(0x42, 0, 3200), true, false},
		{"no 0xE1: 0xDA charge, no power", v2h(0x42, 0, 0), false, true},
		{"no 0xE1: discharging", v2h(0x42, 0, -3200), false, true},
		{"no 0xE1: 0xDA standby", v2h(0x44, 0, 0), false, true},
	} {
		ev := m.Evaluate(c.in)
		if ev.Signals["charging"] != c.charging || ev.Signals["suspended"] != c.suspended || ev.Signals["evConnected"] != true {
			t.Errorf("%s: %+v", c.name, ev)
		}
	}
	if ev := m.Evaluate(v2h(0x42, 0, -3200)); ev.Signals["powerW"] != -3200.0 {
		t.Errorf("signed power: %v", ev.Signals["powerW"])
	}
	if n, ok := m.EPCSize(0xE1); n != 1 || !ok || !m.OptionalEPC(0xE1) {
		t.Errorf("0xE1: size %d %v, optional %v", n, ok, m.OptionalEPC(0xE1))
	}
}

func TestSchneiderKeepAliveRespectsLifebit2(t *testing.T) {
	m := libraryMapping(t, "schneider-evlink-pro-ac")
	control := func(lifebit uint16) *Input {
		return &Input{Regs: map[string][]uint16{"control": {lifebit, 0, 0, 0, 16}}}
	}
	for lifebit, want := range map[uint16][]Write{
		0: {{Kind: WriteRegisters, Address: 4000, Words: []uint16{1}}},
		1: {{Kind: WriteRegisters, Address: 4000, Words: []uint16{1}}},
		2: {},
	} {
		w, err := m.EvalCommand("keepAlive", control(lifebit), Args{})
		if err != nil || !reflect.DeepEqual(w, want) {
			t.Errorf("lifebit %d: %v, %v; want %v", lifebit, w, err, want)
		}
	}
	// Before the lifebit is read, keepAlive writes nothing and says why.
	if _, err := m.EvalCommand("keepAlive", &Input{}, Args{}); !errors.Is(err, ErrInputMissing) || !strings.Contains(err.Error(), `block "control" not read`) {
		t.Errorf("keepAlive before a read: %v", err)
	}
	ev := m.Evaluate(&Input{Regs: map[string][]uint16{"state": {12}}})
	if !strings.Contains(ev.Unknown["evConnected"], "evState 12") {
		t.Errorf("undocumented evState: %+v", ev.Unknown)
	}
}

func TestModbusTemplateFixes(t *testing.T) {
	abb := libraryMapping(t, "abb-terra-ac")
	for code, want := range map[uint32]string{0: "", 0x00010003: "65539"} {
		if got := abb.Evaluate(abbInput(code, 0x0101, 0x0400, nil)).Signals["faultCode"]; got != want {
			t.Errorf("ABB error code %d: faultCode %q, want %q", code, got, want)
		}
	}
	alfen := libraryMapping(t, "alfen-eve")
	socket := func(state string) *Input {
		s := make([]uint16, 16)
		s[1] = uint16(state[0]) << 8
		if len(state) > 1 {
			s[1] |= uint16(state[1])
		}
		return &Input{Regs: map[string][]uint16{"socket": s}}
	}
	for state, want := range map[string]any{"A": false, "B2": true, "C2": true} {
		if got := alfen.Evaluate(socket(state)).Signals["evConnected"]; got != want {
			t.Errorf("Alfen %s: evConnected %v, want %v", state, got, want)
		}
	}
	if ev := alfen.Evaluate(socket("F")); !strings.Contains(ev.Unknown["evConnected"], `"F"`) {
		t.Errorf("Alfen F: %+v", ev)
	}
}

// The cost estimate of every library expression, result sizes included,
// bounds what it actually costs, on the paths that build text for unknown()
// (0xFF everywhere) as on the others (zeros).
func TestLibraryCostEstimates(t *testing.T) {
	for _, name := range []string{"abb-terra-ac", "alfen-eve", "keba-p30", "schneider-evlink-pro-ac", "echonet-ev-charger", "echonet-v2h"} {
		spec, m := librarySpec(t, name), libraryMapping(t, name)
		for _, fill := range []byte{0x00, 0xFF} {
			in := &Input{Regs: map[string][]uint16{}, EPC: map[byte][]byte{}, SetMap: []byte{0xEB}}
			if r := spec.Read.Modbus; r != nil {
				for _, b := range r.Blocks {
					in.Regs[b.Name] = slices.Repeat([]uint16{uint16(fill)<<8 | uint16(fill)}, b.Count)
				}
			}
			if r := spec.Read.Echonet; r != nil {
				for _, s := range r.EPCs {
					epc, _ := v1alpha1.ParseEPC(s)
					n, _ := m.EPCSize(epc)
					in.EPC[epc] = slices.Repeat([]byte{fill}, n)
				}
			}
			for _, s := range m.signals {
				checkActualCost(t, s.prg, in)
			}
			for _, p := range m.commands {
				checkActualCost(t, p, in)
			}
		}
	}
}

// KEBA's P30 accepts only FC06 on its uint16 write registers.
func TestKEBACommandsAreFC06(t *testing.T) {
	m := libraryMapping(t, "keba-p30")
	for _, c := range []struct {
		command string
		args    Args
		want    []Write
	}{
		{"setCurrentLimit", Args{LimitA: 10.5}, []Write{{Kind: WriteRegister, Address: 5004, Words: []uint16{10500}}}},
		{"setCurrentLimit", Args{LimitA: 80}, []Write{{Kind: WriteRegister, Address: 5004, Words: []uint16{32000}}}},
		// start sets the current in force before it enables the station.
		{"start", Args{LimitA: 16}, []Write{{Kind: WriteRegister, Address: 5004, Words: []uint16{16000}}, {Kind: WriteRegister, Address: 5014, Words: []uint16{1}}}},
		{"stop", Args{}, []Write{{Kind: WriteRegister, Address: 5014, Words: []uint16{0}}}},
		{"keepAlive", Args{}, []Write{{Kind: WriteRegister, Address: 5018, Words: []uint16{20}}}},
	} {
		w, err := m.EvalCommand(c.command, &Input{}, c.args)
		if err != nil || !reflect.DeepEqual(w, c.want) {
			t.Errorf("%s(%+v) = %v, %v; want %v", c.command, c.args, w, err, c.want)
		}
	}
}

func with(m map[byte][]byte, epc byte, edt []byte) map[byte][]byte {
	m[epc] = edt
	return m
}

func without(m map[byte][]byte, epc byte) map[byte][]byte {
	delete(m, epc)
	return m
}
