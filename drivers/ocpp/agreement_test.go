package ocpp_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	ocppschema "github.com/ocppgw/ocppgw/schemas/ocpp"
)

// compared are the keywords checked for equality; annotations are keywords
// with no effect on validation (additionalItems has none either, since every
// OCA array has a single items schema). Any other keyword in either schema
// fails the test, so nothing escapes the comparison unnoticed.
var (
	numericKeywords = []string{"maxLength", "minLength", "minItems", "maxItems", "minimum", "maximum"}
	annotations     = map[string]bool{
		"$schema": true, "$id": true, "$comment": true, "comment": true, "description": true,
		"javaType": true, "definitions": true, "default": true, "additionalItems": true,
	}
	structural = map[string]bool{
		"$ref": true, "type": true, "properties": true, "required": true, "enum": true,
		"items": true, "additionalProperties": true, "format": true,
	}
)

// differ walks a project schema and its OCA counterpart side by side.
type differ struct {
	proj, oca map[string]any // whole documents, for $ref
	diffs     []string
}

func (d *differ) errorf(path, format string, args ...any) {
	if path == "" {
		path = "/"
	}
	d.diffs = append(d.diffs, path+": "+fmt.Sprintf(format, args...))
}

// resolve follows local $refs.
func resolve(doc map[string]any, s map[string]any) map[string]any {
	for depth := 0; depth < 16; depth++ {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		defs, _ := doc["definitions"].(map[string]any)
		name := ref[len("#/definitions/"):]
		next, _ := defs[name].(map[string]any)
		if next == nil {
			return map[string]any{"$unresolved": ref}
		}
		s = next
	}
	return s
}

func (d *differ) compare(path string, p, o map[string]any) {
	p, o = resolve(d.proj, p), resolve(d.oca, o)
	for _, s := range []struct {
		who string
		m   map[string]any
	}{{"project", p}, {"OCA", o}} {
		for k := range s.m {
			if !annotations[k] && !structural[k] && !slices.Contains(numericKeywords, k) {
				d.errorf(path, "%s schema has keyword %q that the comparison does not cover", s.who, k)
			}
		}
	}
	if p["type"] != o["type"] {
		d.errorf(path, "type: project %v, OCA %v", p["type"], o["type"])
	}
	if p["format"] != o["format"] {
		d.errorf(path, "format: project %v, OCA %v", p["format"], o["format"])
	}
	for _, k := range numericKeywords {
		if pv, ov := p[k], o[k]; !sameNumber(pv, ov) {
			d.errorf(path, "%s: project %v, OCA %v", k, pv, ov)
		}
	}
	if pe, oe := set(p["enum"]), set(o["enum"]); !slices.Equal(pe, oe) {
		d.errorf(path, "enum: project %v, OCA %v", pe, oe)
	}
	if pr, or := set(p["required"]), set(o["required"]); !slices.Equal(pr, or) {
		d.errorf(path, "required: project %v, OCA %v", pr, or)
	}
	if o["type"] == "object" || p["type"] == "object" {
		// Absent means true; on strings (where OCA also writes it) it has no effect.
		if pa, oa := open(p), open(o); pa != oa {
			d.errorf(path, "additionalProperties: project %v, OCA %v", pa, oa)
		}
	}
	d.compareProperties(path, p, o)
	pi, pok := p["items"].(map[string]any)
	oi, ook := o["items"].(map[string]any)
	switch {
	case pok && ook:
		d.compare(path+"/items", pi, oi)
	case pok != ook:
		d.errorf(path, "items: project %v, OCA %v", p["items"], o["items"])
	}
}

func (d *differ) compareProperties(path string, p, o map[string]any) {
	pp, _ := p["properties"].(map[string]any)
	op, _ := o["properties"].(map[string]any)
	if pk, ok := keys(pp), keys(op); !slices.Equal(pk, ok) {
		d.errorf(path, "properties: project %v, OCA %v", pk, ok)
	}
	for _, name := range keys(pp) {
		ps, _ := pp[name].(map[string]any)
		ocaProp, found := op[name].(map[string]any)
		if found {
			d.compare(path+"/"+name, ps, ocaProp)
		}
	}
}

// open reports the effective additionalProperties of an object schema.
func open(s map[string]any) bool { return s["additionalProperties"] != false }

func sameNumber(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	x, okx := new(big.Float).SetString(fmt.Sprint(a))
	y, oky := new(big.Float).SetString(fmt.Sprint(b))
	return okx && oky && x.Cmp(y) == 0
}

