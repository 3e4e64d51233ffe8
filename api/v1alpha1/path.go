package v1alpha1

import "github.com/ocppgw/ocppgw/api/field"

// FieldPath builds the dotted field paths of FieldError.
type FieldPath = field.Path

// MergeFieldErrors appends to errs those of more whose field is not already
// covered by an error in errs (the same field or an ancestor), so that a
// structural error is not repeated by a later semantic check of the same field.
// Identical errors are dropped too.
func MergeFieldErrors(errs []FieldError, more ...FieldError) []FieldError {
	base := len(errs)
next:
	for _, m := range more {
		for i, e := range errs {
			if e == m {
				continue next
			}
			if i < base && e.Field != "" && FieldPath(e.Field).Covers(FieldPath(m.Field)) {
				continue next
			}
		}
		errs = append(errs, m)
	}
	return errs
}

// fieldErrors collects the problems of one document.
type fieldErrors []FieldError

func (e *fieldErrors) add(p FieldPath, reason string) {
	*e = append(*e, FieldError{Field: string(p), Reason: reason})
}

// collect runs checks that add to one list and returns it.
func collect(checks func(*fieldErrors)) []FieldError {
	var errs fieldErrors
	checks(&errs)
	return errs
}
