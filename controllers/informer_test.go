package controllers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

const waitTimeout = 10 * time.Second

func openStore(t *testing.T, opts store.Options) *store.Store {
	t.Helper()
	opts.NoSync = true
	opts.CompactInterval = -1
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newObj(kind, name string, spec map[string]any) *v1alpha1.Object {
	raw, _ := json.Marshal(spec)
	return &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: kind,
		Metadata: v1alpha1.ObjectMeta{Name: name}, Spec: raw}
}

func mustCreate(t *testing.T, st *store.Store, kind, name string, spec map[string]any) *v1alpha1.Object {
	t.Helper()
	obj, err := st.Create(newObj(kind, name, spec))
	if err != nil {
		t.Fatalf("create %s/%s: %v", kind, name, err)
	}
	return obj
}

func mustUpdate(t *testing.T, st *store.Store, kind, name string, spec map[string]any) {
	t.Helper()
	if _, err := st.Update(newObj(kind, name, spec)); err != nil {
		t.Fatalf("update %s/%s: %v", kind, name, err)
	}
}

// recorder collects the events an informer hands to its handlers.
type recorder struct {
	mu     sync.Mutex
	events []string // "TYPE name"
}

func (r *recorder) handle(ev v1alpha1.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, string(ev.Type)+" "+ev.Object.Metadata.Name)
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func runInformer(t *testing.T, inf *Informer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- inf.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("informer run: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Error("informer did not stop")
		}
	})
}

// sameAsStore reports how the informer's cache differs from the store.
func sameAsStore(st *store.Store, inf *Informer) string {
	want, _ := st.List(inf.Kind())
	got := inf.List()
	if len(got) != len(want) {
		return fmt.Sprintf("cache has %d objects, store %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Metadata.Name != want[i].Metadata.Name ||
			got[i].Metadata.ResourceVersion != want[i].Metadata.ResourceVersion {
			return fmt.Sprintf("cache has %s@%s, store %s@%s", got[i].Metadata.Name,
				got[i].Metadata.ResourceVersion, want[i].Metadata.Name, want[i].Metadata.ResourceVersion)
		}
	}
	return ""
}

func TestInformerSyncAndLiveEvents(t *testing.T) {
	st := openStore(t, store.Options{})
	mustCreate(t, st, "Template", "b", nil)
	mustCreate(t, st, "Template", "a", nil)
	mustCreate(t, st, "Charger", "other-kind", nil)

	inf := NewInformer(st, "Template", testLogger(t))
	rec := &recorder{}
	inf.AddHandler(rec.handle)
	if inf.HasSynced() {
		t.Fatal("HasSynced before Run")
	}
	runInformer(t, inf)
	select {
	case <-inf.Synced():
	case <-time.After(waitTimeout):
		t.Fatal("informer never synced")
	}
	if !inf.HasSynced() {
		t.Fatal("HasSynced false after Synced closed")
	}
	// The cache is complete at sync time, not just eventually.
	if msg := sameAsStore(st, inf); msg != "" {
		t.Fatalf("at sync: %s", msg)
	}
	if got, want := rec.snapshot(), []string{"ADDED a", "ADDED b"}; !slices.Equal(got, want) {
		t.Fatalf("initial events %v, want %v", got, want)
	}

	mustUpdate(t, st, "Template", "a", map[string]any{"x": 1})
	mustCreate(t, st, "Template", "c", nil)
	if _, err := st.Delete("Template", "b", ""); err != nil {
		t.Fatal(err)
	}
	want := []string{"ADDED a", "ADDED b", "MODIFIED a", "ADDED c", "DELETED b"}
	testutil.Eventually(t, waitTimeout, "live events", func() string {
		if got := rec.snapshot(); !slices.Equal(got, want) {
			return fmt.Sprintf("events %v, want %v", got, want)
		}
		return ""
	})
	if _, ok := inf.Get("b"); ok {
		t.Fatal("deleted object still cached")
	}
	a, ok := inf.Get("a")
	if !ok || string(a.Spec) != `{"x":1}` {
		t.Fatalf("Get(a) = %v, %v; want the updated spec", a, ok)
	}
	// Get hands out copies: changing one must not change the cache.
	a.Spec = json.RawMessage(`{"x":2}`)
	if again, _ := inf.Get("a"); string(again.Spec) != `{"x":1}` {
		t.Fatal("mutating a Get result changed the cache")
	}
}

// TestInformerRewatchAfterFallingBehind blocks the informer's handler so its
// watch overflows (WatchBuffer 1) and is dropped by the store. A delete made
// after that can reach the informer only through the re-list, as a synthetic
// DELETED.
func TestInformerRewatchAfterFallingBehind(t *testing.T) {
	st := openStore(t, store.Options{WatchBuffer: 1})
	for _, n := range []string{"x", "y", "z"} {
		mustCreate(t, st, "Template", n, nil)
	}
	inf := NewInformer(st, "Template", testLogger(t))
	rec := &recorder{}
	gate := make(chan struct{})
	blocked := make(chan struct{}, 1)
	var block sync.Once
	inf.AddHandler(func(ev v1alpha1.Event) {
		if ev.Type == v1alpha1.Modified && ev.Object.Metadata.Name == "x" {
			block.Do(func() {
				blocked <- struct{}{}
				<-gate
			})
		}
		rec.handle(ev)
	})
	runInformer(t, inf)
	testutil.Eventually(t, waitTimeout, "sync", func() string {
		if !inf.HasSynced() {
			return "not synced"
		}
		return ""
	})

	mustUpdate(t, st, "Template", "x", map[string]any{"v": 1})
	select {
	case <-blocked:
	case <-time.After(waitTimeout):
		t.Fatal("handler never saw the update of x")
	}
	// With the handler stuck, at most two more events fit (one in the
	// watcher's hand, one buffered); the rest make the store drop the watcher.
	for i := range 4 {
		mustUpdate(t, st, "Template", "y", map[string]any{"v": i})
	}
	if _, err := st.Delete("Template", "z", ""); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "Template", "w", nil)
	close(gate)

	testutil.Eventually(t, waitTimeout, "cache to match the store after re-list", func() string { return sameAsStore(st, inf) })
	testutil.Eventually(t, waitTimeout, "synthetic DELETED for z", func() string {
		if !slices.Contains(rec.snapshot(), "DELETED z") {
			return fmt.Sprintf("events %v", rec.snapshot())
		}
		return ""
	})
	if !slices.Contains(rec.snapshot(), "ADDED w") {
		t.Errorf("object created while the watch was down not reported as ADDED: %v", rec.snapshot())
	}
	// Live events flow again on the new watch.
	mustUpdate(t, st, "Template", "w", map[string]any{"v": 1})
	testutil.Eventually(t, waitTimeout, "live event after re-watch", func() string {
		if !slices.Contains(rec.snapshot(), "MODIFIED w") {
			return fmt.Sprintf("events %v", rec.snapshot())
		}
		return ""
	})
}

func TestInformerStopsWhenStoreCloses(t *testing.T) {
	st := openStore(t, store.Options{})
	inf := NewInformer(st, "Template", testLogger(t))
	done := make(chan error, 1)
	go func() { done <- inf.Run(context.Background()) }()
	testutil.Eventually(t, waitTimeout, "sync", func() string {
		if !inf.HasSynced() {
			return "not synced"
		}
		return ""
	})
	st.Close()
	select {
	case err := <-done:
		if !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Run() = %v, want store.ErrClosed", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("informer kept running after the store closed")
	}
}
