package controllers

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

func waitSynced(t *testing.T, inf *Informer) {
	t.Helper()
	testutil.Eventually(t, waitTimeout, inf.Kind()+" informer synced", func() string {
		if !inf.HasSynced() {
			return "not synced"
		}
		return ""
	})
}

// waitRV waits until the cache shows name at the store's resourceVersion.
func waitRV(t *testing.T, st *store.Store, inf *Informer, name string) {
	t.Helper()
	testutil.Eventually(t, waitTimeout, "cache to catch up with "+name, func() string {
		want, err := st.Get(inf.Kind(), name)
		if err != nil {
			return err.Error()
		}
		if got, ok := inf.Get(name); !ok || got.Metadata.ResourceVersion != want.Metadata.ResourceVersion {
			return "behind"
		}
		return ""
	})
}

// TestListerDecodesOncePerEvent: typed reads cost no decode; each event
// decodes its object once, whatever the number of readers.
func TestListerDecodesOncePerEvent(t *testing.T) {
	st := openStore(t, store.Options{})
	mustCreate(t, st, v1alpha1.KindCharger, "a", map[string]any{"templateRef": "t1"})
	inf := NewInformer(st, v1alpha1.KindCharger, testLogger(t))
	l := NewLister[v1alpha1.Charger](inf)
	runInformer(t, inf)
	waitSynced(t, inf)
	mustUpdate(t, st, v1alpha1.KindCharger, "a", map[string]any{"templateRef": "t2"})
	waitRV(t, st, inf, "a")
	before := inf.Stats()
	for range 100 {
		ch, ok, err := l.Get("a")
		if !ok || err != nil || ch.Spec.TemplateRef != "t2" {
			t.Fatalf("Get(a) = %+v, %v, %v; want templateRef t2", ch, ok, err)
		}
	}
	if _, err := l.List(labels.Everything()); err != nil {
		t.Fatal(err)
	}
	after := inf.Stats()
	if after.Decodes != before.Decodes {
		t.Errorf("100 Gets and a List decoded %d objects, want none", after.Decodes-before.Decodes)
	}
	if before.Decodes != before.Events {
		t.Errorf("%d events decoded %d times, want once each", before.Events, before.Decodes)
	}
	// A Lister asked for late decodes what is cached at once.
	late := NewInformer(st, v1alpha1.KindCharger, testLogger(t))
	runInformer(t, late)
	waitSynced(t, late)
	if ch, ok, err := NewLister[v1alpha1.Charger](late).Get("a"); !ok || err != nil || ch.Spec.TemplateRef != "t2" {
		t.Fatalf("late Lister Get(a) = %+v, %v, %v", ch, ok, err)
	}
}

// TestListerKeepsBadObjectsVisible: an object that does not decode stays
// cached and indexed; Get says why, List leaves it out and says so.
func TestListerKeepsBadObjectsVisible(t *testing.T) {
	st := openStore(t, store.Options{})
	bad := newObj(v1alpha1.KindCharger, "bad", nil)
	bad.Spec = json.RawMessage(`{"templateRef":7}`)
	bad.Metadata.Labels = map[string]string{"site": "north"}
	if _, err := st.Create(bad); err != nil {
		t.Fatal(err)
	}
	good := newObj(v1alpha1.KindCharger, "good", map[string]any{"templateRef": "t"})
	good.Metadata.Labels = map[string]string{"site": "north"}
	if _, err := st.Create(good); err != nil {
		t.Fatal(err)
	}
	inf := NewInformer(st, v1alpha1.KindCharger, testLogger(t))
	l := NewLister[v1alpha1.Charger](inf)
	inf.AddIndex("site", LabelIndex("site"))
	runInformer(t, inf)
	waitSynced(t, inf)

	_, ok, err := l.Get("bad")
	var de *DecodeError
	if !ok || !errors.As(err, &de) || de.Name != "bad" || de.Kind != v1alpha1.KindCharger {
		t.Fatalf("Get(bad) = %v, %v; want found with a DecodeError naming it", ok, err)
	}
	sel, _ := labels.Parse("site=north")
	list, err := l.List(sel)
	if len(list) != 1 || list[0].Metadata.Name != "good" || !errors.As(err, &de) || de.Name != "bad" {
		t.Fatalf("List = %d objects, %v; want good and an error naming bad", len(list), err)
	}
	if got := inf.ByIndex("site", "north"); !slices.Equal(got, []string{"bad", "good"}) {
		t.Fatalf("ByIndex(site, north) = %v, want both", got)
	}
	if _, ok := inf.Get("bad"); !ok {
		t.Fatal("the raw object is gone from the cache")
	}
}

// TestReverseReferencesFollowChanges: IndexReferences answers "who names
// this" through creates, changes of the reference and deletes.
func TestReverseReferencesFollowChanges(t *testing.T) {
	st := openStore(t, store.Options{})
	for i := range 3 {
		mustCreate(t, st, v1alpha1.KindCharger, fmt.Sprintf("c%d", i), map[string]any{"templateRef": "t1"})
	}
	inf := NewInformer(st, v1alpha1.KindCharger, testLogger(t)).IndexReferences()
	runInformer(t, inf)
	waitSynced(t, inf)
	check := func(tpl string, want ...string) {
		t.Helper()
		testutil.Eventually(t, waitTimeout, "referrers of "+tpl, func() string {
			if got := inf.Referrers(v1alpha1.KindTemplate, tpl); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				return fmt.Sprintf("%v, want %v", got, want)
			}
			return ""
		})
	}
	check("t1", "c0", "c1", "c2")
	mustUpdate(t, st, v1alpha1.KindCharger, "c1", map[string]any{"templateRef": "t2"})
	check("t1", "c0", "c2")
	check("t2", "c1")
	if _, err := st.Delete(v1alpha1.KindCharger, "c0", ""); err != nil {
		t.Fatal(err)
	}
	check("t1", "c2")
	// An index added while the informer runs is filled from the cache.
	inf.AddIndex("tpl", func(obj *v1alpha1.Object, _ any) []string {
		var s struct{ TemplateRef string }
		_ = json.Unmarshal(obj.Spec, &s)
		return []string{s.TemplateRef}
	})
	if got := inf.ByIndex("tpl", "t2"); !slices.Equal(got, []string{"c1"}) {
		t.Fatalf("late index = %v, want [c1]", got)
	}
}
