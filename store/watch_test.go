package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

const waitLimit = 10 * time.Second

func next(t *testing.T, w *Watcher) v1alpha1.Event {
	t.Helper()
	select {
	case ev, ok := <-w.Events():
		if !ok {
			t.Fatalf("watch closed: %v", w.Err())
		}
		return ev
	case <-time.After(waitLimit):
		t.Fatalf("no event within %s", waitLimit)
	}
	return v1alpha1.Event{}
}

// A watch started at revision 0 while a writer runs delivers every revision
// exactly once and in order: replay and live join with no gap or duplicate.
func TestWatchReplayThenLiveNoGapNoDuplicate(t *testing.T) {
	s, _ := openTest(t, Options{})
	const total = 400
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range total {
			if _, err := s.Create(obj("Charger", fmt.Sprintf("c%03d", i), `{}`)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	// Start the watch while writes are in flight.
	for s.Revision() < total/4 {
		time.Sleep(time.Millisecond)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	for want := int64(1); want <= total; want++ {
		ev := next(t, w)
		if got := rv(ev.Object); got != want || ev.Type != v1alpha1.Added {
			t.Fatalf("event %d: got %s at revision %d", want, ev.Type, got)
		}
	}
	wg.Wait()
}

func TestWatchFiltersKindAndResumes(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Create(obj("Charger", "a", `{}`))
	s.Create(obj("Template", "t", `{}`))
	s.Update(obj("Charger", "a", `{"x":1}`))
	s.Delete("Charger", "a", "")
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Charger", Revision: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := next(t, w)
	if ev.Type != v1alpha1.Modified || rv(ev.Object) != 3 {
		t.Fatalf("first event after 1: %s %d", ev.Type, rv(ev.Object))
	}
	ev = next(t, w)
	if ev.Type != v1alpha1.Deleted || rv(ev.Object) != 4 || string(ev.Object.Spec) != `{"x":1}` {
		t.Fatalf("delete event: %s rv=%d spec=%s", ev.Type, rv(ev.Object), ev.Object.Spec)
	}
	s.Create(obj("Template", "t2", `{}`))
	s.Create(obj("Charger", "b", `{}`))
	ev = next(t, w)
	if ev.Object.Metadata.Name != "b" || rv(ev.Object) != 6 {
		t.Fatalf("live event: %s rv %d", ev.Object.Key(), rv(ev.Object))
	}
}

func TestWatchInitialEvents(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Create(obj("Charger", "b", `{}`))
	s.Create(obj("Charger", "a", `{}`))
	s.Create(obj("Bus", "x", `{}`))
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Charger", SendInitialEvents: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev := next(t, w); ev.Type != v1alpha1.Added || ev.Object.Metadata.Name != "a" {
		t.Fatalf("first initial event %s %s", ev.Type, ev.Object.Key())
	}
	if ev := next(t, w); ev.Object.Metadata.Name != "b" {
		t.Fatalf("second initial event %s", ev.Object.Key())
	}
	bm := next(t, w)
	if bm.Type != v1alpha1.Bookmark || bm.Object.Metadata.ResourceVersion != "3" ||
		bm.Object.Metadata.Annotations[v1alpha1.InitialEventsEndAnnotation] != "true" {
		t.Fatalf("initial-events-end bookmark: %+v", bm.Object)
	}
	s.Update(obj("Charger", "a", `{"y":1}`))
	if ev := next(t, w); ev.Type != v1alpha1.Modified || rv(ev.Object) != 4 {
		t.Fatalf("live after initial: %s %d", ev.Type, rv(ev.Object))
	}
}

func TestWatchCompacted(t *testing.T) {
	s, _ := openTest(t, Options{})
	for i := range 10 {
		s.Create(obj("Charger", fmt.Sprint("c", i), `{}`))
	}
	if err := s.Compact(6); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Watch(context.Background(), WatchOptions{Revision: 5}); !errors.Is(err, ErrCompacted) {
		t.Fatalf("watch below compaction: want ErrCompacted, got %v", err)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 6})
	if err != nil {
		t.Fatalf("watch at compacted revision: %v", err)
	}
	defer w.Stop()
	if ev := next(t, w); rv(ev.Object) != 7 {
		t.Fatalf("first event after compaction: %d", rv(ev.Object))
	}
	if s.CompactedRevision() != 6 {
		t.Errorf("compacted revision %d", s.CompactedRevision())
	}
}

func TestWatcherFallingBehindIsClosed(t *testing.T) {
	s, _ := openTest(t, Options{WatchBuffer: 4})
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		s.Create(obj("Charger", fmt.Sprint("c", i), `{}`))
	}
	deadline := time.After(waitLimit)
	for {
		select {
		case _, ok := <-w.Events():
			if ok {
				continue
			}
			if !errors.Is(w.Err(), ErrCompacted) {
				t.Fatalf("slow watcher closed with %v, want ErrCompacted", w.Err())
			}
			return
		case <-deadline:
			t.Fatal("slow watcher was never closed")
		}
	}
}

