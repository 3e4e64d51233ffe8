// Package examples_test reads every shipped template against its simulated
// device through the real drivers, and compares the signals with golden
// files in testdata/. Run `go test ./examples/ -update` to rewrite them.
package examples_test

import (
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/controllers/charger"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// library is every template in templates/, decoded as apply decodes it.
func library(t *testing.T) map[string]v1alpha1.TemplateSpec {
	t.Helper()
	docs, err := manifest.ReadFiles([]string{"templates/"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]v1alpha1.TemplateSpec{}
	for _, d := range docs {
		tpl, err := v1alpha1.DecodeTemplate(d.Object)
		if err != nil {
			t.Fatalf("%s: %v", d.Source, err)
		}
		out[tpl.Metadata.Name] = tpl.Spec
	}
	return out
}

// resolved merges the named template over what it extends and compiles it.
func resolved(t *testing.T, name string) (v1alpha1.TemplateSpec, *cel.Mapping) {
	t.Helper()
	all := library(t)
	spec, ok := all[name]
	if !ok {
		t.Fatalf("no template %q in templates/", name)
	}
	for depth := 0; spec.Extends != ""; depth++ {
		parent, ok := all[spec.Extends]
		if !ok || depth > 8 {
			t.Fatalf("%s: cannot resolve extends %q", name, spec.Extends)
		}
		next := parent.Extends
		spec = v1alpha1.MergeTemplate(parent, spec)
		spec.Extends = next
	}
	m, errs := cel.NewMapping(&spec)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return spec, m
}

// rig is one template wired to its simulated device.
type rig struct {
	c    *sim.Charger
	dev  charger.Device
	m    *cel.Mapping
	sync func() // brings the device's view up to the charger (EL tables)
}

func openRig(t *testing.T, c *sim.Charger, m *cel.Mapping, cfg charger.DeviceConfig, sync func()) *rig {
	t.Helper()
	d := charger.NewDrivers(map[string]any{v1alpha1.ProtocolEchonet: elClientConfig()})
	t.Cleanup(func() { d.Close() })
	dev, err := d.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	if sync == nil {
		sync = func() {}
	}
	return &rig{c: c, dev: dev, m: m, sync: sync}
}

// read polls the device once and evaluates the signals.
func (r *rig) read(t *testing.T) (*cel.Input, map[string]any, []string) {
	t.Helper()
	r.sync()
	rd, err := r.dev.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	in := rd.Input
	sig, errs := r.m.EvalSignals(in)
	var texts []string
	for _, e := range errs {
		texts = append(texts, e.Error())
	}
	sort.Strings(texts)
	return in, sig, texts
}

// run evaluates a command over a fresh read and writes it to the device.
func (r *rig) run(t *testing.T, name string, args cel.Args) {
	t.Helper()
	in, _, _ := r.read(t)
	writes, err := r.m.EvalCommand(name, in, args)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.dev.Write(context.Background(), writes); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// golden compares the signals (and failed signals) with testdata/<name>.json.
// Numbers are rounded to 1e-6: the simulated energy is a sum of many steps,
// whose last bits may differ where the compiler fuses multiply-adds (arm64).
func golden(t *testing.T, name string, signals map[string]any, errs []string) {
	t.Helper()
	rounded := map[string]any{}
	for k, v := range signals {
		if f, ok := v.(float64); ok {
			v = math.Round(f*1e6) / 1e6
		}
		rounded[k] = v
	}
	got, err := json.MarshalIndent(map[string]any{"signals": rounded, "errors": errs}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: signals differ from the golden file\n got: %s\nwant: %s", path, got, want)
	}
}
