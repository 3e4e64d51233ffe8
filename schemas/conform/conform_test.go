package conform

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// testSchema uses every keyword the checks implement.
const testSchema = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "definitions": {
    "Status": {"type": "string", "enum": ["Accepted", "Rejected"]},
    "Sample": {
      "type": "object", "additionalProperties": false, "required": ["value"],
      "properties": {
        "value": {"type": "number", "minimum": -10, "maximum": 1000.5},
        "count": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
        "unit": {"type": "string", "minLength": 1, "maxLength": 4, "pattern": "^[A-Za-z]+$"}
      }
    }
  },
  "type": "object", "additionalProperties": false, "required": ["status", "at"],
  "properties": {
    "status": {"$ref": "#/definitions/Status"},
    "at": {"type": "string", "format": "date-time"},
    "samples": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"$ref": "#/definitions/Sample"}},
    "note": {"type": ["string", "null"], "maxLength": 3},
    "flag": {"type": "boolean"},
    "extra": {"type": "object", "minProperties": 1, "maxProperties": 2, "additionalProperties": {"type": "integer"}}
  }
}`

func compileTest(t testing.TB, doc string) (*jsonschema.Schema, *Checker) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	if err := c.AddResource("mem://s.json", strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://s.json")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := Compile(s, true)
	if err != nil {
		t.Fatal(err)
	}
	return s, ch
}

// decodeOK decodes s as the OCPP validator does; false when it is not one
// JSON value.
func decodeOK(s string) (any, bool) {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

func decode(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// TestConformsAgreesWithJSONSchema: every document the fast checks pass,
// jsonschema passes; the ones marked fast pass the fast checks; the others
// are refused by jsonschema or left to it (1.0 as an integer, a number at
// a float bound).
func TestConformsAgreesWithJSONSchema(t *testing.T) {
	s, ch := compileTest(t, testSchema)
	cases := []struct {
		doc  string
		fast bool // the fast checks must pass it
	}{
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z"}`, true},
		{`{"status":"Rejected","at":"2026-12-04T10:00:00.123+09:00","samples":[{"value":-10},{"value":1000.5,"count":99,"unit":"kWh"}],"note":null,"flag":true,"extra":{"a":1,"b":-2}}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":"abc"}`, true},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1e2}]}`, true},
		{`{"status":"Rejected","at":"2026-12-04T10:00:00.123+09:00","samples":[{"value":-10},{"value":1000.5,"count":99,"unit":"kWh"}],"note":null,"flag":true}`, true},
		// Conforming, but left to jsonschema: minProperties (a repeated
		// key would count twice), integers not written as such.
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"count":5.0}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"count":1e1}]}`, false},
		// Not conforming.
		{`{"status":"accepted","at":"2026-12-04T10:00:00Z"}`, false},
		{`{"status":1,"at":"2026-12-04T10:00:00Z"}`, false},
		{`{"status":"Accepted"}`, false},
		{`{"status":"Accepted","at":"2026-12-04 10:00:00"}`, false},
		{`{"status":"Accepted","at":"2026-13-04T10:00:00Z"}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","bogus":1}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1},{"value":1},{"value":1},{"value":1}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":-10.000001}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1000.51}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":"1"}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"count":0}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"count":100}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"count":1.5}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"unit":""}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"unit":"kWhh"}]}`, true},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"unit":"kWhhh"}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"unit":"k1"}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1,"x":1}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":"ééé"}`, true},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":"éééé"}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":1}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","flag":"true"}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","extra":{}}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","extra":{"a":1,"b":2,"c":3}}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","extra":{"a":"1"}}`, false},
		{`[]`, false},
		{`null`, false},
		// Text that is no JSON value, or more than one.
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z"} {}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z",}`, false},
		{`{"status":"Accepted" "at":"2026-12-04T10:00:00Z"}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":"a` + "\x01" + `"}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":01}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1.}]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","flag":tru}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[{"value":1},]}`, false},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z"`, false},
		// Escapes are decoded before the checks; a repeated property
		// passes only if every occurrence does.
		{`{"status":"Acc\u0065pted","at":"2026-12-04T10:00:00Z","note":"\u00e9\n"}`, true},
		{`{"status":"Accepted","at":"2026-12-04T10:00:00Z","note":"\q"}`, false},
		{`{"status":"Accepted","status":"Rejected","at":"2026-12-04T10:00:00Z"}`, true},
		{`{"status":"bogus","status":"Rejected","at":"2026-12-04T10:00:00Z"}`, false},
		{` {"status":"Accepted","at":"2026-12-04T10:00:00Z","samples":[ {"value":1} ]} ` + "\n", true},
	}
	for _, c := range cases {
		fast := ch.ConformsJSON([]byte(c.doc))
		doc, isJSON := decodeOK(c.doc)
		valid := isJSON && s.Validate(doc) == nil
		if fast && !valid {
			t.Errorf("%s: the fast checks pass what jsonschema refuses", c.doc)
		}
		if fast != c.fast {
			t.Errorf("%s: the fast checks say %v, want %v (jsonschema: valid %v)", c.doc, fast, c.fast, valid)
		}
	}
}

// TestCompileRefusesWhatItDoesNotCheck: a schema with a keyword the
// checks do not implement gets no Checker, so it is never half-checked.
func TestCompileRefusesWhatItDoesNotCheck(t *testing.T) {
	for kw, doc := range map[string]string{
		"oneOf":       `{"oneOf": [{"type": "string"}, {"type": "integer"}]}`,
		"const":       `{"const": 1}`,
		"multipleOf":  `{"type": "number", "multipleOf": 0.5}`,
		"uniqueItems": `{"type": "array", "uniqueItems": true}`,
		"enum":        `{"enum": [1, 2]}`,
		"nested":      `{"type": "object", "properties": {"a": {"not": {"type": "null"}}}}`,
	} {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft7
		if err := c.AddResource("mem://s.json", strings.NewReader(doc)); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("mem://s.json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(s, false); err == nil {
			t.Errorf("%s: compiled", kw)
		} else if !strings.Contains(err.Error(), "mem://s.json") {
			t.Errorf("%s: %v does not name the location", kw, err)
		}
	}
}

// TestRecursiveSchema: a schema that refers to itself compiles and checks.
func TestRecursiveSchema(t *testing.T) {
	s, ch := compileTest(t, `{"type": "object", "additionalProperties": false, "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}}}`)
	for doc, want := range map[string]bool{`{"child":{"child":{"n":1}}}`: true, `{"child":{"child":{"n":"1"}}}`: false} {
		if got := ch.ConformsJSON([]byte(doc)); got != want || (got && s.Validate(decode(t, doc)) != nil) {
			t.Errorf("%s: %v, want %v", doc, got, want)
		}
	}
}
