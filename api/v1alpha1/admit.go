package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// spec is what every kind's spec type implements.
type spec interface {
	SetDefaults(meta *ObjectMeta)
	Validate(meta *ObjectMeta) []FieldError
}

// KindProblem returns why kind is not a registered Kind name, or "". Kinds are
// matched exactly; a near miss such as "charger" is pointed at the right name.
func KindProblem(kind string) string {
	if kind == "" {
		return `required field "kind" is missing`
	}
	if _, ok := scheme.ByKind(kind); ok {
		return ""
	}
	var names []string
	for _, r := range scheme.Kinds() {
		names = append(names, r.Kind)
	}
	r := fmt.Sprintf("unknown kind %q; known kinds: %s", kind, strings.Join(names, ", "))
	if k, ok := LookupKind(kind); ok {
		r = fmt.Sprintf("unknown kind %q (did you mean %q?); known kinds: %s", kind, k.Kind, strings.Join(names, ", "))
	}
	return r
}

// Admit checks an object the way the API server must before storing it:
// apiVersion, kind, metadata, then the spec decoded strictly into its Go type,
// defaulted and validated. On success obj.Spec is replaced by the defaulted
// spec in canonical JSON. On failure it returns a *ValidationError listing
// every problem found, and obj is unchanged.
func Admit(obj *Object) error {
	var errs fieldErrors
	switch obj.APIVersion {
	case APIVersion:
	case "":
		errs.add("apiVersion", `required field "apiVersion" is missing`)
	default:
		errs.add("apiVersion", fmt.Sprintf("must be %q, got %q", APIVersion, obj.APIVersion))
	}
	if r := KindProblem(obj.Kind); r != "" {
		errs.add("kind", r)
	}
	validateMeta(&errs, &obj.Metadata)
	var canon json.RawMessage
	if r, ok := scheme.ByKind(obj.Kind); ok {
		canon = admitSpec(&errs, r.newSpec(), obj)
	}
	if len(errs) > 0 {
		return &ValidationError{Kind: obj.Kind, Name: obj.Metadata.Name, Errors: errs}
	}
	obj.Spec = canon
	return nil
}

// admitSpec decodes, defaults and validates obj.Spec into s and returns the
// canonical JSON of the result. Structural problems (unknown fields, wrong
// types) are reported first; semantic checks then add what they find about
// other fields, so one pass lists everything.
func admitSpec(errs *fieldErrors, s spec, obj *Object) json.RawMessage {
	raw := bytes.TrimSpace(obj.Spec)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		errs.add("spec", fmt.Sprintf("invalid JSON: %v", err))
		return nil
	}
	shape := checkSpecStructure(obj.Kind, generic)
	*errs = append(*errs, shape...)

	dec = json.NewDecoder(bytes.NewReader(raw))
	if len(shape) == 0 {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(s); err != nil && len(shape) == 0 {
		// The schema should have caught this; report it rather than store it.
		errs.add("spec", fmt.Sprintf("cannot decode: %v", err))
		return nil
	}
	s.SetDefaults(&obj.Metadata)
	*errs = fieldErrors(MergeFieldErrors(*errs, s.Validate(&obj.Metadata)...))
	if len(*errs) > 0 {
		return nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		errs.add("spec", fmt.Sprintf("cannot encode: %v", err))
		return nil
	}
	canon, err := Canonical(b)
	if err != nil {
		errs.add("spec", err.Error())
	}
	return canon
}