func set(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, len(arr))
	for i, x := range arr {
		out[i] = fmt.Sprint(x)
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func decodeDoc(t *testing.T, what string, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return m
}

// TestSchemasAgreeWithOCA compares every project schema with the OCA schema
// of the same name, field by field through every $ref.
func TestSchemasAgreeWithOCA(t *testing.T) {
	dir := ocaDir(t)
	for _, action := range ocpp.TypedActions() {
		for _, kind := range []string{"Request", "Response"} {
			name := action + kind + ".json"
			t.Run(action+kind, func(t *testing.T) {
				pb, err := ocppschema.File(name)
				if err != nil {
					t.Fatalf("project schema: %v", err)
				}
				ob, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatalf("OCA schema: %v", err)
				}
				d := &differ{proj: decodeDoc(t, "project "+name, pb), oca: decodeDoc(t, "OCA "+name, ob)}
				d.compare("", d.proj, d.oca)
				for _, diff := range d.diffs {
					t.Errorf("%s %s", name, diff)
				}
			})
		}
	}
}

// TestDifferDetects proves the comparison is not vacuous: each mutation of
// a small schema must be reported with its path.
func TestDifferDetects(t *testing.T) {
	base := `{"type":"object","additionalProperties":false,"required":["a"],
	  "properties":{"a":{"$ref":"#/definitions/A"},"n":{"type":"array","minItems":1,"items":{"type":"integer","minimum":0}}},
	  "definitions":{"A":{"type":"object","additionalProperties":false,"properties":{"s":{"type":"string","maxLength":5},"e":{"type":"string","enum":["X","Y"]}}}}}`
	mutations := map[string]string{
		"maxLength":     `"maxLength":6`,
		"enum":          `"enum":["X","Z"]`,
		"minItems":      `"minItems":2`,
		"minimum":       `"minimum":1`,
		"required":      `"required":["n"]`,
		"type":          `"type":"number","minimum":0`,
		"additional":    `"additionalProperties":true,"required"`,
		"property name": `"t":{"type":"string","maxLength":5}`,
		"pattern":       `"pattern":"x","maxLength":5`,
	}
	replace := map[string]string{
		"maxLength": `"maxLength":5`, "enum": `"enum":["X","Y"]`, "minItems": `"minItems":1`,
		"minimum": `"minimum":0`, "required": `"required":["a"]`, "type": `"type":"integer","minimum":0`,
		"additional": `"additionalProperties":false,"required"`, "property name": `"s":{"type":"string","maxLength":5}`,
		"pattern": `"maxLength":5`,
	}
	o := decodeDoc(t, "base", []byte(base))
	same := &differ{proj: o, oca: o}
	same.compare("", o, o)
	if len(same.diffs) != 0 {
		t.Fatalf("identical schemas differ: %v", same.diffs)
	}
	for name, mut := range mutations {
		t.Run(name, func(t *testing.T) {
			b := []byte(replaceOnce(t, base, replace[name], mut))
			p := decodeDoc(t, "mutated", b)
			d := &differ{proj: p, oca: o}
			d.compare("", p, o)
			if len(d.diffs) == 0 {
				t.Fatalf("mutation %s not detected", mut)
			}
			t.Log(d.diffs)
		})
	}
}

func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	i := len(s) - len(old)
	for ; i >= 0; i-- {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	t.Fatalf("%q not in base", old)
	return ""
}

// TestActionsMatchOCAFiles checks the action constants against the OCA
// file names in both directions: 64 actions, each with a request and a
// response schema.
func TestActionsMatchOCAFiles(t *testing.T) {
	files := map[string]map[string]bool{}
	for _, name := range ocaFiles(t) {
		action, kind := trimJSON(name)
		if kind == "" {
			t.Errorf("OCA file %s is neither a Request nor a Response", name)
			continue
		}
		if files[action] == nil {
			files[action] = map[string]bool{}
		}
		files[action][kind] = true
	}
	for _, action := range ocpp.Actions() {
		if !files[action]["Request"] || !files[action]["Response"] {
			t.Errorf("action constant %q has no OCA %sRequest.json/%sResponse.json", action, action, action)
		}
		info, ok := ocpp.Lookup(action)
		if !ok || info.Name != action {
			t.Errorf("Lookup(%q) = %+v, %v", action, info, ok)
		}
	}
	for action := range files {
		if !ocpp.IsKnownAction(action) {
			t.Errorf("OCA action %s has no constant", action)
		}
	}
	if n := len(ocpp.Actions()); n != 64 {
		t.Errorf("%d actions, want 64", n)
	}
}
