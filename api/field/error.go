package field

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Error is one problem with one field of a document.
type Error struct {
	// Field is the dotted path, e.g. "spec.connection.modbusTCP.port" or
	// "spec.evses[0].connectors"; empty for the document as a whole.
	Field string `json:"field,omitempty"`
	// Reason says what is wrong, in words for a person.
	Reason string `json:"reason"`
}

func (e Error) String() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// JSONType names the JSON type of a decoded value as JSON Schema does; a
// number without a fraction is "integer".
func JSONType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
