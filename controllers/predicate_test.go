package controllers

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

func TestPredicates(t *testing.T) {
	base := func() *v1alpha1.Object {
		return &v1alpha1.Object{Kind: v1alpha1.KindCharger, Metadata: v1alpha1.ObjectMeta{Name: "c", Generation: 1,
			Labels: map[string]string{"a": "1"}, Annotations: map[string]string{"n": "x"}}, Status: json.RawMessage(`{"s":1}`)}
	}
	mod := func(edit func(*v1alpha1.Object)) Change {
		n := base()
		edit(n)
		return Change{Type: v1alpha1.Modified, Old: base(), Object: n}
	}
	spec := mod(func(o *v1alpha1.Object) { o.Metadata.Generation = 2 })
	label := mod(func(o *v1alpha1.Object) { o.Metadata.Labels["a"] = "2" })
	annotation := mod(func(o *v1alpha1.Object) { o.Metadata.Annotations = nil })
	status := mod(func(o *v1alpha1.Object) { o.Status = json.RawMessage(`{"s":2}`) })
	added := Change{Type: v1alpha1.Added, Object: base()}
	deleted := Change{Type: v1alpha1.Deleted, Object: base()}
	tests := []struct {
		name string
		p    Predicate
		pass []Change
		drop []Change
	}{
		{"GenerationChanged", GenerationChanged, []Change{spec, added, deleted}, []Change{label, annotation, status}},
		{"LabelsChanged", LabelsChanged, []Change{label, added, deleted}, []Change{spec, annotation, status}},
		{"AnnotationsChanged", AnnotationsChanged, []Change{annotation, added, deleted}, []Change{spec, label, status}},
		{"StatusChanged", StatusChanged, []Change{status, added, deleted}, []Change{spec, label, annotation}},
		{"SpecOrMetadataChanged", SpecOrMetadataChanged, []Change{spec, label, annotation, added, deleted}, []Change{status}},
	}
	for _, tt := range tests {
		for i, c := range tt.pass {
			if !tt.p(c) {
				t.Errorf("%s dropped case %d (%s)", tt.name, i, c.Type)
			}
		}
		for i, c := range tt.drop {
			if tt.p(c) {
				t.Errorf("%s passed case %d (%s)", tt.name, i, c.Type)
			}
		}
	}
	typed := TypedChanged(func(old, cur *v1alpha1.Charger) bool { return old.Spec.TemplateRef != cur.Spec.TemplateRef })
	c := Change{Type: v1alpha1.Modified, Old: base(), Object: base(),
		OldTyped: &v1alpha1.Charger{Spec: v1alpha1.ChargerSpec{TemplateRef: "a"}}, Typed: &v1alpha1.Charger{Spec: v1alpha1.ChargerSpec{TemplateRef: "a"}}}
	if typed(c) {
		t.Error("TypedChanged passed equal views")
	}
	c.Typed = &v1alpha1.Charger{Spec: v1alpha1.ChargerSpec{TemplateRef: "b"}}
	if !typed(c) {
		t.Error("TypedChanged dropped a change")
	}
	c.Typed = nil // does not decode: never lost
	if !typed(c) {
		t.Error("TypedChanged dropped a change it could not see typed")
	}
}

