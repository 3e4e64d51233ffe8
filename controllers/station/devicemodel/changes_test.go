package devicemodel

import (
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestChangesMoveWithEveryWrite: every way a stored value changes moves
// Changes, so a reader that caches what it derived from the model sees
// each change; reading, and a write that is refused, do not.
func TestChangesMoveWithEveryWrite(t *testing.T) {
	m := New(layout())
	key := Key{Component: commCtrlr, Variable: heartbeat}
	snap := m.Snapshot()
	last := m.Changes()
	for _, step := range []struct {
		name  string
		write func()
		moves bool
	}{
		{"Get", func() { m.Get(key) }, false},
		{"Int", func() { m.Int(commCtrlr, heartbeat, 0) }, false},
		{"refused Set", func() { m.Set(key, "0") }, false},
		{"Set", func() { m.Set(key, "60") }, true},
		{"Update", func() { _ = m.Update(key, "61") }, true},
		{"Restore", func() {
			m.Restore([]v1alpha1.OCPPVariable{{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval", Value: "62"}})
		}, true},
		{"Initialize", func() {
			m.Initialize([]v1alpha1.OCPPVariable{{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval", Value: "63"}})
		}, true},
		{"Undo", func() { m.Undo(snap) }, true},
	} {
		step.write()
		now := m.Changes()
		if moved := now != last; moved != step.moves {
			t.Errorf("%s: Changes %d -> %d, want moved %v", step.name, last, now, step.moves)
		}
		last = now
	}
	if got := m.Int(commCtrlr, heartbeat, 0); got != 300 {
		t.Errorf("after Undo HeartbeatInterval = %d, want 300", got)
	}
}
