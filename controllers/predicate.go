package controllers

import (
	"bytes"
	"maps"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Change is one change an informer applied to its cache.
type Change struct {
	Type v1alpha1.EventType
	// Object is the object as the event carried it.
	Object *v1alpha1.Object
	// Old is the state a MODIFIED replaced; nil for ADDED and DELETED.
	Old *v1alpha1.Object
	// Typed and OldTyped are Object and Old as the informer's Go type, when
	// it has a Lister and they decode; nil otherwise. Read-only.
	Typed, OldTyped any
}

// Predicate decides whether a change is worth a reconcile (controller-runtime's
// event filters). Every predicate here passes ADDED and DELETED: a controller
// always learns that an object came or went.
type Predicate func(Change) bool

func modified(c Change) bool { return c.Type == v1alpha1.Modified && c.Old != nil }

// GenerationChanged passes a change of the spec: the store moves the
// generation exactly then.
func GenerationChanged(c Change) bool {
	return !modified(c) || c.Old.Metadata.Generation != c.Object.Metadata.Generation
}

// LabelsChanged passes a change of the labels.
func LabelsChanged(c Change) bool {
	return !modified(c) || !maps.Equal(c.Old.Metadata.Labels, c.Object.Metadata.Labels)
}

// AnnotationsChanged passes a change of the annotations.
func AnnotationsChanged(c Change) bool {
	return !modified(c) || !maps.Equal(c.Old.Metadata.Annotations, c.Object.Metadata.Annotations)
}

// StatusChanged passes any change of the status, whoever wrote it. Only a
// controller that reads the status of the kind asks for it.
func StatusChanged(c Change) bool {
	return !modified(c) || !bytes.Equal(c.Old.Status, c.Object.Status)
}

// Any passes a change that one of ps passes.
func Any(ps ...Predicate) Predicate {
	return func(c Change) bool {
		for _, p := range ps {
			if p(c) {
				return true
			}
		}
		return false
	}
}

// SpecOrMetadataChanged passes a change of the spec, the labels or the
// annotations: what the owner or an operator declared, not what a
// controller observed. It is the filter of a controller's own kind and of
// its Watches unless they say otherwise, so no status write re-runs a
// controller that did not ask for it, its own least of all.
var SpecOrMetadataChanged = Any(GenerationChanged, LabelsChanged, AnnotationsChanged)

// TypedChanged passes a MODIFIED whose typed views differ by changed, which
// sees both as T; ADDED and DELETED pass. A change it cannot see typed
// (no Lister, or an object that does not decode) passes, so nothing is lost
// on a bad object.
func TypedChanged[T any](changed func(old, cur *T) bool) Predicate {
	return func(c Change) bool {
		if !modified(c) {
			return true
		}
		old, ok1 := c.OldTyped.(*T)
		cur, ok2 := c.Typed.(*T)
		if !ok1 || !ok2 {
			return true
		}
		return changed(old, cur)
	}
}
