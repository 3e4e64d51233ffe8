package ocpp_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// TestEverySchemaHasFastChecks: no project schema uses a keyword the fast
// checks (schemas/conform) leave to jsonschema, so every message takes the
// fast path when it conforms.
func TestEverySchemaHasFastChecks(t *testing.T) {
	if missing := ocpp.SchemasWithoutFastChecks(); len(missing) > 0 {
		t.Fatalf("schemas without fast checks: %v", missing)
	}
}

// TestFastChecksAgreeWithJSONSchema takes a full and a minimal sample of
// every message, which the fast checks must pass, and mutates each value
// in turn (removed, another type, out of its bounds, an unknown property
// beside it): on every mutant the fast checks and jsonschema must give the
// same verdict.
func TestFastChecksAgreeWithJSONSchema(t *testing.T) {
	mutants, refused := 0, 0
	for _, action := range ocpp.TypedActions() {
		info, _ := ocpp.Lookup(action)
		for _, kind := range []string{"Request", "Response"} {
			newValue := info.NewRequest
			if kind == "Response" {
				newValue = info.NewResponse
			}
			for _, f := range []filler{{full: true}, {}} {
				b, err := json.Marshal(f.sample(reflect.TypeOf(newValue()).Elem()))
				if err != nil {
					t.Fatal(err)
				}
				if !ocpp.FastConforms(action, kind, b) {
					t.Errorf("%s%s: the fast checks refuse a valid sample %s", action, kind, b)
					continue
				}
				for _, m := range mutate(t, b) {
					mutants++
					slow := ocpp.ValidateSlow(action, kind, m.payload)
					if slow != nil {
						refused++
					}
					fast := ocpp.FastConforms(action, kind, m.payload)
					if fast != (slow == nil) && !(m.leftToSlow && slow == nil) {
						t.Errorf("%s%s, %s: fast checks pass %v, jsonschema says %v\n%.300s", action, kind, m.what, fast, slow, m.payload)
					}
				}
			}
		}
	}
	t.Logf("%d mutants, %d of them refused", mutants, refused)
	if refused < mutants/2 {
		t.Errorf("only %d of %d mutants are invalid: the mutations test little", refused, mutants)
	}
}

type mutant struct {
	what    string
	payload []byte
	// leftToSlow: the fast checks may leave a valid mutant to jsonschema
	// (an integer written as 1e300).
	leftToSlow bool
}

// mutationsPerDoc bounds the values mutated in one sample (the full ones
// of large messages hold thousands); they are spread over the document.
const mutationsPerDoc = 40

// replacements are values put in place of each one: other types, numbers
// with fractions, below and above any bound, integers beyond float64's
// precision and written with an exponent, strings too long for any
// maxLength and not in any enum or format.
var replacements = []string{`null`, `true`, `"x"`, `-1`, `0`, `1.5`, `-0.000001`, `1e300`, `9007199254740993`,
	`{}`, `[]`, `"` + strings.Repeat("é", 2501) + `"`, `"2026-12-04T10:00:00Z"`}

// leftToSlow are the replacements the fast checks may leave to jsonschema.
var leftToSlow = map[string]bool{`1e300`: true}

func mutate(t *testing.T, payload []byte) []mutant {
	doc := decodeNumbers(t, payload)
	var paths [][]any
	walk(doc, nil, &paths)
	step := max(1, len(paths)/mutationsPerDoc)
	var out []mutant
	for i := 0; i < len(paths); i += step {
		p := paths[i]
		if len(p) > 0 {
			out = append(out, mutant{what: fmt.Sprintf("%v removed", p), payload: encode(t, edit(decodeNumbers(t, payload), p, nil, true))})
		}
		for _, r := range replacements {
			out = append(out, mutant{fmt.Sprintf("%v = %.20s", p, r), encode(t, edit(decodeNumbers(t, payload), p, decodeNumbers(t, []byte(r)), false)), leftToSlow[r]})
		}
		if obj, ok := at(doc, p).(map[string]any); ok {
			v := map[string]any{"bogusProperty": json.Number("1")}
			for k, x := range obj {
				v[k] = x
			}
			out = append(out, mutant{what: fmt.Sprintf("%v with an unknown property", p), payload: encode(t, edit(decodeNumbers(t, payload), p, v, false))})
		}
		if arr, ok := at(doc, p).([]any); ok && len(arr) > 0 {
			more := make([]any, 0, 64)
			for len(more) < 64 {
				more = append(more, arr...)
			}
			out = append(out, mutant{what: fmt.Sprintf("%v with %d items", p, len(more)), payload: encode(t, edit(decodeNumbers(t, payload), p, more, false))})
		}
	}
	return out
}

func decodeNumbers(t *testing.T, b []byte) any {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func encode(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// walk lists the path of every value of v, v's own first.
func walk(v any, p []any, out *[][]any) {
	*out = append(*out, p)
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(e, append(p[:len(p):len(p)], k), out)
		}
	case []any:
		for i, e := range x {
			walk(e, append(p[:len(p):len(p)], i), out)
		}
	}
}

func at(v any, p []any) any {
	for _, k := range p {
		switch x := v.(type) {
		case map[string]any:
			v = x[k.(string)]
		case []any:
			v = x[k.(int)]
		}
	}
	return v
}

// edit sets (or removes) the value at p in doc and returns doc; the root
// is replaced, never removed.
func edit(doc any, p []any, v any, remove bool) any {
	if len(p) == 0 {
		return v
	}
	parent := at(doc, p[:len(p)-1])
	switch x := parent.(type) {
	case map[string]any:
		if remove {
			delete(x, p[len(p)-1].(string))
		} else {
			x[p[len(p)-1].(string)] = v
		}
	case []any:
		i := p[len(p)-1].(int)
		if remove {
			return edit(doc, p[:len(p)-1], append(x[:i:i], x[i+1:]...), false)
		}
		x[i] = v
	}
	return doc
}

// FuzzFastChecks: whatever payload the fast checks pass, jsonschema
// passes too.
func FuzzFastChecks(f *testing.F) {
	f.Add("BootNotification", []byte(bootJSON))
	f.Add("TransactionEvent", []byte(txJSON))
	f.Add("SetChargingProfile", []byte(chargingProfile(2)))
	f.Add("MeterValues", []byte(`{"evseId":1,"meterValue":[{"timestamp":"2026-12-01T21:04:05Z","sampledValue":[{"value":1.0}]}]}`))
	f.Fuzz(func(t *testing.T, action string, payload []byte) {
		for _, kind := range []string{"Request", "Response"} {
			if ocpp.FastConforms(action, kind, payload) {
				if err := ocpp.ValidateSlow(action, kind, payload); err != nil {
					t.Fatalf("%s%s: the fast checks pass what jsonschema refuses: %v\n%s", action, kind, err, payload)
				}
			}
		}
	})
}
