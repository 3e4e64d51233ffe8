package manifest

import (
	"reflect"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// exampleTemplates reads the template library, every file validated as
// apply validates it.
func exampleTemplates(t *testing.T, dir string) map[string]*v1alpha1.Template {
	t.Helper()
	docs, err := ReadFiles([]string{dir}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*v1alpha1.Template{}
	for _, d := range docs {
		if d.Object.Kind != "Template" {
			continue
		}
		tpl, err := v1alpha1.DecodeTemplate(d.Object)
		if err != nil {
			t.Fatalf("%s: %v", d.Source, err)
		}
		out[tpl.Metadata.Name] = tpl
	}
	return out
}

// resolve merges a template over the chain it extends, as the template
// controller does.
func resolve(t *testing.T, all map[string]*v1alpha1.Template, name string) v1alpha1.TemplateSpec {
	t.Helper()
	tpl, ok := all[name]
	if !ok {
		t.Fatalf("no template %q", name)
	}
	spec := tpl.Spec
	for seen := map[string]bool{name: true}; spec.Extends != ""; {
		parent, ok := all[spec.Extends]
		if !ok || seen[spec.Extends] {
			t.Fatalf("%s: extends %q, which is missing or a cycle", name, spec.Extends)
		}
		seen[spec.Extends] = true
		spec = v1alpha1.MergeTemplate(parent.Spec, spec)
		spec.Extends = parent.Spec.Extends
	}
	return spec
}

// TestExampleTemplatesCompile keeps every shipped template valid and its CEL
// compiling once merged with what it extends.
func TestExampleTemplatesCompile(t *testing.T) {
	all := exampleTemplates(t, "../../examples/templates/")
	want := []string{"modbus-base", "abb-terra-ac", "alfen-eve", "keba-p30", "keba-p30-rfid", "schneider-evlink-pro-ac",
		"echonet-ev-charger", "echonet-v2h", "goe-charger"}
	if len(all) != len(want) {
		t.Errorf("%d templates, want %d", len(all), len(want))
	}
	for _, name := range want {
		if all[name] == nil {
			t.Errorf("template %q missing from examples/templates/", name)
		}
	}
	extended := 0
	for name, tpl := range all {
		if tpl.Spec.Extends != "" {
			extended++
		}
		spec := resolve(t, all, name)
		if spec.Read == nil {
			continue // a base without reads: its models compile it
		}
		m, errs := cel.NewMapping(&spec)
		if len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
			continue
		}
		if len(m.Signals()) < 5 || !m.HasCommand("setCurrentLimit") {
			t.Errorf("%s: signals %v, setCurrentLimit %v", name, m.Signals(), m.HasCommand("setCurrentLimit"))
		}
	}
	if extended < 2 {
		t.Errorf("%d templates use extends, want a modbus and an echonet family", extended)
	}
}

// TestSiteTemplatesMatchLibrary: site.yaml carries copies of two library
// templates so it applies alone; they must not drift apart.
func TestSiteTemplatesMatchLibrary(t *testing.T) {
	lib := exampleTemplates(t, "../../examples/templates/")
	site := exampleTemplates(t, "../../examples/site.yaml")
	for _, name := range []string{"modbus-base", "abb-terra-ac"} {
		if site[name] == nil || lib[name] == nil {
			t.Fatalf("%s missing: site %v, library %v", name, site[name] != nil, lib[name] != nil)
		}
		if !reflect.DeepEqual(site[name].Spec, lib[name].Spec) || !reflect.DeepEqual(site[name].Metadata.Labels, lib[name].Metadata.Labels) {
			t.Errorf("%s differs between examples/site.yaml and examples/templates/", name)
		}
	}
}
