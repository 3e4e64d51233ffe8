package schemas

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// constraintKeys are the keywords that restrict a value, and the titles and
// descriptions editors show.
var constraintKeys = []string{"type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength",
	"pattern", "format", "x-message", "minItems", "maxItems", "minProperties", "maxProperties", "required", "additionalProperties",
	"title", "description"}

// inGo are the hand-written constraints that one Go type cannot carry for
// every place it is used; the kinds' Go validation enforces them, as
// TestConstraintsEnforcedInGo proves.
var inGo = map[string]bool{
	// IDToken is shared with Transactions, which take every OCPP type.
	"Charger.spec.ocpp.authorization.idToken.type: enum": true,
}

// TestGeneratedSchemasKeepHandwrittenConstraints walks every hand-written
// schema of the past (testdata/handwritten) beside the generated one and
// fails on any constraint the generated schema lost or changed, at every
// property, item, map value and map key.
func TestGeneratedSchemasKeepHandwrittenConstraints(t *testing.T) {
	old := handwritten(t)
	for _, k := range v1alpha1.Kinds() {
		file := strings.ToLower(k.Kind) + ".json"
		b, ok := ResourceSchema(k.Kind)
		if !ok {
			t.Fatalf("no generated schema for %s", k.Kind)
		}
		var gen map[string]any
		if err := json.Unmarshal(b, &gen); err != nil {
			t.Fatal(err)
		}
		for _, p := range compareConstraints(old, file, old[file], gen, k.Kind) {
			if key, _, _ := strings.Cut(p, " was "); !inGo[key] {
				t.Error(p)
			}
		}
	}
}

// TestConstraintComparisonCanFail proves the walker reports a lost bound, a
// changed enum, a lost required field and a missing property.
func TestConstraintComparisonCanFail(t *testing.T) {
	old := handwritten(t)
	b, _ := ResourceSchema(v1alpha1.KindBus)
	var gen map[string]any
	if err := json.Unmarshal(b, &gen); err != nil {
		t.Fatal(err)
	}
	spec := gen["properties"].(map[string]any)["spec"].(map[string]any)
	props := spec["properties"].(map[string]any)
	delete(props["retries"].(map[string]any), "maximum")
	props["parity"].(map[string]any)["enum"] = []any{"none"}
	spec["required"] = []any{}
	delete(props, "timeout")
	got := strings.Join(compareConstraints(old, "bus.json", old["bus.json"], gen, "Bus"), "\n")
	for _, want := range []string{"Bus.spec.retries: maximum", "Bus.spec.parity: enum", "Bus.spec: required", "Bus.spec.timeout: missing"} {
		if !strings.Contains(got, want) {
			t.Errorf("comparison missed %q; got:\n%s", want, got)
		}
	}
}

// TestConstraintsEnforcedInGo proves each entry of inGo is refused at
// admission.
func TestConstraintsEnforcedInGo(t *testing.T) {
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindCharger, Metadata: v1alpha1.ObjectMeta{Name: "c"},
		Spec: json.RawMessage(`{"templateRef":"t","connection":{"modbusTCP":{"host":"h"}},"ocpp":{"csmsRef":"m",` +
			`"authorization":{"mode":"AutoStart","idToken":{"idToken":"x","type":"Local"}}}}`)}
	err := v1alpha1.Admit(o)
	if err == nil || !strings.Contains(err.Error(), `spec.ocpp.authorization.idToken.type: must be one of "Central", "NoAuthorization"`) {
		t.Errorf("Admit = %v", err)
	}
	if len(inGo) != 1 {
		t.Errorf("inGo has %d entries and this test proves 1", len(inGo))
	}
}

func handwritten(t *testing.T) map[string]map[string]any {
	t.Helper()
	files, err := filepath.Glob("testdata/handwritten/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hand-written schemas: %v", err)
	}
	out := map[string]map[string]any{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = doc
	}
	return out
}

// deref follows $ref in the hand-written documents ("common.json#/$defs/name").
func deref(docs map[string]map[string]any, file string, node map[string]any) (string, map[string]any) {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return file, node
		}
		u, frag, _ := strings.Cut(ref, "#")
		if u != "" {
			file = u
		}
		var cur any = docs[file]
		for _, tok := range strings.Split(strings.Trim(frag, "/"), "/") {
			if tok != "" {
				cur = cur.(map[string]any)[tok]
			}
		}
		node = cur.(map[string]any)
	}
}

func compareConstraints(docs map[string]map[string]any, file string, old, gen map[string]any, path string) []string {
	file, old = deref(docs, file, old)
	var problems []string
	for _, k := range constraintKeys {
		ov, ok := old[k]
		if !ok {
			continue
		}
		if _, isSchema := ov.(map[string]any); isSchema {
			continue // additionalProperties as a schema is walked below
		}
		gv := gen[k]
		if k == "required" {
			ov, gv = sortedStrings(ov), sortedStrings(gv)
		}
		if !reflect.DeepEqual(ov, gv) {
			problems = append(problems, fmt.Sprintf("%s: %s was %v, generated %v", path, k, ov, gv))
		}
	}
	oldProps, _ := old["properties"].(map[string]any)
	genProps, _ := gen["properties"].(map[string]any)
	for _, name := range sortedKeys(oldProps) {
		sub, ok := genProps[name].(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s.%s: missing from the generated schema", path, name))
			continue
		}
		problems = append(problems, compareConstraints(docs, file, oldProps[name].(map[string]any), sub, path+"."+name)...)
	}
	for key, suffix := range map[string]string{"items": "[]", "additionalProperties": "{}", "propertyNames": "{keys}"} {
		o, ok := old[key].(map[string]any)
		if !ok {
			continue
		}
		g, ok := gen[key].(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s%s: missing from the generated schema", path, suffix))
			continue
		}
		problems = append(problems, compareConstraints(docs, file, o, g, path+suffix)...)
	}
	return problems
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sortedStrings reads a JSON list of strings, sorted; anything else is empty.
func sortedStrings(v any) []string {
	var out []string
	b, _ := json.Marshal(v)
	_ = json.Unmarshal(b, &out)
	sort.Strings(out)
	return out
}
