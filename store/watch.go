package store

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	bolt "go.etcd.io/bbolt"
)

// WatchOptions select what a Watch delivers.
type WatchOptions struct {
	// Kind limits the watch to one kind; empty means every kind.
	Kind string
	// Revision: deliver every event after it (replayed from the log, then
	// live). Ignored when SendInitialEvents is set.
	Revision int64
	// SendInitialEvents starts the watch with an ADDED event per current
	// object and a BOOKMARK annotated InitialEventsEndAnnotation.
	SendInitialEvents bool
	// Bookmarks asks for a BOOKMARK after BookmarkInterval without events, so
	// an idle client keeps a revision it can resume from.
	Bookmarks bool
}

// replayChunk bounds how many log entries one read transaction copies, so a
// long replay never pins old pages for long.
const replayChunk = 512

// Watcher delivers the events of one Watch.
type Watcher struct {
	opts WatchOptions
	in   chan *eventRecord
	out  chan v1alpha1.Event
	s    *Store

	stopOnce sync.Once
	stopped  chan struct{}
	mu       sync.Mutex
	err      error
}

// Watch starts a watch. It fails with ErrCompacted when opts.Revision is below
// the compacted revision, and with ErrFutureRevision when it is above the
// store's revision: either way the caller must list again and watch from there.
func (s *Store) Watch(ctx context.Context, opts WatchOptions) (*Watcher, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.cmu.RLock()
	closed, rev, compactRev := s.closed, s.rev, s.compactRev
	var snapshot []*v1alpha1.Object
	if opts.SendInitialEvents {
		snapshot = s.snapshot(opts.Kind)
	}
	s.cmu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	if !opts.SendInitialEvents && opts.Revision < compactRev {
		return nil, errorf(ErrCompacted, "watch from revision %d, compacted up to %d", opts.Revision, compactRev)
	}
	if !opts.SendInitialEvents && opts.Revision > rev {
		return nil, errorf(ErrFutureRevision, "watch from revision %d, the store is at %d (restored from a backup or re-initialised?)",
			opts.Revision, rev)
	}
	w := &Watcher{
		opts:    opts,
		in:      make(chan *eventRecord, s.opts.WatchBuffer),
		out:     make(chan v1alpha1.Event),
		s:       s,
		stopped: make(chan struct{}),
	}
	s.watchers[w] = struct{}{}
	go w.run(ctx, snapshot, rev)
	return w, nil
}

// snapshot returns the cached objects of kind ("" = all), sorted. Caller holds cmu.
func (s *Store) snapshot(kind string) []*v1alpha1.Object {
	var out []*v1alpha1.Object
	for k, m := range s.cache {
		if kind != "" && k != kind {
			continue
		}
		for _, o := range m {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Metadata.Name < out[j].Metadata.Name
	})
	return out
}

// Events returns the channel of events. It is closed when the watch ends; Err
// then says why.
func (w *Watcher) Events() <-chan v1alpha1.Event { return w.out }

// Err returns why the watch ended: nil after Stop or context cancellation,
// ErrCompacted (wrapped) when the watcher fell behind or its start revision
// was compacted during replay, ErrClosed when the store closed.
func (w *Watcher) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Stop ends the watch. It is safe to call more than once.
func (w *Watcher) Stop() { w.close(nil) }

func (w *Watcher) close(err error) {
	w.stopOnce.Do(func() {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		close(w.stopped)
	})
}

// offer hands committed events to the watcher without blocking the writer. A
// watcher whose buffer is full is closed: it resumes from its last revision.
// It reports whether the watcher is still live. The caller holds wmu.
func (w *Watcher) offer(events []*eventRecord) bool {
	select {
	case <-w.stopped:
		return false
	default:
	}
	for _, ev := range events {
		select {
		case w.in <- ev:
		default:
			w.close(errorf(ErrCompacted, "watcher fell behind at revision %d", ev.rev))
			return false
		}
	}
	return true
}

func (w *Watcher) run(ctx context.Context, snapshot []*v1alpha1.Object, regRev int64) {
	defer close(w.out)
	// Mark the watcher stopped however it ends, so the next publish drops it.
	defer w.close(nil)
	last := w.opts.Revision
	if w.opts.SendInitialEvents {
		for _, o := range snapshot {
			if !w.send(ctx, v1alpha1.Event{Type: v1alpha1.Added, Object: o.DeepCopy()}) {
				return
			}
		}
		if !w.send(ctx, w.bookmark(regRev, true)) {
			return
		}
		last = regRev
	} else if last < regRev {
		if !w.replay(ctx, last, regRev) {
			return
		}
		last = regRev
	}
	w.follow(ctx, last)
}

// follow forwards live events after last, with idle bookmarks if asked.
func (w *Watcher) follow(ctx context.Context, last int64) {
	var tick <-chan time.Time
	if w.opts.Bookmarks {
		t := time.NewTicker(w.s.opts.BookmarkInterval)
		defer t.Stop()
		tick = t.C
	}
	sent := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.stopped:
			return
		case rec := <-w.in:
			if rec.rev <= last {
				continue
			}
			last = rec.rev
			if w.match(rec.Object) {
				if !w.send(ctx, v1alpha1.Event{Type: rec.Type, Object: rec.Object.DeepCopy()}) {
					return
				}
				sent = true
			}
		case <-tick:
			if !sent && !w.send(ctx, w.bookmark(last, false)) {
				return
			}
			sent = false
		}
	}
}

// replay sends the logged events in (from, to], reading in short chunks.
func (w *Watcher) replay(ctx context.Context, from, to int64) bool {
	for from < to {
		recs, err := w.s.readEvents(from, to, replayChunk)
		if err != nil {
			w.close(err)
			return false
		}
		for _, rec := range recs {
			from = rec.rev
			if w.match(rec.Object) && !w.send(ctx, v1alpha1.Event{Type: rec.Type, Object: rec.Object}) {
				return false
			}
		}
		if len(recs) == 0 {
			break
		}
	}
	return true
}

func (w *Watcher) match(o *v1alpha1.Object) bool {
	return w.opts.Kind == "" || o.Kind == w.opts.Kind
}

func (w *Watcher) bookmark(rev int64, initialEnd bool) v1alpha1.Event {
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: w.opts.Kind}
	o.Metadata.ResourceVersion = strconv.FormatInt(rev, 10)
	if initialEnd {
		o.Metadata.Annotations = map[string]string{v1alpha1.InitialEventsEndAnnotation: "true"}
	}
	return v1alpha1.Event{Type: v1alpha1.Bookmark, Object: o}
}

func (w *Watcher) send(ctx context.Context, ev v1alpha1.Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-ctx.Done():
		return false
	case <-w.stopped:
		return false
	}
}

// readEvents copies up to max logged events in (from, to]. It fails with
// ErrCompacted when from is below the compacted revision.
func (s *Store) readEvents(from, to int64, max int) ([]*eventRecord, error) {
	var out []*eventRecord
	err := s.view(func(tx *bolt.Tx) error {
		if c := readCompactRev(tx); from < c {
			return errorf(ErrCompacted, "watch from revision %d, compacted up to %d", from, c)
		}
		cur := tx.Bucket(bucketEvents).Cursor()
		for k, v := cur.Seek(u64Key(uint64(from + 1))); k != nil && len(out) < max; k, v = cur.Next() {
			rev := int64(keyU64(k))
			if rev > to {
				break
			}
			rec, err := s.decodeEvent(rev, v)
			if err != nil {
				return err
			}
			out = append(out, rec)
		}
		return nil
	})
	return out, err
}
