package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Schema is one JSON Schema object; encoding/json sorts its keys, which
// makes the output deterministic.
type Schema map[string]any

// OneOf is implemented by a type whose document form is an object holding
// exactly one of the named members, such as a connection that is Modbus TCP
// or ECHONET Lite. The value is the member's Go type.
type OneOf interface {
	JSONSchemaOneOf() map[string]reflect.Type
}

// Config says how Go types map to schemas; see the package doc.
type Config struct {
	// Tag is the struct tag holding constraints, e.g. "ocpp".
	Tag string
	// DescriptionTag, when set, is a struct tag whose text becomes the
	// field's description, for editors to show.
	DescriptionTag string
	// DefsKey is where definitions go: "definitions" (draft-07) or "$defs".
	DefsKey string
	// Inline writes named structs in place instead of as definitions, so
	// that every object schema carries its own properties.
	Inline bool
	// Maps allows map and interface types.
	Maps bool
	// Types maps a Go type to a fixed schema, copied at each use.
	Types map[reflect.Type]Schema
	// Enum returns the values of a named string type; a named string type
	// without values is an error.
	Enum func(reflect.Type) ([]string, bool)
	// Enums are the value lists a tag names with enum=NAME.
	Enums map[string][]any
	// Strings are the keyword sets a tag names with is=NAME.
	Strings map[string]Schema
}

var oneOfType = reflect.TypeFor[OneOf]()

// Generator renders types with one Config and collects the definitions
// they refer to; use one per document.
type Generator struct {
	cfg   *Config
	defs  map[string]Schema
	names map[string]reflect.Type // definition name → type, to tell apart equal names
	stack []reflect.Type          // inline structs being rendered, to refuse recursion
}

// New returns a generator for one document.
func New(cfg *Config) *Generator {
	return &Generator{cfg: cfg, defs: map[string]Schema{}, names: map[string]reflect.Type{}}
}

// Defs returns the definitions collected so far, nil when there are none.
func (g *Generator) Defs() map[string]Schema {
	if len(g.defs) == 0 {
		return nil
	}
	return g.defs
}

