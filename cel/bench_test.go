package cel

import (
	"testing"
)

var benchSink any

func abbBenchInput() *Input {
	return abbInput(0, 0x0101, 0x0400, map[int]uint32{
		6: 16000, 8: 15500, 10: 15400, 12: 15600, 14: 2301, 16: 2298, 18: 2310, 20: 10650, 22: 5000,
	})
}

// BenchmarkEvalSignal is one typical signal: "prepared" is its share of an
// EvalSignals call (input already converted), "input" includes converting
// the poll's blocks for CEL.
func BenchmarkEvalSignal(b *testing.B) {
	p, err := Compile(modbusSignals, `double(u32(regs["status"], 6)) / 1000.0`, OutputNumber)
	if err != nil {
		b.Fatal(err)
	}
	in := abbBenchInput()
	b.Run("prepared", func(b *testing.B) {
		act := newActivation("modbus", "", in, Args{})
		b.ReportAllocs()
		for b.Loop() {
			v, err := p.eval(act)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = v
		}
	})
	b.Run("input", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			v, err := p.Eval(in, Args{})
			if err != nil {
				b.Fatal(err)
			}
			benchSink = v
		}
	})
}

// BenchmarkEvalTemplate evaluates every signal of the ABB Terra AC template
// in one EvalSignals call, as one poll does. "go-baseline" computes the same
// 14 signals in plain Go, the floor the CEL figure is a ratio against.
func BenchmarkEvalTemplate(b *testing.B) {
	m, errs := NewMapping(abbSpec(b))
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	in := abbBenchInput()
	n := len(m.Signals())
	b.Run("cel", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, errs := m.EvalSignals(in)
			if len(errs) > 0 {
				b.Fatal(errs)
			}
			benchSink = out
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/signal")
	})
	b.Run("go-baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchSink = abbSignalsInGo(in)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/signal")
	})
}

func abbSignalsInGo(in *Input) map[string]any {
	s := in.Regs["status"]
	u32 := func(i int) uint32 { return uint32(s[i])<<16 | uint32(s[i+1]) }
	state := (s[5] / 256) % 128
	faultCode := ""
	if u32(0) != 0 {
		faultCode = itoaU(u32(0))
	}
	return map[string]any{
		"operative": true, "faulted": u32(0) != 0, "faultCode": faultCode,
		"evConnected": u32(2) >= 257, "charging": state == 4, "suspended": state == 2 || state == 3,
		"currentLimitA": float64(u32(6)) / 1000, "currentA1": float64(u32(8)) / 1000,
		"currentA2": float64(u32(10)) / 1000, "currentA3": float64(u32(12)) / 1000,
		"voltageV1": float64(u32(14)) / 10, "voltageV2": float64(u32(16)) / 10,
		"voltageV3": float64(u32(18)) / 10, "powerW": float64(u32(20)),
	}
}

func itoaU(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		if v /= 10; v == 0 {
			return string(b[i:])
		}
	}
}

// BenchmarkCompile is the apply-time cost of one expression, uncached, and
// of a cache hit.
func BenchmarkCompile(b *testing.B) {
	expr := `[write(16640, u32words(int(clamp(limitA, 0.0, double(u32(regs["info"], 6)) / 1000.0) * 1000.0)))]`
	kind := CommandEnv("modbus", "setCurrentLimit")
	if _, err := environment(kind); err != nil {
		b.Fatal(err)
	}
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := compile(kind, expr, OutputWrites)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = p
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := Compile(kind, expr, OutputWrites)
			if err != nil {
				b.Fatal(err)
			}
			benchSink = p
		}
	})
}
