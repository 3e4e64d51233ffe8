package server

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

func busNamed(name string) string { return labelled(busYAML, name, "{}") }

func TestWatchInitialEventsThenLiveAndBookmark(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{BookmarkInterval: 50 * time.Millisecond})
	e.create(busNamed("a"))
	last := e.create(busNamed("b"))
	e.create(secretYAML) // another kind: not in this watch
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{Bookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for _, name := range []string{"a", "b"} {
		if ev := next(t, w); ev.Type != v1alpha1.Added || ev.Object.Metadata.Name != name {
			t.Fatalf("initial event = %s %s", ev.Type, ev.Object.Key())
		}
	}
	ev := next(t, w)
	if ev.Type != v1alpha1.Bookmark || ev.Object.Metadata.Annotations[v1alpha1.InitialEventsEndAnnotation] != "true" {
		t.Fatalf("want the initial-events-end bookmark, got %s %+v", ev.Type, ev.Object.Metadata)
	}
	if rv, _ := strconv.ParseInt(ev.Object.Metadata.ResourceVersion, 10, 64); rv < mustRV(t, last) {
		t.Fatalf("initial bookmark rv %d is before the last object %s", rv, last.Metadata.ResourceVersion)
	}
	c := e.create(busNamed("c"))
	if ev := next(t, w); ev.Type != v1alpha1.Added || ev.Object.Metadata.Name != "c" || ev.Object.Metadata.ResourceVersion != c.Metadata.ResourceVersion {
		t.Fatalf("live event = %s %+v", ev.Type, ev.Object.Metadata)
	}
	// Idle now: a plain bookmark at the last revision seen must come.
	ev = next(t, w)
	if ev.Type != v1alpha1.Bookmark || ev.Object.Metadata.ResourceVersion != c.Metadata.ResourceVersion || ev.Object.Metadata.Annotations != nil {
		t.Fatalf("idle bookmark = %s %+v", ev.Type, ev.Object.Metadata)
	}
}

func mustRV(t *testing.T, o *v1alpha1.Object) int64 {
	t.Helper()
	rv, err := strconv.ParseInt(o.Metadata.ResourceVersion, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return rv
}

func TestWatchResumeDeliversExactlyLaterEvents(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	a := e.create(busNamed("a"))
	from := a.Metadata.ResourceVersion
	b := e.create(busNamed("b"))
	a.Spec = json.RawMessage(`{"device":"/dev/ttyS1"}`)
	a2, err := e.c.Update(ctx(t), a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Delete(ctx(t), "Bus", "b"); err != nil {
		t.Fatal(err)
	}
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{ResourceVersion: from})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	want := []string{
		"ADDED b " + b.Metadata.ResourceVersion,
		"MODIFIED a " + a2.Metadata.ResourceVersion,
		"DELETED b " + strconv.FormatInt(mustRV(t, a2)+1, 10),
	}
	for _, wnt := range want {
		ev := next(t, w)
		if got := fmt.Sprintf("%s %s %s", ev.Type, ev.Object.Metadata.Name, ev.Object.Metadata.ResourceVersion); got != wnt {
			t.Fatalf("event = %q, want %q", got, wnt)
		}
	}
	d := e.create(busNamed("d"))
	if ev := next(t, w); ev.Type != v1alpha1.Added || ev.Object.Metadata.ResourceVersion != d.Metadata.ResourceVersion {
		t.Fatalf("live after replay = %s %+v", ev.Type, ev.Object.Metadata)
	}
}

func TestWatchCompactedIsGone(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(busNamed("a"))
	e.create(busNamed("b"))
	if err := e.st.Compact(e.st.Revision()); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{ResourceVersion: "1"})
	st := statusOf(t, err)
	if !client.IsGone(err) || st.Code != 410 || st.Reason != v1alpha1.ReasonGone || !strings.Contains(st.Message, "too old resource version") {
		t.Fatalf("status = %+v", st)
	}
	// From the compacted revision itself nothing is missing.
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{ResourceVersion: strconv.FormatInt(e.st.Revision(), 10)})
	if err != nil {
		t.Fatalf("watch from the compacted revision: %v", err)
	}
	w.Stop()
}

