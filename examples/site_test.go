package examples_test

import (
	"reflect"
	"testing"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestSiteCarriesTheLibraryTemplates: site.yaml carries copies of library
// templates so it applies alone; each copy must equal its original.
func TestSiteCarriesTheLibraryTemplates(t *testing.T) {
	docs, err := manifest.ReadFiles([]string{"site.yaml"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	lib := library(t)
	copies := 0
	for _, d := range docs {
		if d.Object.Kind != "Template" {
			continue
		}
		tpl, err := v1alpha1.DecodeTemplate(d.Object)
		if err != nil {
			t.Fatalf("%s: %v", d.Source, err)
		}
		orig, ok := lib[tpl.Metadata.Name]
		if !ok {
			continue
		}
		copies++
		if !reflect.DeepEqual(orig, tpl.Spec) {
			t.Errorf("site.yaml's template %q differs from templates/%s.yaml", tpl.Metadata.Name, tpl.Metadata.Name)
		}
	}
	if copies == 0 {
		t.Fatal("site.yaml carries no library template")
	}
}
