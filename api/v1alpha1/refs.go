package v1alpha1

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// Reference is one object another object names.
type Reference struct {
	Field string // where the name is, e.g. "spec.templateRef"
	Kind  string // kind of the named object
	Name  string
}

// References lists the objects obj names, in the order its kind's
// registration declares them (RefPath). The API server uses it to refuse
// dangling references and deletions of objects in use; the controllers use
// it to requeue dependents. The spec is read leniently so that this works on
// any stored object; unknown kinds and unreadable specs name nothing.
func References(obj *Object) []Reference {
	r, ok := scheme.ByKind(obj.Kind)
	if !ok || len(r.References) == 0 {
		return nil
	}
	var spec any
	if json.Unmarshal(obj.Spec, &spec) != nil {
		return nil
	}
	var refs []Reference
	for _, rp := range r.References {
		steps := strings.Split(strings.TrimPrefix(rp.Path, "spec."), ".")
		walkRef(spec, "spec", steps, func(p FieldPath, name string) {
			if name != "" {
				refs = append(refs, Reference{Field: p.String(), Kind: rp.Kind, Name: name})
			}
		})
	}
	return refs
}

// walkRef follows steps through a decoded spec and calls found with every
// string it reaches; values of other types name nothing.
func walkRef(v any, p FieldPath, steps []string, found func(FieldPath, string)) {
	if len(steps) == 0 {
		if s, ok := v.(string); ok {
			found(p, s)
		}
		return
	}
	step, all := strings.CutSuffix(steps[0], "[*]")
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	keys := []string{step}
	if step == "*" {
		keys = slices.Sorted(maps.Keys(m))
	}
	for _, k := range keys {
		child, ok := m[k]
		if !ok {
			continue
		}
		if !all {
			walkRef(child, p.Key(k), steps[1:], found)
			continue
		}
		list, _ := child.([]any)
		for i, e := range list {
			walkRef(e, p.Key(k).Index(i), steps[1:], found)
		}
	}
}
