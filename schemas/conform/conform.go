package conform

import (
	"fmt"
	"regexp"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The JSON types a node allows, as bits; 0 allows every type.
const (
	tNull uint8 = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

var typeBits = map[string]uint8{"null": tNull, "boolean": tBoolean, "number": tNumber, "integer": tInteger,
	"string": tString, "array": tArray, "object": tObject}

// Checker is a compiled schema's fast check. It is read-only once built,
// so one Checker serves any number of goroutines.
type Checker struct{ root *node }

// node is one schema location's checks.
type node struct {
	types  uint8
	ref    *node
	never  bool                // the schema false
	enum   map[string]struct{} // nil: no enum
	format func(any) bool

	required           []string
	props              map[string]*node
	closed             bool  // additionalProperties false
	additional         *node // additionalProperties as a schema
	minProps, maxProps int

	items              *node
	minItems, maxItems int

	minLen, maxLen int
	pattern        *regexp.Regexp

	min, max, exMin, exMax *bound

	// refOnly: $ref is the node's only keyword.
	refOnly bool
}

// Compile builds the checks of s. assertFormat must be what the compiler
// of s was told (jsonschema.Compiler.AssertFormat): formats are checked
// only when it is true. It fails, naming the location and the keyword,
// when s or a schema it refers to uses a keyword the checks do not
// implement.
func Compile(s *jsonschema.Schema, assertFormat bool) (*Checker, error) {
	c := compiler{assertFormat: assertFormat, done: map[*jsonschema.Schema]*node{}}
	root, err := c.node(s)
	if err != nil {
		return nil, err
	}
	return &Checker{root: root}, nil
}

type compiler struct {
	assertFormat bool
	done         map[*jsonschema.Schema]*node
}

func (c *compiler) node(s *jsonschema.Schema) (*node, error) {
	if n, ok := c.done[s]; ok {
		return n, nil // built or being built (a recursive schema)
	}
	if kw := unsupported(s); kw != "" {
		return nil, fmt.Errorf("conform: %s uses %s, which the fast checks do not implement", s.Location, kw)
	}
	n := &node{minProps: s.MinProperties, maxProps: s.MaxProperties, minItems: s.MinItems, maxItems: s.MaxItems,
		minLen: s.MinLength, maxLen: s.MaxLength, pattern: s.Pattern, required: s.Required}
	c.done[s] = n
	if s.Always != nil && !*s.Always {
		n.never = true
	}
	for _, t := range s.Types {
		n.types |= typeBits[t]
	}
	if len(s.Enum) > 0 {
		n.enum = make(map[string]struct{}, len(s.Enum))
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("conform: %s has an enum value %v that is not a string", s.Location, e)
			}
			n.enum[str] = struct{}{}
		}
	}
	if s.Format != "" && c.assertFormat {
		if n.format = jsonschema.Formats[s.Format]; n.format == nil {
			return nil, fmt.Errorf("conform: %s uses format %q, which jsonschema does not know", s.Location, s.Format)
		}
	}
	var err error
	if err = c.sub(s.Ref, &n.ref); err != nil {
		return nil, err
	}
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for name, p := range s.Properties {
			var pn *node
			if err := c.sub(p, &pn); err != nil {
				return nil, err
			}
			n.props[name] = pn
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case bool:
		n.closed = !a
	case *jsonschema.Schema:
		if err := c.sub(a, &n.additional); err != nil {
			return nil, err
		}
	}
	items := s.Items2020
	if it, ok := s.Items.(*jsonschema.Schema); ok {
		items = it
	}
	if err := c.sub(items, &n.items); err != nil {
		return nil, err
	}
	if n.min, err = newBound(s.Minimum); err == nil {
		if n.max, err = newBound(s.Maximum); err == nil {
			if n.exMin, err = newBound(s.ExclusiveMinimum); err == nil {
				n.exMax, err = newBound(s.ExclusiveMaximum)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("conform: %s: %w", s.Location, err)
	}
	own := *n
	own.ref = nil
	n.refOnly = n.ref != nil && own.isAnyValue()
	return n, nil
}

// isAnyValue reports whether n, without its $ref, allows every value.
func (n *node) isAnyValue() bool {
	return !n.never && n.types == 0 && n.enum == nil && n.format == nil && len(n.required) == 0 && n.props == nil &&
		!n.closed && n.additional == nil && n.minProps < 0 && n.maxProps < 0 && n.items == nil && n.minItems < 0 &&
		n.maxItems < 0 && n.minLen < 0 && n.maxLen < 0 && n.pattern == nil && n.min == nil && n.max == nil &&
		n.exMin == nil && n.exMax == nil
}

func (c *compiler) sub(s *jsonschema.Schema, into **node) error {
	if s == nil {
		return nil
	}
	n, err := c.node(s)
	*into = n
	return err
}

// unsupported names the first keyword of s that the checks do not
// implement, or "".
func unsupported(s *jsonschema.Schema) string {
	switch {
	case s.RecursiveRef != nil || s.DynamicRef != nil:
		return "a dynamic reference"
	case len(s.Constant) > 0:
		return "const"
	case s.Not != nil || len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0 || s.If != nil:
		return "a composition keyword (not, allOf, anyOf, oneOf, if)"
	case s.PropertyNames != nil || s.RegexProperties || len(s.PatternProperties) > 0:
		return "propertyNames or patternProperties"
	case len(s.Dependencies) > 0 || len(s.DependentRequired) > 0 || len(s.DependentSchemas) > 0:
		return "dependencies"
	case s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil:
		return "unevaluated properties or items"
	case s.UniqueItems:
		return "uniqueItems"
	case s.AdditionalItems != nil || len(s.PrefixItems) > 0 || s.Contains != nil:
		return "tuple items or contains"
	case s.ContentEncoding != "" || s.ContentMediaType != "" || s.ContentSchema != nil:
		return "content keywords"
	case s.MultipleOf != nil:
		return "multipleOf"
	case len(s.Extensions) > 0:
		return "an extension keyword"
	}
	if _, ok := s.Items.([]*jsonschema.Schema); ok {
		return "tuple items"
	}
	return ""
}
