package v1alpha1

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRegisterRefusesBadRegistrations proves a clash or an incomplete
// registration stops start-up instead of shadowing a kind.
func TestRegisterRefusesBadRegistrations(t *testing.T) {
	type noMethods struct {
		APIVersion, Kind string
		Metadata         ObjectMeta
		Spec             struct{}
		Status           struct{}
	}
	type widget struct {
		APIVersion, Kind string
		Metadata         ObjectMeta
		Spec             BusSpec
		Status           struct{}
	}
	ok := Registration{Kind: "Widget", Singular: "widget", Plural: "widgets", Scope: ScopeCluster, Type: reflect.TypeFor[widget]()}
	cases := map[string]struct {
		mutate func(r *Registration)
		want   string
	}{
		"short name taken":   {func(r *Registration) { r.Short = []string{"ch"} }, `name "ch" is taken by Charger`},
		"type taken":         {func(r *Registration) { r.Type = reflect.TypeFor[Bus]() }, "is registered already"},
		"no scope":           {func(r *Registration) { r.Scope = "" }, "scope"},
		"spec lacks methods": {func(r *Registration) { r.Type = reflect.TypeFor[noMethods]() }, "has no SetDefaults and Validate"},
		"no plural":          {func(r *Registration) { r.Plural = "" }, "required"},
		"ref outside spec": {func(r *Registration) {
			r.References = []RefPath{{Path: "metadata.name", Kind: KindBus}}
		}, "path under spec"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			s := NewScheme()
			for _, r := range scheme.Kinds() {
				s.Register(*r)
			}
			r := ok
			c.mutate(&r)
			defer func() {
				p := recover()
				if p == nil || !strings.Contains(p.(string), c.want) {
					t.Errorf("panic %v, want one containing %q", p, c.want)
				}
			}()
			s.Register(r)
		})
	}
}

// TestReferenceWildcards walks "*" members and "[*]" elements, naming each
// place with its concrete path.
func TestReferenceWildcards(t *testing.T) {
	o := newObj(KindChargingProfile, "p", `{"chargers":{"names":["a","","b",7]}}`)
	want := []Reference{{"spec.chargers.names[0]", KindCharger, "a"}, {"spec.chargers.names[2]", KindCharger, "b"}}
	if got := References(o); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	o = newObj(KindCharger, "c", `{"connection":{"zeta":{"busRef":"z"},"alpha":{"busRef":"a"}}}`)
	want = []Reference{{"spec.connection.alpha.busRef", KindBus, "a"}, {"spec.connection.zeta.busRef", KindBus, "z"}}
	if got := References(o); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// TestRegistrationsAreComplete checks what every consumer relies on: each
// kind has columns with one object-name column, and every reference points
// at a registered kind.
func TestRegistrationsAreComplete(t *testing.T) {
	for _, r := range scheme.Kinds() {
		names := 0
		for _, c := range r.Columns {
			if c.ObjectName {
				names++
			}
			if c.JSONPath != "" && !strings.HasPrefix(c.JSONPath, ".spec.") && !strings.HasPrefix(c.JSONPath, ".status.") && !strings.HasPrefix(c.JSONPath, ".metadata.") {
				t.Errorf("%s column %s: JSONPath %q", r.Kind, c.Header, c.JSONPath)
			}
		}
		if names != 1 {
			t.Errorf("%s has %d object-name columns", r.Kind, names)
		}
		for _, ref := range r.References {
			if _, ok := scheme.ByKind(ref.Kind); !ok {
				t.Errorf("%s reference %s names unregistered kind %s", r.Kind, ref.Path, ref.Kind)
			}
		}
	}
	if got := SealedKinds(); !reflect.DeepEqual(got, []string{KindSecret}) {
		t.Errorf("SealedKinds() = %v", got)
	}
}

// TestVisitPathReplaces checks that VisitPath stores what visit returns,
// skips absent members and reports a value of the wrong type on the way.
func TestVisitPathReplaces(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal([]byte(`{"spec":{"data":{"b":"2","a":"1"},"list":[{"x":1},{"y":2}]}}`), &root); err != nil {
		t.Fatal(err)
	}
	var seen []string
	ok := VisitPath(root, "spec.data.*", func(p FieldPath, v any) any {
		seen = append(seen, p.String())
		return "<" + v.(string) + ">"
	})
	if !ok || strings.Join(seen, ",") != "spec.data.a,spec.data.b" || root["spec"].(map[string]any)["data"].(map[string]any)["a"] != "<1>" {
		t.Errorf("ok %v, seen %v, root %v", ok, seen, root)
	}
	seen = nil
	VisitPath(root, "spec.list[*].x", func(p FieldPath, v any) any { seen = append(seen, p.String()); return v })
	if strings.Join(seen, ",") != "spec.list[0].x" {
		t.Errorf("seen %v", seen)
	}
	if VisitPath(root, "spec.data.a.deeper", func(_ FieldPath, v any) any { return v }) {
		t.Error("a string where an object belongs was not reported")
	}
	if !VisitPath(root, "spec.absent.x", func(_ FieldPath, v any) any { return v }) {
		t.Error("an absent member was reported")
	}
}
