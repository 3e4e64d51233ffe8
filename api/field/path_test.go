package field

import "testing"

func TestPathFormsAndCovers(t *testing.T) {
	p := Path("spec").Key("evses").Index(1).Key("app.kubernetes.io/name")
	if want := `spec.evses[1]["app.kubernetes.io/name"]`; p.String() != want {
		t.Errorf("path %s, want %s", p, want)
	}
	for _, c := range []struct {
		p, q Path
		want bool
	}{
		{"spec", "spec.x", true}, {"spec", "spec[0]", true}, {"spec", "specs", false},
		{"spec.x", "spec", false}, {"", "spec", false}, {"a", "a", true},
	} {
		if got := c.p.Covers(c.q); got != c.want {
			t.Errorf("%q.Covers(%q) = %v", c.p, c.q, got)
		}
	}
	if JSONType(nil) != "null" || JSONType(1.5) != "number" || JSONType(map[string]any{}) != "object" {
		t.Error("JSONType")
	}
}
