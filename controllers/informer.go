package controllers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Re-watch backoff of an informer whose watch ended with an error.
const (
	rewatchMinDelay = 50 * time.Millisecond
	rewatchMaxDelay = 5 * time.Second
)

// Handler is called with every change an informer applies to its cache, in
// order, from the informer's goroutine, after the cache already shows it. The
// event's object is shared with the cache and must not be modified. Handlers
// should only enqueue keys: a slow handler stalls the informer.
type Handler func(ev v1alpha1.Event)

// Informer is an in-memory cache of every object of one kind, kept current by a
// store watch. Controllers read from it instead of the store so a reconcile
// sees one consistent, already-delivered state.
//
// Once a Lister asks for the kind's Go type, each object is decoded into it
// once, when its event arrives, and readers share that decoded value
// (lister.go). Indexes (index.go) are kept with the cache, so the cache, its
// typed views and its indexes change together before any handler runs.
type Informer struct {
	kind string
	st   *store.Store
	log  *slog.Logger

	mu       sync.RWMutex
	items    map[string]*entry
	handlers []func(Change)
	decode   func(*v1alpha1.Object) (any, error) // nil until a Lister sets it
	typeName string                              // the Go type decode returns
	indexers map[string]IndexFunc
	indices  map[string]map[string]map[string]struct{} // index → value → names

	stats informerStats

	synced   chan struct{}
	syncOnce sync.Once
}

// entry is one cached object: as stored, and as its Go type.
type entry struct {
	obj   *v1alpha1.Object    // never modified once cached
	typed any                 // nil without a decoder or when err is set
	err   error               // why obj does not decode into the Go type
	keys  map[string][]string // index → the values obj is filed under
}

// InformerStats counts an informer's work since it was made.
type InformerStats struct {
	Events  uint64 // changes applied to the cache
	Decodes uint64 // objects decoded into the Go type: one per event at most
	Lists   uint64 // List calls, raw or typed: each copies or walks the kind
}

type informerStats struct{ events, decodes, lists atomic.Uint64 }

// Stats returns the informer's counters.
func (i *Informer) Stats() InformerStats {
	return InformerStats{Events: i.stats.events.Load(), Decodes: i.stats.decodes.Load(), Lists: i.stats.lists.Load()}
}

// NewInformer returns an informer for kind. Nothing happens until Run.
func NewInformer(st *store.Store, kind string, log *slog.Logger) *Informer {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Informer{
		kind:     kind,
		st:       st,
		log:      log.With("informer", kind),
		items:    map[string]*entry{},
		indexers: map[string]IndexFunc{},
		indices:  map[string]map[string]map[string]struct{}{},
		synced:   make(chan struct{}),
	}
}

// Kind returns the kind this informer caches.
func (i *Informer) Kind() string { return i.kind }

// AddHandler registers h. A handler added after Run started misses the events
// delivered before, so register handlers first.
func (i *Informer) AddHandler(h Handler) {
	i.addChangeHandler(func(c Change) { h(v1alpha1.Event{Type: c.Type, Object: c.Object}) })
}

// addChangeHandler registers h, which also sees the state an update replaced.
func (i *Informer) addChangeHandler(h func(Change)) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.handlers = append(i.handlers, h)
}

// Get returns a copy of the cached object called name.
func (i *Informer) Get(name string) (*v1alpha1.Object, bool) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	e, ok := i.items[name]
	if !ok {
		return nil, false
	}
	return e.obj.DeepCopy(), true
}

// List returns copies of every cached object, sorted by name. It costs a copy
// of the whole kind: controllers look objects up through a Lister or an
// index instead.
func (i *Informer) List() []*v1alpha1.Object {
	i.stats.lists.Add(1)
	i.mu.RLock()
	out := make([]*v1alpha1.Object, 0, len(i.items))
	for _, e := range i.items {
		out = append(out, e.obj.DeepCopy())
	}
	i.mu.RUnlock()
	sort.Slice(out, func(a, b int) bool { return out[a].Metadata.Name < out[b].Metadata.Name })
	return out
}

// HasSynced reports whether the cache has held the full initial state at least once.
func (i *Informer) HasSynced() bool {
	select {
	case <-i.synced:
		return true
	default:
		return false
	}
}

// Synced returns a channel closed once HasSynced becomes true.
func (i *Informer) Synced() <-chan struct{} { return i.synced }

