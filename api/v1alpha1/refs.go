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
	root := map[string]any{"spec": spec}
	var refs []Reference
	for _, rp := range r.References {
		VisitPath(root, rp.Path, func(p FieldPath, v any) any {
			if name, _ := v.(string); name != "" {
				refs = append(refs, Reference{Field: p.String(), Kind: rp.Kind, Name: name})
			}
			return v
		})
	}
	return refs
}

// VisitPath calls visit with every value path names in root, a decoded JSON
// object, and stores what visit returns in its place. path is dotted, "*"
// matching every member of an object (in key order) and a "[*]" suffix every
// element of an array, as in RefPath. Members that are absent are skipped; it
// reports false when a step meets a value of the wrong type, such as a
// string where the path needs an object.
func VisitPath(root any, path string, visit func(p FieldPath, v any) any) bool {
	return visitSteps(root, "", strings.Split(path, "."), visit)
}

func visitSteps(v any, p FieldPath, steps []string, visit func(FieldPath, any) any) bool {
	step, all := strings.CutSuffix(steps[0], "[*]")
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	keys := []string{step}
	if step == "*" {
		keys = slices.Sorted(maps.Keys(m))
	}
	sound := true
	for _, k := range keys {
		child, ok := m[k]
		if !ok {
			continue
		}
		if !all {
			sound = visitChild(child, p.Key(k), steps[1:], visit, func(nv any) { m[k] = nv }) && sound
			continue
		}
		list, ok := child.([]any)
		if !ok {
			sound = false
			continue
		}
		for i, e := range list {
			sound = visitChild(e, p.Key(k).Index(i), steps[1:], visit, func(nv any) { list[i] = nv }) && sound
		}
	}
	return sound
}

// visitChild visits v itself at the end of the path, else walks on.
func visitChild(v any, p FieldPath, rest []string, visit func(FieldPath, any) any, set func(any)) bool {
	if len(rest) == 0 {
		set(visit(p, v))
		return true
	}
	return visitSteps(v, p, rest, visit)
}
