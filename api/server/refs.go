package server

import (
	"errors"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// refProblem says why the named object cannot be referenced, or "".
type refProblem func(kind, name string) (string, error)

// danglingRefs checks every object obj names. Template.spec.extends is left
// to the template controller, which reports a missing parent as a condition,
// so that templates can be applied in any order.
func danglingRefs(obj *v1alpha1.Object, problem refProblem) ([]v1alpha1.FieldError, error) {
	var errs []v1alpha1.FieldError
	for _, ref := range v1alpha1.References(obj) {
		if obj.Kind == v1alpha1.KindTemplate && ref.Field == "spec.extends" {
			continue
		}
		r, err := problem(ref.Kind, ref.Name)
		if err != nil {
			return nil, err
		}
		if r != "" {
			errs = append(errs, v1alpha1.FieldError{Field: ref.Field, Reason: r})
		}
	}
	return errs, nil
}

// storedRef reports objects missing from the store as seen by tx.
func storedRef(tx *store.Tx) refProblem {
	return func(kind, name string) (string, error) {
		_, err := tx.Get(kind, name)
		switch {
		case err == nil:
			return "", nil
		case errors.Is(err, store.ErrNotFound):
			return fmt.Sprintf("%s %q not found", kind, name), nil
		}
		return "", fmt.Errorf("check reference to %s %q: %w", kind, name, err)
	}
}

// refsExist fails with a 422-shaped error when obj names a missing object.
func refsExist(tx *store.Tx, obj *v1alpha1.Object) error {
	errs, err := danglingRefs(obj, storedRef(tx))
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return &v1alpha1.ValidationError{Kind: obj.Kind, Name: obj.Metadata.Name, Errors: errs}
	}
	return nil
}
