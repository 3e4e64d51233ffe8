package template

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	// name → extends; "!bad" marks a template whose spec does not decode.
	world := map[string]string{
		"base": "", "mid": "base", "leaf": "mid",
		"orphan": "ghost", "deep-orphan": "orphan",
		"self": "self",
		"a":    "b", "b": "a", "c": "a",
		"broken": "!bad", "on-broken": "broken",
	}
	get := func(name string) (string, bool, error) {
		ext, ok := world[name]
		if ext == "!bad" {
			return "", true, errors.New(`template "broken": decode spec: bad`)
		}
		return ext, ok, nil
	}
	tests := []struct {
		name    string
		chain   []string
		reason  string
		message string // substring
	}{
		{"base", []string{"base"}, "", ""},
		{"leaf", []string{"leaf", "mid", "base"}, "", ""},
		{"orphan", []string{"orphan", "ghost"}, ReasonParentNotFound, `parent template "ghost" not found (chain: orphan → ghost)`},
		{"deep-orphan", []string{"deep-orphan", "orphan", "ghost"}, ReasonParentNotFound, `"ghost" not found (chain: deep-orphan → orphan → ghost)`},
		{"self", []string{"self", "self"}, ReasonExtendsCycle, "extends cycle: self → self"},
		{"a", []string{"a", "b", "a"}, ReasonExtendsCycle, "extends cycle: a → b → a"},
		{"b", []string{"b", "a", "b"}, ReasonExtendsCycle, "extends cycle: b → a → b"},
		{"c", []string{"c", "a", "b", "a"}, ReasonExtendsCycle, "extends cycle: a → b → a (chain: c → a → b → a)"},
		{"on-broken", []string{"on-broken", "broken"}, ReasonInvalidSpec, `template "broken": decode spec`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := resolve(get, tt.name)
			if !slices.Equal(r.chain, tt.chain) || r.reason != tt.reason || !strings.Contains(r.detail, tt.message) {
				t.Fatalf("resolve(%s) = chain %v reason %q detail %q; want %v %q containing %q",
					tt.name, r.chain, r.reason, r.detail, tt.chain, tt.reason, tt.message)
			}
		})
	}
}