// Object renders a struct type as an object schema.
func (g *Generator) Object(t reflect.Type) (Schema, error) {
	if slices.Contains(g.stack, t) {
		return nil, fmt.Errorf("%s contains itself; recursive types need definitions", t)
	}
	g.stack = append(g.stack, t)
	defer func() { g.stack = g.stack[:len(g.stack)-1] }()
	props := Schema{}
	var required []string
	open, err := g.fields(t, props, &required)
	if err != nil {
		return nil, err
	}
	s := Schema{"type": "object", "properties": props}
	if !open {
		s["additionalProperties"] = false
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

// fields adds t's fields to props, flattening embedded structs.
func (g *Generator) fields(t reflect.Type, props Schema, required *[]string) (open bool, err error) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		tags, err := g.cfg.parseTag(f.Tag.Get(g.cfg.Tag))
		if err != nil {
			return false, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		if name == "-" {
			open = open || tags.open
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			sub, err := g.fields(f.Type, props, required)
			if err != nil {
				return false, err
			}
			open = open || sub
			continue
		}
		if name == "" || !f.IsExported() {
			return false, fmt.Errorf("%s.%s: every exported field needs a json name", t.Name(), f.Name)
		}
		s, err := g.field(f.Type, tags)
		if err != nil {
			return false, fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		if d := f.Tag.Get(g.cfg.DescriptionTag); g.cfg.DescriptionTag != "" && d != "" {
			if _, isRef := s["$ref"]; isRef {
				return false, fmt.Errorf("%s.%s: a description beside $ref is ignored by draft-07", t.Name(), f.Name)
			}
			s["description"] = d
		}
		props[name] = s
		if tags.required || (!strings.Contains(opts, "omitempty") && !tags.optional) {
			*required = append(*required, name)
		}
	}
	return open, nil
}

// field renders the schema of a struct field, applying its tag.
func (g *Generator) field(t reflect.Type, tags *tag) (Schema, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if _, fixed := g.cfg.Types[t]; !fixed && !isOneOf(t) {
		switch t.Kind() {
		case reflect.Slice:
			return g.array(t, tags)
		case reflect.Map:
			return g.mapping(t, tags)
		}
	}
	if tags.keys != nil || tags.items != nil {
		return nil, fmt.Errorf("%s tag items. or keys. on a %s", g.cfg.Tag, t)
	}
	s, err := g.value(t)
	if err != nil {
		return nil, err
	}
	if _, isRef := s["$ref"]; isRef {
		// draft-07 ignores keywords next to $ref, so a tag there is a mistake.
		if len(tags.kv) > 0 {
			return nil, fmt.Errorf("constraints %v on a $ref type %s", tags.kv, t.Name())
		}
		return s, nil
	}
	return s, tags.apply(s, g.cfg.Tag)
}

func (g *Generator) array(t reflect.Type, tags *tag) (Schema, error) {
	if tags.keys != nil {
		return nil, fmt.Errorf("%s tag keys. on an array", g.cfg.Tag)
	}
	itemTags := newTag()
	if tags.items != nil {
		itemTags = tags.items
	}
	items, err := g.field(t.Elem(), itemTags)
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	s := Schema{"type": "array", "items": items}
	return s, tags.apply(s, g.cfg.Tag)
}

// mapping renders a map as an object: the values have the element's
// schema (any value for an interface), the keys the tag's keys. constraints.
func (g *Generator) mapping(t reflect.Type, tags *tag) (Schema, error) {
	if !g.cfg.Maps || t.Key().Kind() != reflect.String {
		return nil, fmt.Errorf("no schema mapping for Go type %s", t)
	}
	s := Schema{"type": "object"}
	valueTags := newTag()
	if tags.items != nil {
		valueTags = tags.items
	}
	values, err := g.field(t.Elem(), valueTags)
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	if len(values) > 0 {
		s["additionalProperties"] = values
	}
	if tags.keys != nil {
		keys := Schema{"type": "string"}
		if err := tags.keys.apply(keys, g.cfg.Tag); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
		s["propertyNames"] = keys
	}
	return s, tags.apply(s, g.cfg.Tag)
}

// value renders a non-array type: a fixed or primitive type inline, a named
// struct or enum as a $ref to its definition (or inline).
func (g *Generator) value(t reflect.Type) (Schema, error) {
	if fixed, ok := g.cfg.Types[t]; ok {
		return clone(fixed), nil
	}
	if isOneOf(t) {
		return g.oneOf(t)
	}
	switch t.Kind() {
	case reflect.Struct:
		if g.cfg.Inline || t.Name() == "" {
			return g.Object(t)
		}
		return g.define(t, func() (Schema, error) { return g.Object(t) })
	case reflect.String:
		if g.cfg.Enum != nil {
			if values, ok := g.cfg.Enum(t); ok {
				render := func() (Schema, error) { return Schema{"type": "string", "enum": values}, nil }
				if g.cfg.Inline {
					return render()
				}
				return g.define(t, render)
			}
		}
		if t.Name() != "string" {
			return nil, fmt.Errorf("string type %s has no registered enum values", t)
		}
		return Schema{"type": "string"}, nil
	case reflect.Int, reflect.Int32, reflect.Int64:
		return Schema{"type": "integer"}, nil
	case reflect.Float64:
		return Schema{"type": "number"}, nil
	case reflect.Bool:
		return Schema{"type": "boolean"}, nil
	case reflect.Interface:
		if g.cfg.Maps {
			return Schema{}, nil
		}
	}
	return nil, fmt.Errorf("no schema mapping for Go type %s", t)
}

// isOneOf reports whether t or *t implements OneOf, whatever t's kind (a
// struct, or a map holding the one member).
func isOneOf(t reflect.Type) bool {
	return t.Implements(oneOfType) || reflect.PointerTo(t).Implements(oneOfType)
}

// oneOf renders a OneOf type: an object with one optional property per
// member, exactly one of which must be present.
func (g *Generator) oneOf(t reflect.Type) (Schema, error) {
	// A pointer has the methods of both receivers; the value is zero.
	members := reflect.New(t).Interface().(OneOf).JSONSchemaOneOf()
	if len(members) == 0 {
		return nil, fmt.Errorf("%s: JSONSchemaOneOf names no member", t)
	}
	props := Schema{}
	names := make([]string, 0, len(members))
	for name := range members {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s, err := g.field(members[name], newTag())
		if err != nil {
			return nil, fmt.Errorf("%s member %s: %w", t, name, err)
		}
		props[name] = s
	}
	return Schema{"type": "object", "properties": props, "additionalProperties": false,
		"minProperties": 1, "maxProperties": 1}, nil
}

// define adds t's definition once and returns a reference to it.
func (g *Generator) define(t reflect.Type, render func() (Schema, error)) (Schema, error) {
	name := t.Name()
	if other, taken := g.names[name]; taken && other != t {
		name = path.Base(t.PkgPath()) + "." + name
	}
	ref := Schema{"$ref": "#/" + g.cfg.DefsKey + "/" + name}
	if _, done := g.defs[name]; done {
		return ref, nil
	}
	g.names[name] = t
	g.defs[name] = nil // reserve the name: recursive types terminate
	s, err := render()
	if err != nil {
		return nil, err
	}
	g.defs[name] = s
	return ref, nil
}

// clone copies a fixed schema so that a tag applied at one use does not
// change the others.
func clone(s Schema) Schema {
	out := make(Schema, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

// Marshal renders a schema as indented JSON with a final newline, HTML
// characters unescaped.
func Marshal(s Schema) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
