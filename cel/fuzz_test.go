package cel

import (
	"strings"
	"testing"
)

var fuzzKinds = []EnvKind{
	SignalEnv("modbus"), SignalEnv("echonet"),
	CommandEnv("modbus", "setCurrentLimit"), CommandEnv("echonet", "setAvailable"),
}

// fuzzInput is small but non-empty, so that evaluating what compiles
// reaches the domain functions' bounds checks.
var fuzzInput = &Input{
	Regs: map[string][]uint16{"status": {0, 257, 0, 0x0400, 0xFFFF, 0x8000}, "info": {1}},
	EPC:  map[byte][]byte{0x80: {0x30}, 0xD3: {0, 0, 0x1C, 0xE8}, 0xE6: {}},
	Prev: map[string]any{"powerW": 1.5, "charging": true, "faultCode": "E1"},
}

// FuzzCompile feeds arbitrary text to Compile in every environment and output
// type, and evaluates whatever compiles: neither may panic, and whatever
// compiled must respect the cost bound.
func FuzzCompile(f *testing.F) {
	for _, seed := range []string{
		`u32(regs["status"], 2) >= 257`,
		`(regs["status"][5] / 256) % 128 in [2, 3]`,
		`double(u32(regs["status"], 6)) / 1000.0`,
		`string(u32(regs["status"], 0))`,
		`[write(16640, u32words(int(clamp(limitA, 0.0, double(u32(regs["info"], 6)) / 1000.0) * 1000.0)))]`,
		`[write(16640, u32words(0))]`,
		`[setEPC(0xDA, available ? b'\x42' : b'\x44')]`,
		`be(epc[0xD3]) > 0 && bes(epc[0xD3], 1, 2) < 0`,
		`enum(u16(regs["status"], 1), {257: "B"}, "?")`,
		`ascii(regs["status"], 0, 6).trim()`,
		`regs["status"].map(x, regs["status"].map(y, x * y))`,
		`hex(sub(epc[0xE6], 1, u8(epc[0xE6], 0)))`,
		`prev["powerW"] + f64ws(regs["status"], 1)`,
		`write(1, [1]).unit(256)`,
		`u8(epc[0x80], 0) == 0x30 ? false : unknown("EPC 0x80 = 0x" + hex(epc[0x80]))`,
		`ascii(regs["status"], 0, 6) == "A" ? 1.0 : unknown("state " + ascii(regs["status"], 0, 6) + string(u16(regs["status"], 1)))`,
		`0xED in setEPCs ? setEPC(0xED, bebytes(1, 2)) : setEPC(0xEB, bebytes(2, 4))`,
		`[writeRegister(5004, 16000), writeCoils(1, [true, false])]`,
		"1 +\n(",
		`[[[[[[[[[[`,
	} {
		f.Add(seed, uint8(0))
	}
	f.Fuzz(func(t *testing.T, expr string, sel uint8) {
		kind := fuzzKinds[int(sel)%len(fuzzKinds)]
		want := OutputType(int(sel/4)%4 + 1)
		p, err := Compile(kind, expr, want)
		if err != nil {
			if p != nil {
				t.Fatalf("Compile(%q) returned a program and an error", expr)
			}
			return
		}
		_, hi := p.EstimatedCost()
		if hi > EstimatedCostLimit {
			t.Fatalf("Compile(%q) accepted estimated cost %d", expr, hi)
		}
		_, _ = p.Eval(fuzzInput, Args{LimitA: 16, Available: true})
		checkActualCost(t, p, fuzzInput)
	})
}

// checkActualCost runs p's cost-tracked plan over in, which must be within
// the declared sizes, and fails if it cost more than the static estimate:
// the plain plan runs such input untracked on the strength of that estimate.
func checkActualCost(t *testing.T, p *Program, in *Input) {
	t.Helper()
	act := newActivation(p.env.Protocol, p.env.Command, in, Args{LimitA: 16, Available: true})
	if !act.bounded {
		t.Fatal("input exceeds the declared sizes")
	}
	_, det, err := p.limited.Eval(act)
	if err != nil && strings.Contains(err.Error(), "cost limit") {
		t.Fatalf("%q: runtime cost limit hit on bounded input: %v", p.expr, err)
	}
	if det == nil || det.ActualCost() == nil {
		t.Fatalf("%q: no cost tracked", p.expr)
	}
	if _, hi := p.EstimatedCost(); *det.ActualCost() > hi {
		t.Fatalf("%q: actual cost %d above the estimate %d", p.expr, *det.ActualCost(), hi)
	}
}
