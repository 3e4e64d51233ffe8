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

// A Token's spec.hash is redacted too. It is no credential (the API hashes
// what it is sent), but a hash of a weak token applied by hand could be
// guessed offline by anyone who may read Tokens.
const (
	secretKind = v1alpha1.KindSecret
	tokenKind  = v1alpha1.KindToken
)

// redact returns o as the API shows it: for a Secret or a Token, a copy with
// its values redacted; any other object as it is.
func redact(o *v1alpha1.Object) *v1alpha1.Object { return redactMarking(o, nil) }

// redactMarking redacts like redact but marks the keys in changed with
// RedactedChangedValue. o itself is never modified.
func redactMarking(o *v1alpha1.Object, changed map[string]bool) *v1alpha1.Object {
	if o == nil || (o.Kind != secretKind && o.Kind != tokenKind) {
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

// redactKindSpec redacts the spec of a Secret or a Token.
func redactKindSpec(kind string, spec json.RawMessage, changed map[string]bool) json.RawMessage {
	if kind == tokenKind {
		return redactTokenSpec(spec, changed["hash"])
	}
	return redactSpec(spec, changed)
}

// redactTokenSpec replaces a Token's hash. A spec that cannot be read is
// dropped whole rather than shown.
func redactTokenSpec(spec json.RawMessage, changed bool) json.RawMessage {
	var m map[string]any
	if len(spec) == 0 || json.Unmarshal(spec, &m) != nil {
		return nil
	}
	if _, ok := m["hash"]; ok {
		m["hash"] = RedactedValue
		if changed {
			m["hash"] = RedactedChangedValue
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

// redactSpec replaces every value of spec.data. A spec that cannot be read
// is dropped whole rather than shown.
func redactSpec(spec json.RawMessage, changed map[string]bool) json.RawMessage {
	if len(spec) == 0 {
		return spec
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(spec, &m); err != nil {
		return nil
	}
	var data map[string]json.RawMessage
	if raw, ok := m["data"]; !ok {
		return spec
	} else if err := json.Unmarshal(raw, &data); err != nil {
		return nil
	}
	red := make(map[string]string, len(data))
	for k := range data {
		red[k] = RedactedValue
		if changed[k] {
			red[k] = RedactedChangedValue
		}
	}
	var err error
	if m["data"], err = json.Marshal(red); err != nil {
		return nil
	}
	out, err := json.Marshal(m)
	if err != nil {
		return nil
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
	if it.Kind == tokenKind {
		changed := it.Old != nil && it.Object != nil && tokenHash(it.Old) != tokenHash(it.Object)
		it.Old, it.Object = redact(it.Old), redactMarking(it.Object, map[string]bool{"hash": changed})
		return
	}
	if it.Kind != secretKind {
		return
	}
	oldData, newData := secretData(it.Old), secretData(it.Object)
	changed := map[string]bool{}
	for k, v := range newData {
		if ov, ok := oldData[k]; ok && !bytes.Equal(ov, v) {
			changed[k] = true
		}
	}
	it.Old = redact(it.Old)
	it.Object = redactMarking(it.Object, changed)
}

// tokenHash returns a Token's spec.hash as stored.
func tokenHash(o *v1alpha1.Object) string {
	var spec v1alpha1.TokenSpec
	_ = json.Unmarshal(o.Spec, &spec)
	return spec.Hash
}

// secretData returns the values of a Secret's spec.data as the store keeps
// them, in canonical JSON, so equal values have equal bytes.
func secretData(o *v1alpha1.Object) map[string]json.RawMessage {
	if o == nil {
		return nil
	}
	var spec struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(o.Spec, &spec)
	return spec.Data
}

// redactionMarkers refuses a Secret manifest that holds a redaction marker as
// a value: it was read back from the API, and applying it would replace the
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
	if o == nil || o.Kind != secretKind {
		return nil
	}
	var spec v1alpha1.SecretSpec
	_ = json.Unmarshal(o.Spec, &spec)
	var errs []v1alpha1.FieldError
	for _, k := range slices.Sorted(maps.Keys(spec.Data)) {
		if v := spec.Data[k]; v == RedactedValue || v == RedactedChangedValue {
			errs = append(errs, v1alpha1.FieldError{Field: string(v1alpha1.FieldPath("spec").Key("data").Key(k)),
				Reason: "is the API's redaction marker " + quote(v) + ", not a value; write the real value"})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &v1alpha1.ValidationError{Kind: o.Kind, Name: o.Metadata.Name, Errors: errs}
}
