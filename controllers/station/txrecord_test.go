package station

import "testing"

func TestPhasesUsed(t *testing.T) {
	for _, c := range []struct {
		sig  map[string]any
		want int // 0: left out
	}{
		{map[string]any{"currentA1": 16.0, "currentA2": 16.0, "currentA3": 15.8}, 3},
		{map[string]any{"currentA1": 16.0, "currentA2": 0.1, "currentA3": 0.0}, 1},
		{map[string]any{"currentA1": 16.0}, 0},                                      // not all phases mapped
		{map[string]any{"currentA1": 0.0, "currentA2": 0.0, "currentA3": 0.0}, 0},   // none carries current
		{map[string]any{"currentA1": 16.0, "currentA2": "?", "currentA3": 16.0}, 0}, // one unknown
	} {
		got := phasesUsed(c.sig)
		if (got == nil) != (c.want == 0) || (got != nil && *got != c.want) {
			t.Errorf("phasesUsed(%v) = %v, want %d", c.sig, got, c.want)
		}
	}
}
