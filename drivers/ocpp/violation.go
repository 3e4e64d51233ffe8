package ocpp

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// keywordCodes maps a failed schema keyword to its Part 4 CALLERROR code
// (OCPP 2.0.1 Part 4 §4.2.3, Table 7):
//   - OccurrenceConstraintViolation, "syntactically correct but at least one
//     of the fields violates occurrence constraints": a missing required
//     field, too few or too many array items.
//   - TypeConstraintViolation, "violates data type constraints (e.g.
//     "somestring": 12)": a JSON type other than the schema's type.
//   - PropertyConstraintViolation, "a field contains an invalid value": a
//     value of the right type that the schema does not allow: too long or
//     too short, not in the enum, out of range, not matching a pattern or
//     format (date-time), or a property the schema does not define.
//
// FormatViolation ("not conform the PDU structure") is left for payloads
// that are not JSON or not an object, and for any keyword not listed here.
var keywordCodes = map[string]rpc.ErrorCode{
	"required":             rpc.OccurrenceConstraintViolation,
	"minItems":             rpc.OccurrenceConstraintViolation,
	"maxItems":             rpc.OccurrenceConstraintViolation,
	"type":                 rpc.TypeConstraintViolation,
	"maxLength":            rpc.PropertyConstraintViolation,
	"minLength":            rpc.PropertyConstraintViolation,
	"enum":                 rpc.PropertyConstraintViolation,
	"const":                rpc.PropertyConstraintViolation,
	"minimum":              rpc.PropertyConstraintViolation,
	"maximum":              rpc.PropertyConstraintViolation,
	"exclusiveMinimum":     rpc.PropertyConstraintViolation,
	"exclusiveMaximum":     rpc.PropertyConstraintViolation,
	"pattern":              rpc.PropertyConstraintViolation,
	"format":               rpc.PropertyConstraintViolation,
	"additionalProperties": rpc.PropertyConstraintViolation,
}

// problem is one failed keyword, located in the payload.
type problem struct {
	path    string // JSON pointer of the offending field
	keyword string
	reason  string
}

// violation turns a schema validation failure into an *rpc.Error describing the
// first problem by payload path, so the same payload always gets the same
// description.
func (c *compiled) violation(doc any, ve *jsonschema.ValidationError) *rpc.Error {
	var problems []problem
	for _, leaf := range leaves(ve, nil) {
		problems = append(problems, c.describe(doc, leaf))
	}
	slices.SortFunc(problems, func(a, b problem) int {
		if r := strings.Compare(a.path, b.path); r != 0 {
			return r
		}
		return strings.Compare(a.keyword, b.keyword)
	})
	p := problems[0]
	code, ok := keywordCodes[p.keyword]
	if !ok {
		code = rpc.FormatViolation
	}
	desc := fmt.Sprintf("%q: %s", p.path, p.reason)
	if n := len(problems) - 1; n > 0 {
		desc += fmt.Sprintf(" (and %d more)", n)
	}
	return &rpc.Error{
		Code:        code,
		Description: desc,
		Details:     map[string]any{"path": p.path, "keyword": p.keyword},
	}
}

// leaves collects the errors that name a failed keyword; the inner nodes
// only say which subschema ($ref, properties) led there.
func leaves(ve *jsonschema.ValidationError, acc []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(acc, ve)
	}
	for _, c := range ve.Causes {
		acc = leaves(c, acc)
	}
	return acc
}

// describe words one failed keyword from the schema's own limit and the
// value found in the payload, rather than from the library's message.
func (c *compiled) describe(doc any, leaf *jsonschema.ValidationError) problem {
	kwPath := leaf.AbsoluteKeywordLocation
	keyword := kwPath[strings.LastIndexByte(kwPath, '/')+1:]
	limit := c.schemaAt(kwPath)
	parent, _ := c.schemaAt(kwPath[:strings.LastIndexByte(kwPath, '/')]).(map[string]any)
	path := leaf.InstanceLocation
	value := pointer(doc, path)
	p := problem{path: path, keyword: keyword, reason: leaf.Message}
	switch keyword {
	case "required":
		obj, _ := value.(map[string]any)
		for _, name := range asStrings(limit) {
			if _, present := obj[name]; !present {
				p.path, p.reason = path+"/"+escape(name), "required property missing"
				break
			}
		}
	case "additionalProperties":
		obj, _ := value.(map[string]any)
		props, _ := parent["properties"].(map[string]any)
		var unknown []string
		for name := range obj {
			if _, defined := props[name]; !defined {
				unknown = append(unknown, name)
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			p.path, p.reason = path+"/"+escape(unknown[0]), "property not defined by the schema (additionalProperties false)"
		}
	case "type":
		p.reason = fmt.Sprintf("type %s, want %v", jsonType(value), limit)
	case "maxLength":
		p.reason = fmt.Sprintf("length %d exceeds maxLength %v", runes(value), limit)
	case "minLength":
		p.reason = fmt.Sprintf("length %d is below minLength %v", runes(value), limit)
	case "maxItems", "minItems":
		arr, _ := value.([]any)
		p.reason = fmt.Sprintf("%d items, %s %v", len(arr), keyword, limit)
	case "minimum":
		p.reason = fmt.Sprintf("value %v is below minimum %v", value, limit)
	case "maximum":
		p.reason = fmt.Sprintf("value %v exceeds maximum %v", value, limit)
	case "enum":
		b, _ := json.Marshal(value)
		p.reason = fmt.Sprintf("value %s is not one of %v", b, asStrings(limit))
	case "format":
		b, _ := json.Marshal(value)
		p.reason = fmt.Sprintf("value %s is not a valid %v", b, limit)
	}
	return p
}

// schemaAt resolves "<url>#<pointer>" in the raw schema documents.
func (c *compiled) schemaAt(loc string) any {
	url, ptr, _ := strings.Cut(loc, "#")
	return pointer(c.raw[url], ptr)
}

// pointer resolves an RFC 6901 JSON pointer; nil when it leads nowhere.
func pointer(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, seg := range strings.Split(ptr[1:], "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch n := v.(type) {
		case map[string]any:
			v = n[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			v = n[i]
		default:
			return nil
		}
	}
	return v
}

func escape(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

func asStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// runes counts characters as JSON Schema does (code points, not bytes).
func runes(v any) int {
	s, _ := v.(string)
	return utf8.RuneCountInString(s)
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "number"
		}
		return "integer"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