// Run keeps the cache current until ctx is done. When the watch ends with an
// error (the informer fell behind, or its start was compacted) it re-lists
// with a fresh watch and reports objects that vanished meanwhile as DELETED.
// It returns nil when ctx ends, and an error only when the store is closed.
func (i *Informer) Run(ctx context.Context) error {
	delay := rewatchMinDelay
	for {
		synced, err := i.watchOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, store.ErrClosed) {
			return fmt.Errorf("informer %s: %w", i.kind, err)
		}
		if synced {
			delay = rewatchMinDelay
		}
		i.log.Warn("watch ended, re-listing", "err", err, "retryIn", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		delay = min(delay*2, rewatchMaxDelay)
	}
}

// watchOnce runs one watch with initial events and reports whether it got to
// the end of them, and why it ended.
func (i *Informer) watchOnce(ctx context.Context) (synced bool, err error) {
	w, err := i.st.Watch(ctx, store.WatchOptions{Kind: i.kind, SendInitialEvents: true})
	if err != nil {
		return false, fmt.Errorf("watch %s: %w", i.kind, err)
	}
	defer w.Stop()
	seen := map[string]struct{}{} // names listed so far; nil once live
	for ev := range w.Events() {
		switch ev.Type {
		case v1alpha1.Added, v1alpha1.Modified, v1alpha1.Deleted:
			if ev.Object == nil {
				continue
			}
			i.apply(ev, seen)
		case v1alpha1.Bookmark:
			if seen != nil && isInitialEventsEnd(ev) {
				i.finishList(seen)
				seen = nil
				synced = true
			}
		case v1alpha1.Error:
			return synced, fmt.Errorf("watch %s: error event", i.kind)
		}
	}
	if err := w.Err(); err != nil {
		return synced, fmt.Errorf("watch %s: %w", i.kind, err)
	}
	return synced, fmt.Errorf("watch %s: stream closed", i.kind)
}

func isInitialEventsEnd(ev v1alpha1.Event) bool {
	return ev.Object != nil && ev.Object.Metadata.Annotations[v1alpha1.InitialEventsEndAnnotation] == "true"
}

// apply updates the cache with ev and tells the handlers. While listing
// (seen != nil) an ADDED for a cached object is a re-list: it becomes MODIFIED
// if the object changed while the informer was not watching, and nothing if not.
func (i *Informer) apply(ev v1alpha1.Event, seen map[string]struct{}) {
	obj := ev.Object.DeepCopy()
	name := obj.Metadata.Name
	i.mu.Lock()
	old, existed := i.items[name]
	if seen != nil && existed && old.obj.Metadata.ResourceVersion == obj.Metadata.ResourceVersion {
		// A re-list of what is cached already: nothing to decode or tell.
		i.mu.Unlock()
		seen[name] = struct{}{}
		return
	}
	i.stats.events.Add(1)
	cur := &entry{obj: obj}
	if ev.Type == v1alpha1.Deleted {
		delete(i.items, name)
		i.reindexLocked(name, old, nil)
		if existed {
			cur = old // handlers see the last state known, typed
		}
	} else {
		// Under the lock, so a reader never sees the object without its
		// typed view or its index entries.
		i.decodeLocked(cur)
		i.items[name] = cur
		i.reindexLocked(name, old, cur)
	}
	i.mu.Unlock()

	c := Change{Type: ev.Type, Object: obj, Typed: cur.typed}
	if existed && ev.Type != v1alpha1.Deleted {
		c.Old, c.OldTyped = old.obj, old.typed
	}
	if seen != nil {
		seen[name] = struct{}{}
		if existed {
			c.Type = v1alpha1.Modified
		}
	}
	i.notify(c)
}

// decodeLocked fills e's typed view when the informer has a decoder.
func (i *Informer) decodeLocked(e *entry) {
	if i.decode == nil {
		return
	}
	i.stats.decodes.Add(1)
	e.typed, e.err = i.decode(e.obj)
	if e.err != nil {
		e.typed = nil
	}
}

// finishList ends a (re-)list: cached objects the list did not mention were
// deleted while the informer was not watching.
func (i *Informer) finishList(seen map[string]struct{}) {
	i.mu.Lock()
	var gone []*entry
	for name, e := range i.items {
		if _, ok := seen[name]; !ok {
			gone = append(gone, e)
			delete(i.items, name)
			i.reindexLocked(name, e, nil)
		}
	}
	i.mu.Unlock()
	sort.Slice(gone, func(a, b int) bool { return gone[a].obj.Metadata.Name < gone[b].obj.Metadata.Name })
	for _, e := range gone {
		i.notify(Change{Type: v1alpha1.Deleted, Object: e.obj, Typed: e.typed})
	}
	i.syncOnce.Do(func() { close(i.synced) })
}

func (i *Informer) notify(c Change) {
	i.mu.RLock()
	hs := i.handlers
	i.mu.RUnlock()
	for _, h := range hs {
		h(c)
	}
}
