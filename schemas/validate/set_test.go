package validate

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ocppgw/ocppgw/api/field"
)

const thingURL = "https://example.test/thing.json"

var thing = `{"type":"object","additionalProperties":false,"properties":{
	"spec":{"type":"object","additionalProperties":false,"required":["n"],"properties":{
		"n":{"type":"integer","minimum":1},
		"xs":{"type":"array","items":{"type":"integer"}},
		"m":{"type":"object","additionalProperties":{"type":"integer"}},
		"s":{"type":"string","pattern":"^a","x-message":"must start with a"}}}}}`

func compile(t *testing.T) *Set {
	t.Helper()
	s, err := Compile(map[string][]byte{thingURL: []byte(thing)}, thingURL, thingURL+"#/properties/spec")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func doc(t *testing.T, s string) any {
	t.Helper()
	var v any
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestValidateWordsEveryProblem checks paths below a base, the custom
// message and sorting.
func TestValidateWordsEveryProblem(t *testing.T) {
	got := compile(t).Validate(thingURL+"#/properties/spec", doc(t, `{"n":0,"s":"b","xs":[1,"x"],"extra":1}`), "spec")
	want := []field.Error{
		{Field: "spec.extra", Reason: `unknown field "extra"; known fields: m, n, s, xs`},
		{Field: "spec.n", Reason: "must be at least 1, got 0"},
		{Field: "spec.s", Reason: `must start with a, got "b"`},
		{Field: "spec.xs[1]", Reason: "must be integer, got string"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if got := compile(t).Validate(thingURL, doc(t, `{"spec":{"n":2}}`), ""); got != nil {
		t.Errorf("valid document: %v", got)
	}
}

// TestStructureKeepsShapeOnly checks that Structure reports unknown fields
// and types, names the number an integer field got, catches integers Go
// cannot hold, and leaves bounds, patterns and required fields alone.
func TestStructureKeepsShapeOnly(t *testing.T) {
	got := compile(t).Structure(thingURL+"#/properties/spec",
		doc(t, `{"n":0,"s":"b","xs":[1.5,99999999999999999999],"m":{"k":1e3},"extra":1}`), "spec")
	want := []field.Error{
		{Field: "spec.extra", Reason: `unknown field "extra"; known fields: m, n, s, xs`},
		{Field: "spec.m.k", Reason: "must be integer, got 1e3"},
		{Field: "spec.xs[0]", Reason: "must be integer, got 1.5"},
		{Field: "spec.xs[1]", Reason: "must be integer, got 99999999999999999999"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if got := compile(t).Structure(thingURL+"#/properties/spec", doc(t, `{}`), "spec"); got != nil {
		t.Errorf("a missing required field is not structure: %v", got)
	}
}
