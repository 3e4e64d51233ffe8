package manifest

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// Limits on every manifest read from outside: a request body, a file of the
// configuration directory, or a file or stdin given to gwctl. They keep the
// memory a decode takes within a small constant factor of its input.
const (
	// MaxSourceBytes bounds one source: a file, stdin or a request body.
	MaxSourceBytes = 8 << 20
	// MaxTotalBytes bounds all the sources of one ReadFiles.
	MaxTotalBytes = 32 << 20
	// MaxDocuments bounds the documents (empty ones included) of one decode.
	MaxDocuments = 10000
	// MaxDepth bounds the nesting of mappings and lists in a document; real
	// manifests stay under 10.
	MaxDepth = 64
	// MaxKeyBytes bounds one mapping key.
	MaxKeyBytes = 1024
	// MaxNodes bounds the values (mappings, lists, scalars) of one
	// document. A parsed node costs a few hundred bytes however short its
	// text, so this, not the byte size, bounds the memory of a document of
	// many tiny values. YAML is held to it before parsing, by counting the
	// characters that can start or separate a node: , : - ? [ { * and line
	// breaks, which counts at least half the nodes.
	MaxNodes = 100000
	// A YAML document with aliases may expand to at most
	// AliasExpansionFactor times its own size plus AliasExpansionSlack bytes
	// of JSON. go-yaml's own guard counts aliased nodes, not bytes, so one
	// alias of a long string repeated a thousand times passes it.
	AliasExpansionFactor = 4
	AliasExpansionSlack  = 1 << 20
)

// Names of the limits, as LimitError.Limit gives them.
const (
	LimitBytes      = "maxBytes"
	LimitTotalBytes = "maxTotalBytes"
	LimitDocuments  = "maxDocuments"
	LimitDepth      = "maxDepth"
	LimitKeyBytes   = "maxKeyBytes"
	LimitNodes      = "maxNodes"
	LimitExpansion  = "maxAliasExpansion"
)

// LimitError is a manifest refused because it exceeds one of the limits
// above. Decoding stops at the first limit hit.
type LimitError struct {
	Limit    string // one of the Limit* names
	Max      int64  // the limit's value
	Source   string // file name, "<stdin>", or "" for a request body
	Document int    // 1-based document index; 0 when not known
	Line     int    // 1-based line; 0 when not known
	Detail   string // what exceeded it, e.g. "nesting depth 65"
}

func (e *LimitError) Error() string {
	where := e.Source
	if e.Document > 0 {
		where = joinWhere(where, fmt.Sprintf("document %d", e.Document))
	}
	if e.Line > 0 {
		where = joinWhere(where, fmt.Sprintf("line %d", e.Line))
	}
	if where != "" {
		where += ": "
	}
	return fmt.Sprintf("%s%s exceeds the limit %s=%d", where, e.Detail, e.Limit, e.Max)
}

