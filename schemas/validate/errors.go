package validate

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ocppgw/ocppgw/api/field"
)

// fieldErrors flattens a validation error tree into its leaves, one
// field.Error each, deduplicated and sorted by field.
func (r *run) fieldErrors(root *jsonschema.ValidationError) []field.Error {
	var out []field.Error
	seen := map[field.Error]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, cause := range e.Causes {
				walk(cause)
			}
			return
		}
		if r.structural && !structuralKeyword(e.KeywordLocation) {
			return
		}
		for _, fe := range r.leaf(e) {
			if !seen[fe] {
				seen[fe] = true
				out = append(out, fe)
			}
		}
	}
	walk(root)
	sortErrors(out)
	return out
}

// sortErrors orders errors by field, then reason.
func sortErrors(out []field.Error) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		return out[i].Reason < out[j].Reason
	})
}

// leaf turns one failed keyword into field errors. The schema node that
// failed is looked up in the raw schema so the message can name the fields,
// bounds and values involved rather than echo the validator's wording.
func (r *run) leaf(e *jsonschema.ValidationError) []field.Error {
	tokens := pointerTokens(e.InstanceLocation)
	path := fieldPath(r.base, r.doc, tokens)
	value, _ := valueAt(r.doc, tokens)
	kwPath := pointerTokens(afterHash(e.KeywordLocation))
	kw := ""
	if len(kwPath) > 0 {
		kw = kwPath[len(kwPath)-1]
	}
	node := r.set.schemaAt(parentPointer(e.AbsoluteKeywordLocation))
	one := func(reason string) []field.Error {
		return []field.Error{{Field: path.String(), Reason: reason}}
	}
	if i := lastIndex(kwPath, "propertyNames"); i >= 0 && len(tokens) > 0 {
		// The failing value is the key itself; report it at the key's path.
		key := tokens[len(tokens)-1]
		reason := strings.Replace(keywordReason(kw, node, key, e.Message), ", got "+describe(key), "", 1)
		return one(fmt.Sprintf("invalid key %q: %s", key, reason))
	}
	switch kw {
	case "required":
		return requiredErrors(path, node, value)
	case "additionalProperties":
		return unknownFieldErrors(path, node, value)
	case "minProperties", "maxProperties":
		return one(propertiesCountReason(node, value, e.Message))
	case "type":
		if n, ok := value.(json.Number); ok && r.goNumbers && node["type"] == "integer" {
			return one("must be integer, got " + n.String())
		}
	}
	return one(keywordReason(kw, node, value, e.Message))
}

func requiredErrors(path field.Path, node map[string]any, value any) []field.Error {
	obj, _ := value.(map[string]any)
	var out []field.Error
	for _, r := range stringList(node["required"]) {
		if _, ok := obj[r]; !ok {
			out = append(out, field.Error{Field: path.Key(r).String(), Reason: fmt.Sprintf("required field %q is missing", r)})
		}
	}
	return out
}

func unknownFieldErrors(path field.Path, node map[string]any, value any) []field.Error {
	obj, _ := value.(map[string]any)
	props, _ := node["properties"].(map[string]any)
	known := make([]string, 0, len(props))
	for k := range props {
		known = append(known, k)
	}
	sort.Strings(known)
	var out []field.Error
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, ok := props[k]; ok {
			continue
		}
		reason := fmt.Sprintf("unknown field %q", k)
		if near := closest(k, known); near != "" {
			reason += fmt.Sprintf(" (did you mean %q?)", near)
		} else if len(known) > 0 {
			reason += "; known fields: " + strings.Join(known, ", ")
		}
		out = append(out, field.Error{Field: path.Key(k).String(), Reason: reason})
	}
	return out
}

func propertiesCountReason(node map[string]any, value any, msg string) string {
	props, _ := node["properties"].(map[string]any)
	minP, _ := node["minProperties"].(float64)
	maxP, _ := node["maxProperties"].(float64)
	if minP != 1 || maxP != 1 || len(props) == 0 {
		return msg
	}
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	reason := "must set exactly one of " + strings.Join(names, ", ")
	if obj, _ := value.(map[string]any); len(obj) > 1 {
		reason += ", got " + strings.Join(slices.Sorted(maps.Keys(obj)), " and ")
	}
	return reason
}

