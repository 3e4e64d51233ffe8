package main

import (
	"encoding/json"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// The values a kind registers as Redacted (a Secret's spec.data, a Token's
// spec.hash) never reach the terminal, in case a server ever returns them;
// their keys stay, so a reader sees which exist.

// hideRedacted replaces each value at kind's redacted paths in spec (as
// decoded) with what mark returns for its path and value.
func hideRedacted(kind string, spec map[string]any, mark func(path string, v any) any) (replaced bool) {
	r, ok := v1alpha1.DefaultScheme().ByKind(kind)
	if !ok {
		return false
	}
	root := map[string]any{"spec": spec}
	for _, p := range r.Redacted {
		v1alpha1.VisitPath(root, p, func(fp v1alpha1.FieldPath, v any) any {
			replaced = true
			return mark(fp.String(), v)
		})
	}
	return replaced
}

// redactedValues returns the values at o's redacted paths, by path.
func redactedValues(o *v1alpha1.Object) map[string]any {
	out := map[string]any{}
	if o != nil {
		hideRedacted(o.Kind, decodeMap(o.Spec), func(p string, v any) any { out[p] = v; return v })
	}
	return out
}

// maskRedacted hides redacted values as kubectl diff hides a Secret's,
// while still showing which change: "***" when a value is the same on both
// sides, "*** (before)" and "*** (after)" when it differs. Objects without
// redacted values pass through.
func maskRedacted(old, obj *v1alpha1.Object) (*v1alpha1.Object, *v1alpha1.Object) {
	oldValues, newValues := redactedValues(old), redactedValues(obj)
	return masked(old, newValues, "before"), masked(obj, oldValues, "after")
}

// masked returns a copy of o with its redacted values masked against the
// other side's; o itself when it has none, nil when o is nil.
func masked(o *v1alpha1.Object, other map[string]any, label string) *v1alpha1.Object {
	if o == nil {
		return nil
	}
	spec := decodeMap(o.Spec)
	replaced := hideRedacted(o.Kind, spec, func(p string, v any) any {
		if ov, ok := other[p]; ok && format(ov) != format(v) {
			return "*** (" + label + ")"
		}
		return "***"
	})
	if !replaced {
		return o
	}
	c := o.DeepCopy()
	b, err := json.Marshal(spec)
	if err != nil {
		c.Spec = nil // never fall back to showing the values
		return c
	}
	c.Spec = b
	return c
}
