package conform

import (
	"encoding/json"
	"unicode/utf8"
)

// ConformsJSON reports whether the JSON text b is one value that certainly
// conforms, checking it as it scans, without decoding it into Go values;
// false means it does not, is not valid JSON, or that jsonschema must
// decide. A property given twice passes only if every occurrence does,
// which covers the last one, the one a decoder keeps.
func (c *Checker) ConformsJSON(b []byte) bool {
	s := scanner{b: b}
	if !c.root.scan(&s) {
		return false
	}
	s.space()
	return s.i == len(s.b)
}

// scanner is a position in a JSON text.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// scan checks the value at s against n and moves past it.
func (n *node) scan(s *scanner) bool {
	if n == nil {
		return skip(s)
	}
	if n.never {
		return false
	}
	if n.refOnly {
		return n.ref.scan(s)
	}
	start := s.i
	if !n.scanOwn(s) {
		return false
	}
	if n.ref == nil {
		return true
	}
	end := s.i
	s.i = start
	if !n.ref.scan(s) {
		return false
	}
	s.i = end
	return true
}

// scanOwn checks n's own keywords on the value at s.
func (n *node) scanOwn(s *scanner) bool {
	s.space()
	if s.i >= len(s.b) {
		return false
	}
	var t uint8
	ok := false
	switch c := s.b[s.i]; {
	case c == '{':
		t, ok = tObject, n.enum == nil && n.scanObject(s)
	case c == '[':
		t, ok = tArray, n.enum == nil && n.scanArray(s)
	case c == '"':
		t, ok = tString, n.scanString(s)
	case c == 't' || c == 'f' || c == 'n':
		t = tBoolean
		if c == 'n' {
			t = tNull
		}
		ok = n.enum == nil && literal(s)
	default:
		var isInt bool
		ok = n.enum == nil && n.scanNumber(s, &isInt)
		t = tNumber
		if isInt && n.types&tNumber == 0 {
			t = tInteger
		}
	}
	return ok && (n.types == 0 || n.types&t != 0)
}

func (n *node) scanObject(s *scanner) bool {
	s.i++ // {
	// A repeated key would count twice towards minProperties, and over 64
	// required properties do not fit the bitmask: jsonschema decides.
	if n.minProps > 0 || len(n.required) > 64 {
		return false
	}
	var seen uint64
	count := 0
	for more := s.open('}'); more; {
		s.space()
		key, decoded, escaped, ok := scanString(s)
		if !ok {
			return false
		}
		if escaped {
			key = []byte(decoded)
		}
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		count++
		for k, r := range n.required {
			if r == string(key) { // compared, not copied
				seen |= 1 << k
			}
		}
		p, known := n.props[string(key)]
		switch {
		case known:
			ok = p.scan(s)
		case n.closed:
			return false
		default:
			ok = n.additional.scan(s) // nil: any value
		}
		if !ok {
			return false
		}
		if more, ok = s.next('}'); !ok {
			return false
		}
	}
	return n.requiredSeen(seen) && (n.maxProps < 0 || count <= n.maxProps)
}

// open moves past the bracket that closes an empty object or array, just
// after the one that opened it, and reports whether members follow.
func (s *scanner) open(closing byte) (more bool) {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == closing {
		s.i++
		return false
	}
	return true
}

// next moves past the comma before another member or element (more) or
// the bracket that closes the object or array.
func (s *scanner) next(closing byte) (more, ok bool) {
	s.space()
	if s.i >= len(s.b) {
		return false, false
	}
	switch s.b[s.i] {
	case ',':
		s.i++
		return true, true
	case closing:
		s.i++
		return false, true
	}
	return false, false
}

func (n *node) requiredSeen(seen uint64) bool {
	return seen == (uint64(1)<<len(n.required))-1
}

func (n *node) scanArray(s *scanner) bool {
	s.i++ // [
	count := 0
	for more := s.open(']'); more; {
		if !n.items.scan(s) {
			return false
		}
		count++
		var ok bool
		if more, ok = s.next(']'); !ok {
			return false
		}
	}
	return (n.minItems < 0 || count >= n.minItems) && (n.maxItems < 0 || count <= n.maxItems)
}

func (n *node) scanString(s *scanner) bool {
	raw, decoded, escaped, ok := scanString(s)
	if !ok {
		return false
	}
	if escaped {
		raw = []byte(decoded)
	}
	if n.enum != nil {
		if _, in := n.enum[string(raw)]; !in {
			return false
		}
	}
	if n.format != nil && !n.format(string(raw)) {
		return false
	}
	if n.pattern != nil && !n.pattern.Match(raw) {
		return false
	}
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCount(raw)
		if (n.minLen >= 0 && l < n.minLen) || (n.maxLen >= 0 && l > n.maxLen) {
			return false
		}
	}
	return true
}

// scanString reads a string at s: without escapes, raw is its text as it
// stands; with them (escaped), decoded is the string they make.
func scanString(s *scanner) (raw []byte, decoded string, escaped, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, "", false, false
	}
	start := s.i
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			if escaped {
				var v string // on the heap only here
				err := json.Unmarshal(s.b[start:s.i], &v)
				return nil, v, true, err == nil
			}
			raw = s.b[start+1 : s.i-1]
			// Invalid UTF-8 a decoder would replace: jsonschema decides.
			return raw, "", false, utf8.Valid(raw)
		case c == '\\':
			escaped = true
			s.i++ // the escaped byte; json.Unmarshal checks the escape
		case c < 0x20:
			return nil, "", false, false
		}
	}
	return nil, "", false, false
}

// scanNumber reads a JSON number at s and checks n's bounds on it; isInt
// says it is written as an integer that fits int64.
func (n *node) scanNumber(s *scanner, isInt *bool) bool {
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		digits(s)
	default:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !digits(s) {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !digits(s) {
			return false
		}
	}
	integerOnly := n.types&tNumber == 0 && n.types&tInteger != 0
	if !integerOnly && n.min == nil && n.max == nil && n.exMin == nil && n.exMax == nil {
		return true
	}
	x := json.Number(s.b[start:s.i])
	_, *isInt = integer(string(x))
	if integerOnly && !*isInt {
		return false // 1.0 and 1e3 are integers too: jsonschema decides
	}
	return n.number(x)
}

func digits(s *scanner) bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func literal(s *scanner) bool {
	for _, w := range []string{"true", "false", "null"} {
		if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			return true
		}
	}
	return false
}

// anyValue is the schema true: any value.
var anyValue = &node{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}

// skip moves past any valid JSON value.
func skip(s *scanner) bool { return anyValue.scanOwn(s) }