// keywordReason words the failure of one keyword for value.
func keywordReason(kw string, node map[string]any, value any, msg string) string {
	got := describe(value)
	custom, _ := node["x-message"].(string)
	switch kw {
	case "type":
		reason := fmt.Sprintf("must be %s, got %s", typeList(node["type"]), field.JSONType(value))
		if t := field.JSONType(value); node["type"] == "string" && (t == "integer" || t == "number" || t == "boolean") {
			// YAML turns 0x02A101, 1e3, yes and no into numbers and booleans.
			reason += " (quote it in YAML)"
		}
		return reason
	case "const":
		return fmt.Sprintf("must be %s, got %s", describe(node["const"]), got)
	case "enum":
		vals, _ := node["enum"].([]any)
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = describe(v)
		}
		if len(parts) == 1 {
			return fmt.Sprintf("must be %s, got %s", parts[0], got)
		}
		reason := fmt.Sprintf("must be one of %s, got %s", strings.Join(parts, ", "), got)
		if str, ok := value.(string); ok {
			if near := closest(str, stringList(vals)); near != "" {
				reason += fmt.Sprintf(" (did you mean %q?)", near)
			}
		}
		return reason
	case "minimum":
		return fmt.Sprintf("must be at least %s, got %s", num(node[kw]), got)
	case "maximum":
		return fmt.Sprintf("must be at most %s, got %s", num(node[kw]), got)
	case "exclusiveMinimum":
		return fmt.Sprintf("must be greater than %s, got %s", num(node[kw]), got)
	case "exclusiveMaximum":
		return fmt.Sprintf("must be less than %s, got %s", num(node[kw]), got)
	case "minLength":
		return fmt.Sprintf("must be at least %s characters, got %d", num(node[kw]), runeLen(value))
	case "maxLength":
		return fmt.Sprintf("must be at most %s characters, got %d", num(node[kw]), runeLen(value))
	case "minItems":
		return fmt.Sprintf("must have at least %s items, got %d", num(node[kw]), arrayLen(value))
	case "maxItems":
		return fmt.Sprintf("must have at most %s items, got %d", num(node[kw]), arrayLen(value))
	case "pattern", "format":
		if custom == "" && kw == "pattern" {
			custom = fmt.Sprintf("must match the pattern %s", node["pattern"])
		} else if custom == "" {
			custom = fmt.Sprintf("must be a valid %s", node["format"])
		}
		return fmt.Sprintf("%s, got %s", custom, got)
	case "uniqueItems":
		return "must not repeat items (" + msg + ")"
	}
	return msg
}

// describe renders a JSON value for a message: strings quoted, numbers and
// booleans as written, containers by type.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 80 {
			x = x[:77] + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		return x.String()
	case float64:
		return num(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	}
	return field.JSONType(v)
}

func typeList(t any) string {
	switch x := t.(type) {
	case string:
		return x
	case []any:
		names := stringList(x)
		if len(names) <= 1 {
			return strings.Join(names, "")
		}
		return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	return "valid"
}

func num(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func runeLen(v any) int {
	s, _ := v.(string)
	return len([]rune(s))
}

func arrayLen(v any) int {
	a, _ := v.([]any)
	return len(a)
}

func stringList(v any) []string {
	a, _ := v.([]any)
	out := make([]string, 0, len(a))
	for _, x := range a {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func lastIndex(tokens []string, s string) int {
	for i := len(tokens) - 1; i >= 0; i-- {
		if tokens[i] == s {
			return i
		}
	}
	return -1
}

// closest returns the known name within edit distance 2 of s (case-blind),
// or "" when none is that close.
func closest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// structuralKeyword reports whether a failed keyword is about shape: an
// unknown field or a wrong JSON type.
func structuralKeyword(loc string) bool {
	kw := pointerTokens(afterHash(loc))
	if len(kw) == 0 {
		return false
	}
	switch kw[len(kw)-1] {
	case "type", "additionalProperties":
		return true
	}
	return false
}
