package server

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Secret values never leave the API in plain text. Every object the API
// returns (get, list, watch, the answers of writes and of apply) has each
// value of a Secret's spec.data replaced by RedactedValue, in the spec and in
// the last-applied record; the keys stay, so an operator sees which exist.
// Writes take plain text, which is how values are set. Controllers read
// Secrets from the store, not through the API.
//
// A diff (gwctl diff, a dry-run apply) still has to tell a changed value from
// an unchanged one. The server compares the values itself: in an apply
// result, a value of the new object that differs from the same key's value
// in the old one is RedactedChangedValue instead. That tells the caller no
// more than the result's action (configured or unchanged) already does, and
// only about values it sent. Digests of the values in every answer would let
// anyone who may read guess short passwords offline, and would be one more
// thing to keep in step.
const (
	RedactedValue        = "<redacted>"
	RedactedChangedValue = "<redacted:changed>"
)

// Which values are redacted is the kinds' registrations' Redacted paths: a
// Secret's spec.data values, a Token's spec.hash.

// redactedPaths returns the paths of kind whose values the API hides.
func redactedPaths(kind string) []string {
	if r, ok := v1alpha1.DefaultScheme().ByKind(kind); ok {
		return r.Redacted
	}
	return nil
}

// redact returns o as the API shows it: for a kind with redacted paths, a
// copy with those values redacted; any other object as it is.
func redact(o *v1alpha1.Object) *v1alpha1.Object { return redactMarking(o, nil) }

// redactMarking redacts like redact but marks the fields in changed (by
// path, "spec.data.password") with RedactedChangedValue. o itself is never
// modified.
func redactMarking(o *v1alpha1.Object, changed map[string]bool) *v1alpha1.Object {
	if o == nil || len(redactedPaths(o.Kind)) == 0 {
		return o
	}
	c := *o
	c.Spec = redactKindSpec(o.Kind, o.Spec, changed)
	if la, ok := o.Metadata.Annotations[LastAppliedAnnotation]; ok {
		c.Metadata.Annotations = maps.Clone(o.Metadata.Annotations)
		c.Metadata.Annotations[LastAppliedAnnotation] = redactLastApplied(la)
	}
	return &c
}

// redactKindSpec replaces every value at the kind's redacted paths. A spec
// that cannot be read, or has the wrong shape on a redacted path, is dropped
// whole rather than shown.
func redactKindSpec(kind string, spec json.RawMessage, changed map[string]bool) json.RawMessage {
	if len(spec) == 0 {
		return spec
	}
	root, ok := decodeSpec(spec)
	if !ok {
		return nil
	}
	replaced := false
	for _, p := range redactedPaths(kind) {
		sound := v1alpha1.VisitPath(root, p, func(fp v1alpha1.FieldPath, _ any) any {
			replaced = true
			if changed[fp.String()] {
				return RedactedChangedValue
			}
			return RedactedValue
		})
		if !sound {
			return nil
		}
	}
	if !replaced {
		return spec
	}
	out, err := json.Marshal(root["spec"])
	if err != nil {
		return nil
	}
	return out
}

// decodeSpec reads a spec as {"spec": ...}, the root redacted paths start
// from, numbers kept as written.
func decodeSpec(spec json.RawMessage) (map[string]any, bool) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(spec))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return map[string]any{"spec": v}, true
}

// redactedValues returns the values at the kind's redacted paths by path,
// as canonical JSON so equal values have equal bytes.
func redactedValues(o *v1alpha1.Object) map[string]string {
	if o == nil {
		return nil
	}
	root, ok := decodeSpec(o.Spec)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for _, p := range redactedPaths(o.Kind) {
		v1alpha1.VisitPath(root, p, func(fp v1alpha1.FieldPath, v any) any {
			b, _ := json.Marshal(v)
			out[fp.String()] = string(b)
			return v
		})
	}
	return out
}

// redactLastApplied redacts the Secret a last-applied record holds: apply
// records the whole manifest, values included.
func redactLastApplied(record string) string {
	var o v1alpha1.Object
	if err := json.Unmarshal([]byte(record), &o); err != nil {
		return RedactedValue
	}
	o.Spec = redactKindSpec(o.Kind, o.Spec, nil)
	b, err := json.Marshal(&o)
	if err == nil {
		b, err = v1alpha1.Canonical(b)
	}
	if err != nil {
		return RedactedValue
	}
	return string(b)
}

// redactApplyItem redacts the old and new object of one apply result,
// marking the values the apply changes.
func redactApplyItem(it *v1alpha1.ApplyItem) {
	if len(redactedPaths(it.Kind)) == 0 {
		return
	}
	oldValues, newValues := redactedValues(it.Old), redactedValues(it.Object)
	changed := map[string]bool{}
	for p, v := range newValues {
		if ov, ok := oldValues[p]; ok && ov != v {
			changed[p] = true
		}
	}
	it.Old = redact(it.Old)
	it.Object = redactMarking(it.Object, changed)
}

// redactionMarkers refuses a manifest that holds a redaction marker as a
// redacted value: it was read back from the API, and applying it would replace the
// real value with the marker.
func redactionMarkers(docs []manifest.Doc) error {
	var bad manifest.Errors
	for _, d := range docs {
		if ve := markerError(d.Object); ve != nil {
			ve.Source, ve.Document = d.Source, d.Index
			bad.Items = append(bad.Items, ve)
		}
	}
	if len(bad.Items) > 0 {
		return &bad
	}
	return nil
}

func markerError(o *v1alpha1.Object) *v1alpha1.ValidationError {
	if o == nil {
		return nil
	}
	values := redactedValues(o)
	var errs []v1alpha1.FieldError
	for _, p := range slices.Sorted(maps.Keys(values)) {
		var v string
		if json.Unmarshal([]byte(values[p]), &v) == nil && (v == RedactedValue || v == RedactedChangedValue) {
			errs = append(errs, v1alpha1.FieldError{Field: p,
				Reason: "is the API's redaction marker " + quote(v) + ", not a value; write the real value"})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &v1alpha1.ValidationError{Kind: o.Kind, Name: o.Metadata.Name, Errors: errs}
}
