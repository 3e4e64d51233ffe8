package cel

import (
	"slices"
	"strings"
	"testing"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// A keyed protocol registered by this test, as a driver package registers
// one: its answer's members reach CEL as doc.
func init() {
	RegisterProtocol(Protocol{Name: "kvtest", Vars: []string{"doc"}, DataVar: "doc",
		Options: func(string) []celgo.EnvOption { return nil },
		Sizes:   map[string]cost.SizeEstimate{"doc": cost.RangedSizeEstimate(0, 8)}})
}

// TestDataKeysMissingAreUnknown: a constant key of the protocol's data
// variable that did not arrive, or arrived null, makes the signal unknown
// with the reason; one that arrived is used, and an expression that does
// not need the missing key is known.
func TestDataKeysMissingAreUnknown(t *testing.T) {
	m, errs := newMappingForTest(t, "kvtest", map[string]string{
		"charging":  `doc.car == 2.0`,
		"powerW":    `doc["p"]`,
		"operative": `"car" in doc ? doc.car != 5.0 : true`,
	})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cases := []struct {
		data    map[string]any
		absent  map[string]string
		unknown map[string]string // signal → part of the reason
		known   map[string]any
	}{
		{map[string]any{"car": 2.0, "p": 7.0}, nil, nil, map[string]any{"charging": true, "powerW": 7.0, "operative": true}},
		{map[string]any{"p": 7.0}, nil, map[string]string{"charging": `key "car" not received`}, map[string]any{"operative": true}},
		{map[string]any{"car": nil, "p": 7.0}, nil, map[string]string{"charging": `key "car" null`}, map[string]any{"powerW": 7.0}},
		{map[string]any{"car": 2.0}, map[string]string{"p": "answered an error"},
			map[string]string{"powerW": `key "p" answered an error`}, map[string]any{"charging": true}},
	}
	for i, c := range cases {
		ev := m.Evaluate(&Input{Data: c.data, DataAbsent: c.absent})
		if len(ev.Errors) > 0 {
			t.Errorf("case %d: errors %v", i, ev.Errors)
		}
		for s, why := range c.unknown {
			if !strings.Contains(ev.Unknown[s], why) {
				t.Errorf("case %d: %s unknown %q, want %q (value %v)", i, s, ev.Unknown[s], why, ev.Signals[s])
			}
		}
		for s, v := range c.known {
			if ev.Signals[s] != v {
				t.Errorf("case %d: %s = %v, want %v (%q)", i, s, ev.Signals[s], v, ev.Unknown[s])
			}
		}
	}
}

func TestUnknownProtocolNamesTheRegistered(t *testing.T) {
	_, err := Compile(SignalEnv("canbus"), "true", OutputBool)
	if err == nil || !strings.Contains(err.Error(), "echonet, kvtest, modbus") {
		t.Errorf("got %v", err)
	}
	if got := likelyProtocols(`doc.car == 1.0`); got[0] != "kvtest" || !slices.Contains(got, "modbus") {
		t.Errorf("likely protocols of a doc expression: %v", got)
	}
	if got := likelyProtocols(`u8(epc[0xC7], 0) == 0x41`); got[0] != "echonet" {
		t.Errorf("likely protocols of an epc expression: %v", got)
	}
}

// newMappingForTest compiles signals for protocol.
func newMappingForTest(t *testing.T, protocol string, signals map[string]string) (*Mapping, []error) {
	t.Helper()
	return NewMapping(&v1alpha1.TemplateSpec{Protocol: protocol, Signals: signals})
}
