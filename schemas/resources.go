package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

//go:embed resources/*.json
var resourceFS embed.FS

// BaseURL is the $id prefix of every resource schema.
const BaseURL = "https://ocppgw.dev/schemas/v1alpha1/"

// compiled holds every resource schema, compiled once, and the raw documents,
// which error messages consult (known fields, "exactly one of").
type compiled struct {
	byKind map[string]*jsonschema.Schema
	raw    map[string]any // $id → decoded schema document
}

var load = sync.OnceValues(compile)

func compile() (*compiled, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	out := &compiled{byKind: map[string]*jsonschema.Schema{}, raw: map[string]any{}}
	entries, err := resourceFS.ReadDir("resources")
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	for _, e := range entries {
		b, err := resourceFS.ReadFile(path.Join("resources", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("schemas: %w", err)
		}
		url := BaseURL + e.Name()
		if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("schemas: add %s: %w", e.Name(), err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", e.Name(), err)
		}
		out.raw[url] = doc
	}
	for _, k := range v1alpha1.Kinds() {
		s, err := c.Compile(BaseURL + strings.ToLower(k.Kind) + ".json")
		if err != nil {
			return nil, fmt.Errorf("schemas: compile %s: %w", k.Kind, err)
		}
		out.byKind[k.Kind] = s
	}
	return out, nil
}

// ResourceSchema returns the JSON Schema document of a kind, or false.
func ResourceSchema(kind string) ([]byte, bool) {
	b, err := resourceFS.ReadFile("resources/" + strings.ToLower(kind) + ".json")
	if err != nil || v1alpha1.KindProblem(kind) != "" {
		return nil, false
	}
	return b, true
}

// ValidateResource validates a whole document of the given kind (apiVersion,
// kind, metadata, spec, status) as decoded from JSON, preferably with
// json.Decoder.UseNumber. It returns every problem with a dotted field path
// and a short reason, sorted by path; nil means the document conforms.
func ValidateResource(kind string, doc any) []v1alpha1.FieldError {
	if r := v1alpha1.KindProblem(kind); r != "" {
		return []v1alpha1.FieldError{{Field: "kind", Reason: r}}
	}
	c, err := load()
	if err != nil {
		// The schemas are embedded and tested; failing here is a build defect.
		panic(err)
	}
	err = c.byKind[kind].Validate(doc)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []v1alpha1.FieldError{{Reason: err.Error()}}
	}
	return c.fieldErrors(doc, ve)
}
