package validate

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/field"
)

// pointerTokens splits a JSON pointer ("/spec/evses/0") into unescaped tokens.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		// The validator percent-escapes tokens on top of JSON-pointer escaping.
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// fieldPath renders pointer tokens as a dotted path below base, using the document to
// tell array indexes from object keys that happen to be digits.
func fieldPath(base field.Path, doc any, tokens []string) field.Path {
	p := base
	cur := doc
	for _, t := range tokens {
		switch x := cur.(type) {
		case []any:
			i, err := strconv.Atoi(t)
			if err == nil && i >= 0 && i < len(x) {
				p = p.Index(i)
				cur = x[i]
				continue
			}
			p = p.Key(t)
			cur = nil
		case map[string]any:
			p = p.Key(t)
			cur = x[t]
		default:
			p = p.Key(t)
			cur = nil
		}
	}
	return p
}

// valueAt returns the value the tokens point at.
func valueAt(doc any, tokens []string) (any, bool) {
	cur := doc
	for _, t := range tokens {
		switch x := cur.(type) {
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		case map[string]any:
			v, ok := x[t]
			if !ok {
				return nil, false
			}
			cur = v
		default:
			return nil, false
		}
	}
	return cur, true
}

// schemaAt returns the raw schema object at an absolute location
// ("https://…/charger.json#/$defs/spec"), or an empty map.
func (s *Set) schemaAt(abs string) map[string]any {
	url, frag, _ := strings.Cut(abs, "#")
	v, ok := valueAt(s.raw[url], pointerTokens(frag))
	if !ok {
		return map[string]any{}
	}
	m, _ := v.(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// parentPointer drops the last token (the keyword) of an absolute keyword
// location, leaving the schema that holds it.
func parentPointer(abs string) string {
	if i := strings.LastIndex(abs, "/"); i >= 0 && strings.Contains(abs[:i+1], "#") {
		return abs[:i]
	}
	return abs
}

func afterHash(s string) string {
	if _, frag, ok := strings.Cut(s, "#"); ok {
		return frag
	}
	return s
}
