package v1alpha1

import (
	"regexp"
	"strconv"
)

// FieldPath builds the dotted field paths of FieldError: "spec.evses[1].id",
// "metadata.labels[\"app.kubernetes.io/name\"]". Keys that are not plain
// identifiers are bracketed and quoted so the path stays unambiguous.
type FieldPath string

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Key appends an object member.
func (p FieldPath) Key(name string) FieldPath {
	if !identRE.MatchString(name) {
		return p + FieldPath("["+strconv.Quote(name)+"]")
	}
	if p == "" {
		return FieldPath(name)
	}
	return p + "." + FieldPath(name)
}

// Index appends an array element.
func (p FieldPath) Index(i int) FieldPath {
	return p + FieldPath("["+strconv.Itoa(i)+"]")
}

func (p FieldPath) String() string { return string(p) }

// covers reports whether p is q or one of q's ancestors, so an error already
// reported at p makes a later one at q redundant.
func (p FieldPath) covers(q FieldPath) bool {
	if p == "" || p == q {
		return p == q
	}
	if len(q) <= len(p) || q[:len(p)] != p {
		return false
	}
	c := q[len(p)]
	return c == '.' || c == '['
}

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
			if i < base && e.Field != "" && FieldPath(e.Field).covers(FieldPath(m.Field)) {
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