func joinWhere(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// EncodingError is a manifest that is not valid UTF-8. It is refused rather
// than read with U+FFFD in place of the bad bytes, on every path.
type EncodingError struct {
	Source string // file name, "<stdin>", or "" for a request body
	Line   int    // 1-based line of the first invalid byte
	Offset int    // 0-based byte offset of the first invalid byte
}

func (e *EncodingError) Error() string {
	where := e.Source
	if where != "" {
		where += ": "
	}
	return fmt.Sprintf("%sinvalid UTF-8 at line %d (byte offset %d); manifests must be UTF-8", where, e.Line, e.Offset)
}

// CheckUTF8 returns an *EncodingError locating the first byte of data that
// is not UTF-8, or nil. Every request body is held to it, so that no path
// silently reads U+FFFD in place of bad bytes.
func CheckUTF8(source string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	off := invalidUTF8At(data)
	return &EncodingError{Source: source, Line: lineAt(data, off), Offset: off}
}

// checkSource applies the limits that hold for a whole source before it is
// split: its size and its encoding.
func checkSource(source string, data []byte) error {
	if len(data) > MaxSourceBytes {
		return &LimitError{Limit: LimitBytes, Max: MaxSourceBytes, Source: source,
			Detail: fmt.Sprintf("size %d bytes", len(data))}
	}
	return CheckUTF8(source, data)
}

// invalidUTF8At is the offset of the first byte that is not valid UTF-8.
func invalidUTF8At(data []byte) int {
	for off := 0; off < len(data); {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n <= 1 {
			return off
		}
		off += n
	}
	return len(data)
}

// checkYAML refuses a YAML document whose aliases would expand beyond
// AliasExpansionFactor times its size plus AliasExpansionSlack, or that is
// nested too deep or has too long a key. go-yaml decodes an alias of a
// scalar by sharing the string, so this decode stays small; the JSON made
// from it later would copy the string once per alias. A document go-yaml
// cannot parse passes, to be reported by the conversion that follows.
func checkYAML(text []byte) error {
	if n := yamlNodeBound(text); n > MaxNodes {
		return &LimitError{Limit: LimitNodes, Max: MaxNodes,
			Detail: fmt.Sprintf("a YAML document with %d characters that start or separate values (, : - ? [ { * line breaks)", n)}
	}
	var v any
	if yamlv2.Unmarshal(text, &v) != nil {
		return nil
	}
	w := sizeWalk{budget: int64(AliasExpansionFactor)*int64(len(text)) + AliasExpansionSlack}
	w.max = w.budget
	return w.walk(v, 1)
}

// sizeWalk estimates the JSON size of a decoded YAML value, stopping as
// soon as a limit is exceeded.
type sizeWalk struct {
	budget, max int64
}

func (w *sizeWalk) spend(n int) error {
	w.budget -= int64(n)
	if w.budget < 0 {
		return &LimitError{Limit: LimitExpansion, Max: w.max,
			Detail: fmt.Sprintf("YAML alias expansion to more than %d bytes", w.max)}
	}
	return nil
}

func (w *sizeWalk) walk(v any, depth int) error {
	switch v := v.(type) {
	case map[any]any:
		if err := checkDepth(depth); err != nil {
			return err
		}
		for k, e := range v {
			ks := fmt.Sprint(k)
			if err := checkKey(ks); err != nil {
				return err
			}
			if err := w.spend(len(ks) + 4); err != nil {
				return err
			}
			if err := w.walk(e, depth+1); err != nil {
				return err
			}
		}
		return w.spend(2)
	case []any:
		if err := checkDepth(depth); err != nil {
			return err
		}
		for _, e := range v {
			if err := w.walk(e, depth+1); err != nil {
				return err
			}
		}
		return w.spend(2 + len(v))
	case string:
		return w.spend(len(v) + 2)
	}
	return w.spend(8)
}

// yamlNodeBound counts the characters that can start or separate a YAML
// node; see MaxNodes.
func yamlNodeBound(text []byte) int {
	n := 1
	for _, b := range text {
		switch b {
		case ',', ':', '-', '?', '[', '{', '*', '\n':
			n++
		}
	}
	return n
}

func tooManyNodes(n int) *LimitError {
	return &LimitError{Limit: LimitNodes, Max: MaxNodes, Detail: fmt.Sprintf("a document of %d or more values", n)}
}

func checkDepth(depth int) error {
	if depth > MaxDepth {
		return &LimitError{Limit: LimitDepth, Max: MaxDepth, Detail: fmt.Sprintf("nesting depth %d", depth)}
	}
	return nil
}

func checkKey(k string) error {
	if len(k) > MaxKeyBytes {
		return &LimitError{Limit: LimitKeyBytes, Max: MaxKeyBytes,
			Detail: fmt.Sprintf("a key of %d bytes (%q...)", len(k), k[:32])}
	}
	return nil
}

// ToJSON converts one YAML or JSON document, such as the body of a POST or
// PUT, to JSON under the same limits and encoding rule as Decode. A limit
// hit is a *LimitError, bad UTF-8 an *EncodingError; any other error is a
// syntax error from the YAML parser.
func ToJSON(data []byte) ([]byte, error) {
	if err := checkSource("", data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := checkYAML(data); err != nil {
		return nil, err
	}
	return yaml.YAMLToJSONStrict(data)
}
