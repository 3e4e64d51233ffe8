package cel

import (
	"errors"
	"maps"
	"os"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// siteTemplates reads the Templates of examples/site.yaml by name.
func siteTemplates(t testing.TB) map[string]v1alpha1.TemplateSpec {
	t.Helper()
	raw, err := os.ReadFile("../examples/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]v1alpha1.TemplateSpec{}
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		var tpl v1alpha1.Template
		if err := yaml.Unmarshal([]byte(doc), &tpl); err != nil {
			t.Fatalf("examples/site.yaml: %v", err)
		}
		if tpl.Kind == "Template" {
			out[tpl.Metadata.Name] = tpl.Spec
		}
	}
	return out
}

// abbSpec is the abb-terra-ac template with its extends chain applied, as
// the template controller resolves it: the child's entries win.
func abbSpec(t testing.TB) *v1alpha1.TemplateSpec {
	t.Helper()
	tpls := siteTemplates(t)
	base, abb := tpls["modbus-base"], tpls["abb-terra-ac"]
	if abb.Extends != "modbus-base" || len(abb.Signals) == 0 {
		t.Fatalf("examples/site.yaml: abb-terra-ac no longer extends modbus-base with signals")
	}
	spec := abb
	spec.Protocol = base.Protocol
	spec.Signals = maps.Clone(base.Signals)
	maps.Copy(spec.Signals, abb.Signals)
	return &spec
}

// abbInput builds the two read blocks of the ABB Terra AC (devices.md §4.1):
// info at 0x4000 (max rated current at [6..7]) and status at 0x4008.
func abbInput(errorCode, lockState uint32, stateReg uint16, regs map[int]uint32) *Input {
	status := make([]uint16, 24)
	put := func(i int, v uint32) { status[i], status[i+1] = uint16(v>>16), uint16(v) }
	put(0, errorCode)
	put(2, lockState)
	status[5] = stateReg
	for i, v := range regs {
		put(i, v)
	}
	info := []uint16{0x5445, 0x5241, 0x4143, 0x0001, 0x0106, 0x0500, 0, 32000}
	return &Input{Regs: map[string][]uint16{"info": info, "status": status}, ConnectorID: 1}
}

func TestSiteExampleABBSignals(t *testing.T) {
	m, errs := NewMapping(abbSpec(t))
	if len(errs) > 0 {
		t.Fatalf("NewMapping(abb-terra-ac) = %v", errs)
	}
	meters := map[int]uint32{6: 16000, 8: 15500, 10: 15400, 12: 15600, 14: 2301, 16: 2298, 18: 2310, 20: 10650, 22: 5000}
	base := map[string]any{
		"operative": true, "faulted": false, "faultCode": "",
		"currentLimitA": 16.0, "currentA1": 15.5, "currentA2": 15.4, "currentA3": 15.6,
		"voltageV1": 230.1, "voltageV2": 229.8, "voltageV3": 231.0, "powerW": 10650.0,
	}
	with := func(kv ...any) map[string]any {
		w := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			w[kv[i].(string)] = kv[i+1]
		}
		return w
	}
	cases := []struct {
		name string
		in   *Input
		want map[string]any
	}{
		{"C2 charging", abbInput(0, 0x0101, 0x0400, meters), with("evConnected", true, "charging", true, "suspended", false)},
		{"C2 with the high bit set", abbInput(0, 0x0101, 0x8400, meters), with("evConnected", true, "charging", true, "suspended", false)},
		{"B2 EVSE ready", abbInput(0, 0x0101, 0x0200, meters), with("evConnected", true, "charging", false, "suspended", true)},
		{"C1 EV ready, no PWM", abbInput(0, 0x0111, 0x0312, meters), with("evConnected", true, "charging", false, "suspended", true)},
		{"A idle, no cable", abbInput(0, 0, 0, meters), with("evConnected", false, "charging", false, "suspended", false)},
		{"error code", abbInput(0x00010003, 0, 0, meters),
			with("evConnected", false, "charging", false, "suspended", false, "faulted", true, "faultCode", "65539")},
	}
	for _, c := range cases {
		got, errs := m.EvalSignals(c.in)
		if len(errs) > 0 {
			t.Fatalf("%s: EvalSignals errors: %v", c.name, errs)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: EvalSignals =\n%v\nwant\n%v", c.name, got, c.want)
		}
	}
	if n := len(m.Signals()); n != 14 {
		t.Errorf("Signals() has %d names, want the 14 of base + ABB", n)
	}
}

