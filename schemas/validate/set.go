package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ocppgw/ocppgw/api/field"
)

// Set is a group of compiled schema documents that may refer to each other.
type Set struct {
	roots map[string]*jsonschema.Schema // compiled location → schema
	raw   map[string]any                // document URL → decoded document
}

// Compile adds every document, keyed by its URL, as draft 2020-12 with
// formats asserted, then compiles each root location (a URL, optionally
// with a "#/..." fragment).
func Compile(docs map[string][]byte, roots ...string) (*Set, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	s := &Set{roots: map[string]*jsonschema.Schema{}, raw: map[string]any{}}
	for url, b := range docs {
		if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("validate: add %s: %w", url, err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("validate: %s: %w", url, err)
		}
		s.raw[url] = doc
	}
	for _, r := range roots {
		compiled, err := c.Compile(r)
		if err != nil {
			return nil, fmt.Errorf("validate: compile %s: %w", r, err)
		}
		s.roots[r] = compiled
	}
	return s, nil
}

// Has reports whether root was compiled.
func (s *Set) Has(root string) bool { return s.roots[root] != nil }

// Raw returns the raw schema object at an absolute location
// ("https://…/charger.json#/properties/spec"), or an empty map.
func (s *Set) Raw(abs string) map[string]any { return s.schemaAt(abs) }

// run is one validation: the document and where its problems are reported.
type run struct {
	set  *Set
	doc  any
	base field.Path
	// structural keeps only unknown fields and wrong types, and names the
	// number an integer field got.
	structural, goNumbers bool
}

// Validate checks doc (decoded with json.Decoder.UseNumber) against root
// and returns every problem, with paths below base, sorted by path; nil
// means doc conforms.
func (s *Set) Validate(root string, doc any, base field.Path) []field.Error {
	return s.validate(&run{set: s, doc: doc, base: base}, root)
}

// Structure checks only what decoding into the Go types needs: no unknown
// fields, the right JSON types, and integers that fit 64 bits. Admission
// uses it and leaves bounds, enums and patterns to the kinds' own checks,
// which word them for their fields.
func (s *Set) Structure(root string, doc any, base field.Path) []field.Error {
	r := &run{set: s, doc: doc, base: base, structural: true, goNumbers: true}
	out := s.validate(r, root)
	if compiled := s.roots[root]; compiled != nil {
		overflows(compiled, doc, base, &out)
	}
	sortErrors(out)
	return out
}

func (s *Set) validate(r *run, root string) []field.Error {
	compiled, ok := s.roots[root]
	if !ok {
		return []field.Error{{Reason: fmt.Sprintf("no schema %s", root)}}
	}
	err := compiled.Validate(r.doc)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []field.Error{{Field: r.base.String(), Reason: err.Error()}}
	}
	return r.fieldErrors(ve)
}

// overflows reports integers that Go's int64 cannot hold, too large or
// written with an exponent, which JSON Schema's "integer" accepts.
func overflows(sch *jsonschema.Schema, v any, p field.Path, out *[]field.Error) {
	for sch.Ref != nil && len(sch.Types) == 0 && len(sch.Properties) == 0 {
		sch = sch.Ref
	}
	switch x := v.(type) {
	case json.Number:
		if len(sch.Types) == 1 && sch.Types[0] == "integer" {
			if _, err := strconv.ParseInt(x.String(), 10, 64); err != nil && isIntegral(x) {
				*out = append(*out, field.Error{Field: p.String(), Reason: "must be integer, got " + x.String()})
			}
		}
	case map[string]any:
		for k, e := range x {
			if sub := sch.Properties[k]; sub != nil {
				overflows(sub, e, p.Key(k), out)
			} else if sub, ok := sch.AdditionalProperties.(*jsonschema.Schema); ok {
				overflows(sub, e, p.Key(k), out)
			}
		}
	case []any:
		if sch.Items2020 != nil {
			for i, e := range x {
				overflows(sch.Items2020, e, p.Index(i), out)
			}
		}
	}
}

// isIntegral reports whether n has no fraction (1e3 has none); numbers
// with one fail the schema's type check already.
func isIntegral(n json.Number) bool {
	r, ok := new(big.Rat).SetString(n.String())
	return ok && r.IsInt()
}
