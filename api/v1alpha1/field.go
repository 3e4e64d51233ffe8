package v1alpha1

import (
	"fmt"
	"strings"

	"github.com/ocppgw/ocppgw/api/field"
)

// FieldError is one problem with one field of a document.
type FieldError = field.Error

// ValidationError reports every problem found in one document of an apply. It
// names where the document came from so a person can find it.
type ValidationError struct {
	Source   string       `json:"source,omitempty"`   // file name, or "" for a request body
	Document int          `json:"document,omitempty"` // 1-based index within Source; 0 if unknown
	Kind     string       `json:"kind,omitempty"`
	Name     string       `json:"name,omitempty"`
	Errors   []FieldError `json:"errors"`
}

// Where returns "file: document N (Kind/name)", leaving out what is unknown.
func (e *ValidationError) Where() string {
	var parts []string
	if e.Source != "" {
		parts = append(parts, e.Source)
	}
	if e.Document > 0 {
		parts = append(parts, fmt.Sprintf("document %d", e.Document))
	}
	w := strings.Join(parts, ": ")
	if e.Kind != "" || e.Name != "" {
		id := strings.TrimPrefix(e.Kind+"/"+e.Name, "/")
		if w == "" {
			return id
		}
		w += " (" + id + ")"
	}
	return w
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		msgs[i] = fe.String()
	}
	where := e.Where()
	if where == "" {
		return strings.Join(msgs, "; ")
	}
	return where + ": " + strings.Join(msgs, "; ")
}
