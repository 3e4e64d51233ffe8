package gen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// tag is a parsed constraint tag.
type tag struct {
	kv       map[string]any
	items    *tag // constraints on array items or map values; nil when none
	keys     *tag // constraints on map keys; nil when none
	open     bool
	required bool
	optional bool
}

// numberKeys take a number; the other keys take a name.
var numberKeys = map[string]bool{
	"maxLength": true, "minLength": true, "minItems": true, "maxItems": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true,
	"minProperties": true, "maxProperties": true,
}

func newTag() *tag { return &tag{kv: map[string]any{}} }

func (c *Config) parseTag(s string) (*tag, error) {
	t := newTag()
	if s == "" {
		return t, nil
	}
	for _, part := range strings.Split(s, ",") {
		switch part {
		case "additionalProperties":
			t.open = true
			continue
		case "required":
			t.required = true
			continue
		case "optional":
			t.optional = true
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return t, fmt.Errorf("%s tag %q: want key=value", c.Tag, part)
		}
		target := t
		if rest, isItem := strings.CutPrefix(key, "items."); isItem {
			if t.items == nil {
				t.items = newTag()
			}
			key, target = rest, t.items
		} else if rest, isKey := strings.CutPrefix(key, "keys."); isKey {
			if t.keys == nil {
				t.keys = newTag()
			}
			key, target = rest, t.keys
		}
		if err := c.setKey(target, key, val); err != nil {
			return t, err
		}
	}
	return t, nil
}

func (c *Config) setKey(t *tag, key, val string) error {
	switch {
	case numberKeys[key]:
		if _, err := strconv.ParseFloat(val, 64); err != nil {
			return fmt.Errorf("%s tag %s: %q is not a number", c.Tag, key, val)
		}
		t.kv[key] = json.Number(val)
	case key == "enum":
		values, ok := c.Enums[val]
		if !ok {
			return fmt.Errorf("%s tag enum: no enum named %q", c.Tag, val)
		}
		t.kv["enum"] = values
	case key == "required":
		t.kv["required"] = strings.Split(val, "|")
	case key == "is":
		s, ok := c.Strings[val]
		if !ok {
			return fmt.Errorf("%s tag is: no string rule named %q", c.Tag, val)
		}
		for k, v := range s {
			t.kv[k] = v
		}
	default:
		return fmt.Errorf("%s tag: unknown key %q", c.Tag, key)
	}
	return nil
}

// allowedKeys are the tag keys that apply to each JSON type; enum and the
// keywords of a string rule are checked like the rest.
var allowedKeys = map[string][]string{
	"string":  {"maxLength", "minLength", "enum", "pattern", "format", "x-message", "description"},
	"integer": {"minimum", "maximum", "exclusiveMinimum", "enum"},
	"number":  {"minimum", "maximum", "exclusiveMinimum", "enum"},
	"array":   {"minItems", "maxItems"},
	"object":  {"minProperties", "maxProperties", "required"},
	"":        {"maxLength", "enum", "type"}, // any value, or a fixed schema such as "string, number or boolean"
}

// apply copies the tag's keys into s and rejects any key that does not
// belong to this kind of schema.
func (t *tag) apply(s Schema, tagName string) error {
	typ, _ := s["type"].(string)
	for key, val := range t.kv {
		ok := false
		for _, a := range allowedKeys[typ] {
			ok = ok || a == key
		}
		if !ok {
			return fmt.Errorf("%s tag %s does not apply to type %v", tagName, key, s["type"])
		}
		s[key] = val
	}
	return nil
}
