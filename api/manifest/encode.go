package manifest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Encode joins the documents into the one stream the apply endpoint takes:
// document i of the stream is docs[i-1], which is how LocateCause maps the
// server's causes back. It is a newline-separated JSON stream because the
// server reads a body starting with '{' as JSON values, and a YAML "---"
// between them would not parse.
func Encode(docs []Doc) ([]byte, error) {
	parts := make([]string, len(docs))
	for i, d := range docs {
		b, err := json.Marshal(d.Object)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: encode: %w", d.Source, d.Index, err)
		}
		parts[i] = string(b)
	}
	return []byte(strings.Join(parts, "\n")), nil
}

// LocateCause renders one cause of a rejected apply of Encode(docs), naming
// the file and document the user wrote ("file: document N (Kind/name): …")
// instead of the position in the merged stream the server saw.
func LocateCause(c v1alpha1.StatusCause, docs []Doc) string {
	if c.Document < 1 || c.Document > len(docs) {
		return causeLine(c)
	}
	d := docs[c.Document-1]
	ve := v1alpha1.ValidationError{Source: d.Source, Document: d.Index, Kind: d.Object.Kind, Name: d.Object.Metadata.Name}
	msg := stripDocumentPrefix(c.Message, c.Document)
	if c.Field != "" && !strings.Contains(msg, c.Field) {
		msg = c.Field + ": " + msg
	}
	return ve.Where() + ": " + msg
}

// causeLine renders a cause that names no document of the stream.
func causeLine(c v1alpha1.StatusCause) string {
	if c.Field == "" || strings.Contains(c.Message, c.Field) {
		return c.Message
	}
	return c.Field + ": " + c.Message
}

// stripDocumentPrefix drops the server's own "document N (Kind/name): " lead,
// which counts documents in the merged stream rather than in the user's file.
func stripDocumentPrefix(msg string, n int) string {
	lead := fmt.Sprintf("document %d", n)
	rest, ok := strings.CutPrefix(msg, lead)
	if !ok {
		return msg
	}
	if strings.HasPrefix(rest, " (") {
		if i := strings.Index(rest, "): "); i >= 0 {
			return rest[i+3:]
		}
	}
	if r, ok := strings.CutPrefix(rest, ": "); ok {
		return r
	}
	return msg
}
