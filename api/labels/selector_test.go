package labels

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAndMatch(t *testing.T) {
	set := map[string]string{"app": "gw", "tier": "edge", "ocppgw.dev/source": "config-dir", "empty": ""}
	tests := []struct {
		sel  string
		want bool
	}{
		{"", true},
		{"   ", true},
		{"app=gw", true},
		{"app==gw", true},
		{"app = gw", true},
		{"app=other", false},
		{"app!=other", true},
		{"app!=gw", false},
		{"missing!=x", true}, // absent keys satisfy !=, as in Kubernetes
		{"app", true},
		{"missing", false},
		{"!missing", true},
		{"!app", false},
		{"tier in (edge,core)", true},
		{"tier in (core)", false},
		{"missing in (a)", false},
		{"tier notin (core,db)", true},
		{"tier notin (edge)", false},
		{"missing notin (a)", true},
		{"ocppgw.dev/source=config-dir", true},
		{"empty=", true},
		{"empty!=", false},
		{"app=gw,tier=edge", true},
		{"app=gw,tier=core", false},
		{"app=gw, tier in(edge) ,!missing,empty", true},
		{"in=x", false}, // "in" as a key, not an operator
	}
	for _, tt := range tests {
		sel, err := Parse(tt.sel)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.sel, err)
			continue
		}
		if got := sel.Matches(set); got != tt.want {
			t.Errorf("Parse(%q).Matches = %v, want %v", tt.sel, got, tt.want)
		}
	}
}

func TestMatchesNilSet(t *testing.T) {
	for sel, want := range map[string]bool{"a": false, "!a": true, "a!=b": true, "a notin (b)": true, "a=": false} {
		s, err := Parse(sel)
		if err != nil {
			t.Fatalf("Parse(%q): %v", sel, err)
		}
		if got := s.Matches(nil); got != want {
			t.Errorf("%q.Matches(nil) = %v, want %v", sel, got, want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		sel      string
		pos      int
		contains string
	}{
		{"a=b,", 4, "expected a requirement after ','"},
		{",a", 1, `expected a label key, got ","`},
		{"a b", 3, `expected "=", "==", "!=", "in" or "notin" after key "a", got "b"`},
		{"a in b", 6, `expected '(' after the operator of key "a", got "b"`},
		{"a in ()", 7, `the value set of key "a" must not be empty`},
		{"a in (b", 8, `expected ',' or ')' in the set of key "a", got end of selector`},
		{"a in (b,)", 9, `expected a label value in the set of key "a", got ")"`},
		{"a notin (b c)", 12, `expected ',' or ')' in the set of key "a", got "c"`},
		{"!", 2, "expected a label key after '!', got end of selector"},
		{"!=x", 1, `expected a label key, got "!="`},
		{"a=(b)", 3, `expected a label value after "=", got "("`},
		{"a=b=c", 4, `expected ',' or end of selector, got "="`},
		{"a=b)", 4, `expected ',' or end of selector, got ")"`},
		{"-bad=x", 1, `key "-bad": name part must be`},
		{"UPPER.dev/x=y", 1, `key "UPPER.dev/x": prefix must be a DNS subdomain`},
		{"a/=y", 1, `key "a/": name part must not be empty`},
		{"a=-v", 3, `value "-v" must be empty or letters`},
		{"a=" + strings.Repeat("v", 64), 3, "must be at most 63 characters"},
		{"a in (ok,b@d)", 10, `value "b@d" must be empty or letters`},
		// Kubernetes' numeric comparisons are outside the subset (doc.go).
		{"n>1", 1, `key "n>1": name part must be`},
		{"n<1", 1, `key "n<1": name part must be`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.sel)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a *ParseError", tt.sel, err)
			continue
		}
		if pe.Pos != tt.pos || !strings.Contains(pe.Reason, tt.contains) {
			t.Errorf("Parse(%q) = %q (pos %d), want pos %d containing %q", tt.sel, err, pe.Pos, tt.pos, tt.contains)
		}
		if !strings.Contains(err.Error(), `invalid label selector "`) {
			t.Errorf("Parse(%q) error %q does not quote the selector", tt.sel, err)
		}
	}
}

func TestStringRoundTrip(t *testing.T) {
	s, err := Parse(" b in (y, x, y) , a==1,!c, d, e!=, f notin (z)")
	if err != nil {
		t.Fatal(err)
	}
	const want = "b in (x,y),a=1,!c,d,e!=,f notin (z)"
	if got := s.String(); got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	again, err := Parse(want)
	if err != nil || again.String() != want {
		t.Fatalf("re-parse of %q = %q, %v", want, again.String(), err)
	}
}

func TestEverything(t *testing.T) {
	if !Everything().Empty() || !Everything().Matches(nil) || Everything().String() != "" {
		t.Fatal("Everything must be empty and match all")
	}
	s, _ := Parse("a")
	if s.Empty() {
		t.Fatal("a selector with a requirement is not empty")
	}
	reqs := s.Requirements()
	reqs[0].Key = "changed"
	if s.String() != "a" {
		t.Fatal("Requirements must return a copy")
	}
}

// FuzzParse checks that Parse never panics and that what it accepts renders to
// a string that parses to the same selector and matches the same sets.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "a=b", "a==b,c!=d", "!a,b", "a in (x,y)", "a notin (x)", "x.io/k=v", "a in (", "=,!", "in in (in)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Pos < 1 || pe.Pos > len(s)+1 {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		again, err := Parse(sel.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, sel.String(), err)
		}
		if again.String() != sel.String() {
			t.Fatalf("round trip of %q: %q != %q", s, again.String(), sel.String())
		}
		probe := map[string]string{}
		for _, r := range sel.Requirements() {
			if len(r.Values) > 0 {
				probe[r.Key] = r.Values[0]
			}
		}
		if sel.Matches(probe) != again.Matches(probe) {
			t.Fatalf("round trip of %q changes matching", s)
		}
	})
}