// statusWrite writes a foreign field into an object's status, as another
// owner (a device poller, a station) would.
func statusWrite(t *testing.T, st *store.Store, kind, name string, v int) *v1alpha1.Object {
	t.Helper()
	obj, err := st.Get(kind, name)
	if err != nil {
		t.Fatal(err)
	}
	obj.Status = json.RawMessage(fmt.Sprintf(`{"other":%d}`, v))
	out, err := st.UpdateStatus(obj)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStatusWriteReachesOnlyWhoAskedForIt: two controllers reconcile
// Chargers and watch Templates; only the one that asked for status sees
// status writes. The spec change reaches both.
func TestStatusWriteReachesOnlyWhoAskedForIt(t *testing.T) {
	st := openStore(t, store.Options{})
	mustCreate(t, st, v1alpha1.KindCharger, "c1", nil)
	mustCreate(t, st, v1alpha1.KindTemplate, "t1", nil)
	m := NewManager(st, testLogger(t))
	plain, asked := newCalls(nil), newCalls(nil)
	toC1 := func(*v1alpha1.Object) []string { return []string{"c1"} }
	cp := NewController("plain", v1alpha1.KindCharger, plain, ControllerOptions{})
	cp.Watches(v1alpha1.KindTemplate, toC1)
	ca := NewController("asked", v1alpha1.KindCharger, asked, ControllerOptions{}).For(Any(SpecOrMetadataChanged, StatusChanged))
	ca.Watches(v1alpha1.KindTemplate, toC1, Any(SpecOrMetadataChanged, StatusChanged))
	for _, c := range []*Controller{cp, ca} {
		if err := m.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	startManager(t, m)
	waitCount(t, plain, "c1", 1)
	waitCount(t, asked, "c1", 1)
	waitQuiet(t, cp, ca)
	p0, a0 := plain.count("c1"), asked.count("c1")

	for i := 1; i <= 5; i++ {
		statusWrite(t, st, v1alpha1.KindCharger, "c1", i)
		statusWrite(t, st, v1alpha1.KindTemplate, "t1", i)
	}
	testutil.Eventually(t, waitTimeout, "the plain controller to drop all 10 status writes", func() string {
		if f := cp.Stats().Filtered; f < 10 {
			return fmt.Sprintf("filtered %d", f)
		}
		return ""
	})
	waitCount(t, asked, "c1", a0+1)
	waitQuiet(t, cp, ca)
	if n := plain.count("c1") - p0; n != 0 {
		t.Errorf("10 status writes it did not ask for reconciled the plain controller %d times", n)
	}
	mustUpdate(t, st, v1alpha1.KindCharger, "c1", map[string]any{"v": 1})
	waitCount(t, plain, "c1", p0+1)
}

// TestOwnStatusWriteDoesNotRerun: a controller that asked for status writes
// is not re-run by its own.
func TestOwnStatusWriteDoesNotRerun(t *testing.T) {
	st := openStore(t, store.Options{})
	mustCreate(t, st, v1alpha1.KindCharger, "c1", nil)
	m := NewManager(st, testLogger(t))
	var c *Controller
	inf := m.Informer(v1alpha1.KindCharger)
	r := newCalls(func(name string, n int) (Result, error) {
		obj, _ := inf.Get(name)
		s, err := DecodeStatus(obj.Status)
		if err != nil {
			return Result{}, err
		}
		if err := s.Set("seen", n); err != nil {
			return Result{}, err
		}
		_, err = c.UpdateStatusIfChanged(st, obj, s) // differs on every call
		return Result{}, err
	})
	c = NewController("self", v1alpha1.KindCharger, r, ControllerOptions{}).For(Any(SpecOrMetadataChanged, StatusChanged))
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	startManager(t, m)
	waitCount(t, r, "c1", 1)
	testutil.Eventually(t, waitTimeout, "its own write to be dropped", func() string {
		if c.Stats().Filtered < 1 {
			return "not yet"
		}
		return ""
	})
	waitQuiet(t, c)
	if n := r.count("c1"); n != 1 {
		t.Fatalf("%d reconciles; its own status write re-ran it", n)
	}
	statusWrite(t, st, v1alpha1.KindCharger, "c1", 1) // someone else's: it asked for those
	waitCount(t, r, "c1", 2)
}

func waitQuiet(t *testing.T, cs ...*Controller) {
	t.Helper()
	testutil.Eventually(t, waitTimeout, "queues to drain", func() string {
		for _, c := range cs {
			if s := c.Stats(); s.Queued+s.Processing > 0 {
				return c.Name() + " busy"
			}
		}
		return ""
	})
}
