package devicemodel

import "testing"

// TestUndoPutsBackWhatSnapshotKept: values and overrides set after a
// Snapshot are gone after Undo, and what was set before stays.
func TestUndoPutsBackWhatSnapshotKept(t *testing.T) {
	m := New(layout())
	comm := Component{Name: "OCPPCommCtrlr"}
	hb := Key{Component: comm, Variable: Variable{Name: "HeartbeatInterval"}, Attribute: Actual}
	if r := m.Set(hb, "120"); r.Status != SetAccepted {
		t.Fatalf("set: %+v", r)
	}
	snap := m.Snapshot()
	if r := m.Set(hb, "600"); r.Status != SetAccepted {
		t.Fatalf("set: %+v", r)
	}
	m.Undo(snap)
	if got := m.Value(comm, Variable{Name: "HeartbeatInterval"}); got != "120" {
		t.Errorf("after undo: %q, want 120", got)
	}
	if o := m.Overrides(); len(o) != 1 || o[0].Value != "120" {
		t.Errorf("overrides after undo: %+v", o)
	}
}
