package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// tag is a parsed ocpp struct tag.
type tag struct {
	kv    map[string]json.Number
	items *tag // constraints on array items; nil when there are none
	open  bool
}

var tagKeys = map[string]bool{
	"maxLength": true, "minLength": true, "minItems": true, "maxItems": true,
	"minimum": true, "maximum": true,
}

func parseTag(s string) (tag, error) {
	t := tag{kv: map[string]json.Number{}}
	if s == "" {
		return t, nil
	}
	for _, part := range strings.Split(s, ",") {
		if part == "additionalProperties" {
			t.open = true
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return t, fmt.Errorf("ocpp tag %q: want key=value", part)
		}
		target := t.kv
		if rest, isItem := strings.CutPrefix(key, "items."); isItem {
			if t.items == nil {
				t.items = &tag{kv: map[string]json.Number{}}
			}
			key, target = rest, t.items.kv
		}
		if !tagKeys[key] {
			return t, fmt.Errorf("ocpp tag: unknown key %q", key)
		}
		if _, err := strconv.ParseFloat(val, 64); err != nil {
			return t, fmt.Errorf("ocpp tag %s: %q is not a number", key, val)
		}
		target[key] = json.Number(val)
	}
	return t, nil
}

// apply copies the allowed keys into s and rejects any key that does not
// belong to this kind of schema, so a misplaced tag cannot vanish silently.
func (t tag) apply(s schema, allowed ...string) error {
	for key, val := range t.kv {
		ok := false
		for _, a := range allowed {
			ok = ok || a == key
		}
		if !ok {
			return fmt.Errorf("ocpp tag %s does not apply to type %v", key, s["type"])
		}
		s[key] = val
	}
	return nil
}
