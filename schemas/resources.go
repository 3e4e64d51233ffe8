package schemas

// The editor copies in resources/ are generated; regenerate after changing a
// registered type or its schema tags.
//go:generate go run ./resourcegen -out resources

import (
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// BaseURL is the $id prefix of every resource schema.
const BaseURL = v1alpha1.SchemaBaseURL

// ResourceSchema returns the JSON Schema document of a kind, generated from
// its registered Go types, or false.
func ResourceSchema(kind string) ([]byte, bool) {
	if v1alpha1.KindProblem(kind) != "" {
		return nil, false
	}
	return v1alpha1.ResourceSchema(kind)
}

// ValidateResource validates a whole document of the given kind (apiVersion,
// kind, metadata, spec, status) as decoded from JSON, preferably with
// json.Decoder.UseNumber. It returns every problem with a dotted field path
// and a short reason, sorted by path; nil means the document conforms.
func ValidateResource(kind string, doc any) []v1alpha1.FieldError {
	return v1alpha1.ValidateDocument(kind, doc)
}