func TestSiteExampleABBCommands(t *testing.T) {
	m, errs := NewMapping(abbSpec(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := abbInput(0, 0x0101, 0x0400, nil)
	limit := func(mA uint16) []Write {
		return []Write{{Kind: WriteRegisters, Address: 0x4100, Words: []uint16{0, mA}}}
	}
	for _, c := range []struct {
		amps float64
		want []Write
	}{
		{20, limit(20000)},
		{6.5, limit(6500)},
		{40, limit(32000)}, // clamped to the max rated current in info[6..7]
		{-5, limit(0)},
	} {
		got, err := m.EvalCommand("setCurrentLimit", in, Args{LimitA: c.amps})
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("setCurrentLimit(%g A) = %v, %v; want %v", c.amps, got, err, c.want)
		}
	}
	if got, err := m.EvalCommand("stop", in, Args{}); err != nil || !reflect.DeepEqual(got, limit(0)) {
		t.Errorf("stop = %v, %v; want %v", got, err, limit(0))
	}
	// start offers the limit in force, at most the rated current (info[6..7], 32 A).
	if got, err := m.EvalCommand("start", in, Args{LimitA: 12}); err != nil || !reflect.DeepEqual(got, limit(12000)) {
		t.Errorf("start(12 A) = %v, %v; want %v", got, err, limit(12000))
	}
	if got, err := m.EvalCommand("start", in, Args{LimitA: 63}); err != nil || !reflect.DeepEqual(got, limit(32000)) {
		t.Errorf("start(63 A) = %v, %v; want %v", got, err, limit(32000))
	}
	if _, err := m.EvalCommand("unlock", in, Args{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("unlock = %v, want ErrUnsupported", err)
	}
	if !m.HasCommand("stop") || m.HasCommand("unlock") {
		t.Error("HasCommand disagrees with the template's commands")
	}
}

func TestMappingReportsAllErrors(t *testing.T) {
	spec := &v1alpha1.TemplateSpec{
		Protocol: "modbus",
		Read:     &v1alpha1.TemplateRead{Modbus: &v1alpha1.ModbusRead{Blocks: []v1alpha1.ModbusBlock{{Name: "status", Count: 24}}}},
		Signals: map[string]string{
			"powerW":    `double(u32(regz["status"], 20))`,
			"charging":  `u32(regs["status"], 4)`,
			"bogus":     `true`,
			"voltageV1": `double(u32(regs["statuz"], 14)) / 10.0`,
			"currentA1": `double(u32(regs.stat, 8))`,
			"operative": `true`,
		},
		Commands: map[string]v1alpha1.TemplateCommand{
			"setCurrentLimit": {Expr: `[write(16640, u32words(int(limitW)))]`},
			"stop":            {Expr: `[write(16640, u32words(0))]`},
		},
	}
	m, errs := NewMapping(spec)
	if m != nil {
		t.Error("NewMapping returned a mapping despite errors")
	}
	want := []string{
		`spec.signals.bogus: unknown signal "bogus"`,
		`spec.signals.charging: expression yields int, want bool`,
		`spec.signals.currentA1: reads block "stat", which spec.read.modbus.blocks does not define`,
		`spec.signals.powerW: line 1, column 12: undeclared reference to 'regz' (did you mean 'regs'?)`,
		`spec.signals.voltageV1: reads block "statuz", which spec.read.modbus.blocks does not define`,
		`spec.commands.setCurrentLimit.expr: line 1, column 28: undeclared reference to 'limitW' (did you mean 'limitA'?)`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("NewMapping errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ce *Error
	if len(errs) < 4 || !errors.As(errs[3], &ce) || ce.Field != "spec.signals.powerW" || ce.Line != 1 || ce.Column != 12 {
		t.Errorf("errors[3] = %#v, want an *Error at spec.signals.powerW line 1 column 12", errs[3])
	}
	// The cached program's error must not carry the field of the last user.
	if _, err := Compile(modbusSignals, `double(u32(regz["status"], 20))`, OutputNumber); !errors.As(err, &ce) || ce.Field != "" {
		t.Errorf("Compile error after NewMapping = %#v, want no field", err)
	}
	if _, errs := NewMapping(&v1alpha1.TemplateSpec{Protocol: "bacnet"}); len(errs) != 1 || !strings.Contains(errs[0].Error(), "spec.protocol") {
		t.Errorf("NewMapping(protocol bacnet) = %v, want one spec.protocol error", errs)
	}
}

func TestEvalSignalsPartialFailure(t *testing.T) {
	m, errs := NewMapping(abbSpec(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := abbInput(0, 0x0101, 0x0400, nil)
	in.Regs["status"] = in.Regs["status"][:11] // a short read: registers 0..10
	got, errs := m.EvalSignals(in)
	if got["evConnected"] != true || got["charging"] != true || got["currentA1"] != 0.0 {
		t.Errorf("signals within the short block = %v, want them evaluated", got)
	}
	if _, ok := got["currentA2"]; ok {
		t.Error("currentA2 past the end of the block has a value")
	}
	want := "spec.signals.currentA2: u32: index 10 out of range (needs registers 10..11, block has 11)"
	found := false
	for _, e := range errs {
		found = found || e.Error() == want
	}
	if !found || len(errs) != 6 { // currentA2, currentA3, voltageV1..3, powerW
		t.Errorf("EvalSignals errors = %v, want 6 including %q", errs, want)
	}
}

// An ECHONET Lite EV charger, class 0x02A1 (devices.md §2.1).
func echonetSpec() *v1alpha1.TemplateSpec {
	return &v1alpha1.TemplateSpec{
		Protocol: "echonet",
		Read: &v1alpha1.TemplateRead{Echonet: &v1alpha1.EchonetRead{
			EPCs: []string{"0x80", "0x88", "0x89", "0xC7", "0xD3", "0xD8", "0xDA", "0xE4", "0xE6", "0xED"}}},
		Signals: map[string]string{
			"operative":     `be(epc[0x80]) == 0x30`,
			"faulted":       `be(epc[0x88]) == 0x41`,
			"faultCode":     `be(epc[0x89]) == 0 ? "" : hex(epc[0x89])`,
			"evConnected":   `be(epc[0xC7]) in [0x40, 0x41, 0x44]`,
			"charging":      `be(epc[0xDA]) == 0x42 && be(epc[0xD3]) > 0`,
			"suspended":     `be(epc[0xC7]) == 0x40`,
			"powerW":        `be(epc[0xD3])`,
			"energyWh":      `be(epc[0xD8])`, // 0.001 kWh is 1 Wh
			"socPercent":    `be(epc[0xE4])`,
			"vehicleId":     `u8(epc[0xE6], 0) == 0 ? "" : hex(sub(epc[0xE6], 1, u8(epc[0xE6], 0)))`,
			"currentLimitA": `double(be(epc[0xED])) / 10.0`,
		},
		Commands: map[string]v1alpha1.TemplateCommand{
			"start":           {Expr: `[setEPC(0xDA, b'\x42')]`},
			"stop":            {Expr: `[setEPC(0xDA, b'\x44')]`},
			"setCurrentLimit": {Expr: `[setEPC(0xED, bebytes(int(clamp(limitA, 0.0, 6553.3) * 10.0), 2))]`},
		},
	}
}

func TestEchonetMapping(t *testing.T) {
	m, errs := NewMapping(echonetSpec())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := &Input{EPC: map[byte][]byte{
		0x80: {0x30}, 0x88: {0x42}, 0x89: {0, 0}, 0xC7: {0x41},
		0xD3: {0, 0, 0x1C, 0xE8}, 0xD8: {0, 0x01, 0xE2, 0x40}, 0xDA: {0x42}, 0xE4: {80},
		0xE6: {3, 0xAB, 0xCD, 0xEF}, 0xED: {0, 160},
	}}
	got, errs := m.EvalSignals(in)
	want := map[string]any{
		"operative": true, "faulted": false, "faultCode": "", "evConnected": true, "charging": true,
		"suspended": false, "powerW": 7400.0, "energyWh": 123456.0, "socPercent": 80.0,
		"vehicleId": "ABCDEF", "currentLimitA": 16.0,
	}
	if len(errs) > 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("EvalSignals = %v, %v\nwant %v", got, errs, want)
	}
	w, err := m.EvalCommand("setCurrentLimit", in, Args{LimitA: 13.2})
	if want := []Write{{Kind: WriteEPC, EPC: 0xED, Data: []byte{0, 132}}}; err != nil || !reflect.DeepEqual(w, want) {
		t.Errorf("setCurrentLimit(13.2) = %v, %v; want %v", w, err, want)
	}
	spec := echonetSpec()
	spec.Signals["powerW"] = `be(epc[0xD4])`
	if _, errs := NewMapping(spec); len(errs) != 1 || errs[0].Error() != "spec.signals.powerW: reads EPC 0xD4, which spec.read.echonet.epcs does not list" {
		t.Errorf("NewMapping with an unread EPC = %v", errs)
	}
}

// The plain plan runs untracked on the estimate's word; check the estimate
// against the tracked cost for every expression of the example templates.
func TestEstimateBoundsActualCost(t *testing.T) {
	m, errs := NewMapping(abbSpec(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, s := range m.signals {
		checkActualCost(t, s.prg, abbBenchInputFor())
	}
	for _, p := range m.commands {
		checkActualCost(t, p, abbBenchInputFor())
	}
	e, errs := NewMapping(echonetSpec())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := &Input{EPC: map[byte][]byte{0x80: {0x30}, 0x88: {0x42}, 0x89: {0, 1}, 0xC7: {0x41}, 0xD3: {0, 0, 1, 0},
		0xD8: {0, 0, 0, 1}, 0xDA: {0x42}, 0xE4: {5}, 0xE6: {2, 1, 2}, 0xED: {0, 10}}}
	for _, s := range e.signals {
		checkActualCost(t, s.prg, in)
	}
	// Over a full-size block, a loop costs what the estimate allowed for.
	p, err := Compile(modbusSignals, `regs["a"].filter(x, x > 0).size() > 0`, OutputBool)
	if err != nil {
		t.Fatal(err)
	}
	checkActualCost(t, p, &Input{Regs: map[string][]uint16{"a": make([]uint16, maxBlockLen)}})
}

func abbBenchInputFor() *Input {
	return abbInput(0x00010003, 0x0101, 0x0400, map[int]uint32{6: 16000, 20: 10650})
}
