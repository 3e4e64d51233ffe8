package goe

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// libraryTemplate admits examples/templates/goe-charger.yaml as apply does
// (structure, defaults, validation) and compiles it.
func libraryTemplate(t *testing.T) (*v1alpha1.TemplateSpec, *cel.Mapping) {
	t.Helper()
	raw, err := os.ReadFile("../../examples/templates/goe-charger.yaml")
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	var obj v1alpha1.Object
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	if err := v1alpha1.Admit(&obj); err != nil {
		t.Fatal(err)
	}
	tpl, err := v1alpha1.DecodeTemplate(&obj)
	if err != nil {
		t.Fatal(err)
	}
	m, errs := cel.NewMapping(&tpl.Spec)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return &tpl.Spec, m
}

// answer decodes a status answer as the driver does.
func answer(t *testing.T, s string) map[string]any {
	t.Helper()
	obj, err := decodeObject([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

const nrg16 = `[230,231,229,0,16,15.5,16.2,3600,3500,3700,0,11040,99,99,99,0]`

func TestTemplateReadsTheAnswer(t *testing.T) {
	_, m := libraryTemplate(t)
	ev := m.Evaluate(&cel.Input{Data: answer(t, `{"car":2,"err":0,"amp":16,"frc":0,"eto":123456,"nrg":`+nrg16+`}`)})
	if len(ev.Errors) > 0 || len(ev.Unknown) > 0 {
		t.Fatalf("errors %v, unknown %v", ev.Errors, ev.Unknown)
	}
	want := map[string]any{"evConnected": true, "charging": true, "suspended": false, "faulted": false, "faultCode": "",
		"currentLimitA": 16.0, "energyWh": 123456.0, "voltageV1": 230.0, "voltageV3": 229.0,
		"currentA2": 15.5, "powerW": 11040.0}
	for k, v := range want {
		if ev.Signals[k] != v {
			t.Errorf("%s = %v, want %v", k, ev.Signals[k], v)
		}
	}
	ev = m.Evaluate(&cel.Input{Data: answer(t, `{"car":1,"err":13,"amp":6,"eto":1,"nrg":`+nrg16+`}`)})
	if ev.Signals["evConnected"] != false || ev.Signals["faulted"] != true || ev.Signals["faultCode"] != "go-e error 13" {
		t.Errorf("idle with error 13: %v", ev.Signals)
	}
}

// TestTemplateNeverGuesses: a key the charger left out, answered null, or
// answered with a value the API leaves undefined makes exactly the signals
// that read it unknown, saying why.
func TestTemplateNeverGuesses(t *testing.T) {
	_, m := libraryTemplate(t)
	cases := []struct {
		name   string
		in     cel.Input
		signal string
		why    string
		known  string // a signal that must stay known
	}{
		{"car missing", cel.Input{Data: answer(t, `{"err":0,"amp":16,"eto":5,"nrg":`+nrg16+`}`)},
			"charging", `key "car" not received`, "energyWh"},
		{"car null", cel.Input{Data: answer(t, `{"car":null,"err":0,"amp":16,"eto":5,"nrg":`+nrg16+`}`),
			DataAbsent: map[string]string{"car": "answered null"}}, "evConnected", `key "car" answered null`, "powerW"},
		{"car 0", cel.Input{Data: answer(t, `{"car":0,"err":0,"amp":16,"eto":5,"nrg":`+nrg16+`}`)},
			"evConnected", "car = 0: vehicle state unknown", "charging"},
		{"short nrg", cel.Input{Data: answer(t, `{"car":2,"err":0,"amp":16,"eto":5,"nrg":[230,231]}`)},
			"powerW", "nrg has 2 entries", "energyWh"},
		{"eto missing", cel.Input{Data: answer(t, `{"car":2,"err":0,"amp":16,"nrg":`+nrg16+`}`)},
			"energyWh", `key "eto" not received`, "charging"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := m.Evaluate(&c.in)
			if len(ev.Errors) > 0 {
				t.Fatalf("errors: %v", ev.Errors)
			}
			if _, known := ev.Signals[c.signal]; known || !strings.Contains(ev.Unknown[c.signal], c.why) {
				t.Errorf("%s: value %v, unknown %q; want unknown with %q", c.signal, ev.Signals[c.signal], ev.Unknown[c.signal], c.why)
			}
			if _, ok := ev.Signals[c.known]; !ok {
				t.Errorf("%s went unknown too: %q", c.known, ev.Unknown[c.known])
			}
		})
	}
}

func TestTemplateCommandsSetAmpAndFrc(t *testing.T) {
	_, m := libraryTemplate(t)
	in := &cel.Input{Data: answer(t, `{"car":3}`)}
	cases := []struct {
		cmd  string
		args cel.Args
		want string
	}{
		{"setCurrentLimit", cel.Args{LimitA: 16.7}, "set amp=16"}, // rounded down, never above the limit
		{"setCurrentLimit", cel.Args{LimitA: 2}, "set amp=6"},
		{"setCurrentLimit", cel.Args{LimitA: 63}, "set amp=32"},
		{"start", cel.Args{LimitA: 16}, "set frc=2"},
		{"stop", cel.Args{}, "set frc=1"},
	}
	for _, c := range cases {
		ws, err := m.EvalCommand(c.cmd, in, c.args)
		if err != nil || len(ws) != 1 || ws[0].String() != c.want {
			t.Errorf("%s %+v: %v %v, want %s", c.cmd, c.args, ws, err, c.want)
		}
	}
	if _, err := m.EvalCommand("unlock", in, cel.Args{}); err == nil {
		t.Error("unlock is not in the template but ran")
	}
}

// TestWorstCasePollIsOneRequest: the apply-time warning about polls that
// outlast their interval knows a go-e poll is one request.
func TestWorstCasePollIsOneRequest(t *testing.T) {
	spec, _ := libraryTemplate(t)
	c := v1alpha1.ChargerSpec{Connection: v1alpha1.NewConnection(ConnectionKey, &Connection{URL: "http://10.0.0.9", Timeout: "3s"})}
	if d, how := v1alpha1.WorstCasePoll(c, *spec, nil); d != 3*time.Second || !strings.Contains(how, "one status request") {
		t.Errorf("%v %q", d, how)
	}
	if d, _ := v1alpha1.WorstCasePoll(c, v1alpha1.TemplateSpec{Protocol: Protocol}, nil); d != 0 {
		t.Errorf("nothing read, yet %v", d)
	}
}

// TestKeyNotReadIsRejectedAtApply: an expression reading a key the read
// section does not ask for would be unknown on every poll; it does not
// compile.
func TestKeyNotReadIsRejectedAtApply(t *testing.T) {
	spec, _ := libraryTemplate(t)
	bad := *spec
	bad.Signals = map[string]string{"socPercent": `status.soc`}
	_, errs := cel.NewMapping(&bad)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `reads key "soc", which spec.read.goe.keys does not list`) ||
		!strings.Contains(errs[0].Error(), "spec.signals.socPercent") {
		t.Errorf("got %v", errs)
	}
}
