package manifest

import (
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Errors lists every invalid document of a decode, in input order.
type Errors struct {
	Items []*v1alpha1.ValidationError
}

func (e *Errors) Error() string {
	lines := make([]string, len(e.Items))
	for i, it := range e.Items {
		lines[i] = it.Error()
	}
	return strings.Join(lines, "\n")
}

// orNil keeps a nil *Errors from becoming a non-nil error interface.
func (e *Errors) orNil() error {
	if e == nil || len(e.Items) == 0 {
		return nil
	}
	return e
}