func TestWatchLabelSelector(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(labelled(busYAML, "in", "{app: gw}"))
	e.create(labelled(busYAML, "out", "{app: other}"))
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{LabelSelector: "app=gw"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	expect := func(typ v1alpha1.EventType, name string) {
		t.Helper()
		ev := next(t, w)
		if ev.Type != typ || (name != "" && ev.Object.Metadata.Name != name) {
			t.Fatalf("event = %s %s, want %s %s", ev.Type, ev.Object.Metadata.Name, typ, name)
		}
	}
	expect(v1alpha1.Added, "in")
	expect(v1alpha1.Bookmark, "")

	relabel := func(name, app string) {
		t.Helper()
		o, err := e.c.Get(ctx(t), "Bus", name)
		if err != nil {
			t.Fatal(err)
		}
		o.Metadata.Labels = map[string]string{"app": app}
		if _, err := e.c.Update(ctx(t), o); err != nil {
			t.Fatal(err)
		}
	}
	relabel("out", "still-other") // not matching before or after: nothing
	relabel("in", "gone")         // stops matching: DELETED
	expect(v1alpha1.Deleted, "in")
	relabel("out", "gw") // starts matching: ADDED
	expect(v1alpha1.Added, "out")
	relabel("out", "gw") // no change, no event
	e.create(labelled(busYAML, "new", "{app: gw}"))
	expect(v1alpha1.Added, "new")
	if _, err := e.c.Delete(ctx(t), "Bus", "in"); err != nil { // not held by the client: nothing
		t.Fatal(err)
	}
	if _, err := e.c.Delete(ctx(t), "Bus", "new"); err != nil {
		t.Fatal(err)
	}
	expect(v1alpha1.Deleted, "new")
}

func TestSelectorFilterResumed(t *testing.T) {
	sel, _ := labels.Parse("app=gw")
	f := newSelectorFilter(sel, false)
	ev := func(typ v1alpha1.EventType, name, app string) v1alpha1.Event {
		return v1alpha1.Event{Type: typ, Object: &v1alpha1.Object{Kind: "Bus",
			Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{"app": app}}}}
	}
	steps := []struct {
		in   v1alpha1.Event
		want string // "" = not sent
	}{
		{ev(v1alpha1.Modified, "x", "gw"), "MODIFIED"}, // unknown, matches: as is
		{ev(v1alpha1.Modified, "y", "no"), "DELETED"},  // unknown, does not match: the client may hold it
		{ev(v1alpha1.Modified, "y", "no"), ""},         // now known not to match
		{ev(v1alpha1.Modified, "y", "gw"), "ADDED"},    // starts matching
		{ev(v1alpha1.Modified, "x", "no"), "DELETED"},  // stops matching
		{ev(v1alpha1.Deleted, "x", "no"), ""},          // already gone for the client
		{ev(v1alpha1.Deleted, "z", "no"), "DELETED"},   // unknown: send
		{ev(v1alpha1.Added, "z", "no"), ""},            // re-created, not matching, now known
		{ev(v1alpha1.Bookmark, "", ""), "BOOKMARK"},
	}
	for i, s := range steps {
		out, ok := f.translate(s.in)
		got := ""
		if ok {
			got = string(out.Type)
		}
		if got != s.want {
			t.Fatalf("step %d (%s %s): got %q, want %q", i, s.in.Type, s.in.Object.Metadata.Name, got, s.want)
		}
	}
}

func TestWatchOverflowEndsWithGone(t *testing.T) {
	e := newEnv(t, store.Options{WatchBuffer: 1}, Options{})
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev := next(t, w); ev.Type != v1alpha1.Bookmark {
		t.Fatalf("first event = %s", ev.Type)
	}
	// One transaction publishes many events at once: more than the
	// watcher's buffer of one can take.
	err = e.st.Txn(false, func(tx *store.Tx) error {
		for i := range 300 {
			o := obj(t, busNamed(fmt.Sprintf("b%d", i)))
			if _, err := tx.Create(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(waitFor)
	for {
		select {
		case _, ok := <-w.Events():
			if ok {
				continue
			}
			if err := w.Err(); !client.IsGone(err) {
				t.Fatalf("watch ended with %v, want a 410 status", err)
			}
			return
		case <-deadline:
			t.Fatal("watch did not end after overflowing")
		}
	}
}

func TestWatchEndsWhenClientGoesAway(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{BookmarkInterval: 20 * time.Millisecond})
	e.create(busNamed("a"))
	// Warm up the connection pool so the baseline includes its goroutines.
	if _, err := e.c.List(ctx(t), "Bus", ""); err != nil {
		t.Fatal(err)
	}
	before := settledGoroutines()
	for range 5 {
		wctx, cancel := context.WithCancel(context.Background())
		w, err := e.c.Watch(wctx, "Bus", client.WatchOptions{Bookmarks: true})
		if err != nil {
			t.Fatal(err)
		}
		next(t, w)
		next(t, w)
		cancel()
		for range w.Events() {
		}
		if err := w.Err(); err != nil {
			t.Fatalf("a cancelled watch reports %v", err)
		}
	}
	deadline := time.Now().Add(waitFor)
	for {
		n := runtime.NumGoroutine()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settledGoroutines waits for the goroutine count to stop moving.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for range 50 {
		time.Sleep(10 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return n
		}
		n = m
	}
	return n
}