func TestWatchBookmarksWhenIdle(t *testing.T) {
	s, _ := openTest(t, Options{BookmarkInterval: 10 * time.Millisecond})
	s.Create(obj("Charger", "a", `{}`))
	s.Create(obj("Bus", "b", `{}`))
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Charger", Revision: 1, Bookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ev := next(t, w)
	if ev.Type != v1alpha1.Bookmark || ev.Object.Metadata.ResourceVersion != "2" {
		t.Fatalf("idle bookmark: %s at %s", ev.Type, ev.Object.Metadata.ResourceVersion)
	}
}

func TestWatchEndsOnContextAndClose(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	w, _ := s.Watch(ctx, WatchOptions{})
	cancel()
	if _, ok := <-w.Events(); ok {
		t.Fatal("event after cancel")
	}
	if w.Err() != nil {
		t.Errorf("cancelled watch err %v", w.Err())
	}
	w2, _ := s.Watch(context.Background(), WatchOptions{})
	s.Close()
	for range w2.Events() {
	}
	if !errors.Is(w2.Err(), ErrClosed) {
		t.Errorf("watch after close: %v", w2.Err())
	}
	if _, err := s.Create(obj("Charger", "x", `{}`)); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v", err)
	}
}

func TestCompactByPolicyKeepsCountAndAge(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, _ := openTest(t, Options{CompactKeepEvents: 5, CompactKeepAge: time.Hour})
	s.opts.now = func() time.Time { return now }
	for i := range 10 {
		s.Create(obj("Charger", fmt.Sprint("old", i), `{}`))
	}
	now = now.Add(30 * time.Minute)
	for i := range 10 {
		s.Create(obj("Charger", fmt.Sprint("new", i), `{}`))
	}
	// Everything is younger than an hour: nothing may go.
	if rev, _ := s.CompactByPolicy(); rev != 0 {
		t.Fatalf("compacted young events up to %d", rev)
	}
	// 40 minutes later the first ten are older than an hour; the count rule
	// alone would allow 15, the age rule stops at 10.
	now = now.Add(40 * time.Minute)
	if rev, _ := s.CompactByPolicy(); rev != 10 {
		t.Fatalf("compacted to %d, want 10", rev)
	}
	// Much later everything is old: the newest five stay.
	now = now.Add(10 * time.Hour)
	if rev, _ := s.CompactByPolicy(); rev != 15 {
		t.Fatalf("compacted to %d, want 15", rev)
	}
	if items, _ := s.List("Charger"); len(items) != 20 {
		t.Errorf("compaction removed objects: %d left", len(items))
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 15})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if ev := next(t, w); rv(ev.Object) != 16 {
		t.Errorf("first kept event %d", rv(ev.Object))
	}
}

func TestCompactLargeLogInBatches(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Create(obj("Charger", "a", `{}`))
	for i := range 2500 {
		s.QueueStatus("Charger", "a", json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
		s.Flush()
	}
	if err := s.Compact(2400); err != nil {
		t.Fatal(err)
	}
	recs, err := s.readEvents(2400, s.Revision(), 1000)
	if err != nil || len(recs) != 101 {
		t.Fatalf("after compaction: %d events, err %v", len(recs), err)
	}
}
