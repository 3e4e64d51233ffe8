package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// errorEvent is an ERROR event on the wire: its object is an APIStatus.
type errorEvent struct {
	Type   v1alpha1.EventType `json:"type"`
	Object v1alpha1.APIStatus `json:"object"`
}

// serveWatch streams the events of one kind as NDJSON until the client goes
// away or the store ends the watch. A start revision that is compacted away
// is refused with 410 before the stream starts, and so is one the store has
// not reached; a watch that falls behind
// later ends with an ERROR event carrying the same 410.
func (s *Server) serveWatch(w http.ResponseWriter, r *http.Request, k v1alpha1.KindInfo) {
	opts, sel, err := watchParams(r, k)
	if err != nil {
		s.writeError(w, r, err, k.Kind, "")
		return
	}
	ctx := r.Context()
	wt, err := s.store.Watch(ctx, opts)
	if errors.Is(err, store.ErrFutureRevision) {
		// 410 rather than 400: a client that relists on 410, as a retrying
		// watcher does, recovers by itself after a restore or --init.
		err = &apiError{newStatus(http.StatusGone, v1alpha1.ReasonGone,
			"too large resource version: "+store.Detail(err)+"; list again and watch from the list's resourceVersion")}
	}
	if err != nil {
		s.writeError(w, r, err, k.Kind, "")
		return
	}
	defer wt.Stop()

	st := startStream(w)
	if st == nil {
		return
	}
	s.pump(ctx, st, wt, opts, newSelectorFilter(sel, opts.SendInitialEvents))
}

// pump forwards the watcher's events until either side ends. With
// bookmarks, an interval without anything sent gets a BOOKMARK at the last
// revision the watcher reported. None is sent during initial events: they
// come in name order, so no revision among them is a safe resume point.
func (s *Server) pump(ctx context.Context, st *stream, wt *store.Watcher, opts store.WatchOptions, f *selectorFilter) {
	var tick <-chan time.Time
	if opts.Bookmarks {
		t := time.NewTicker(s.bookmark)
		defer t.Stop()
		tick = t.C
	}
	last, sent, listed := strconv.FormatInt(opts.Revision, 10), false, !opts.SendInitialEvents
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.quit:
			return
		case ev, ok := <-wt.Events():
			if !ok {
				if err := wt.Err(); err != nil && ctx.Err() == nil {
					st.send(errorEvent{Type: v1alpha1.Error, Object: statusFor(err, opts.Kind, "")})
				}
				return
			}
			if ev.Type == v1alpha1.Bookmark && ev.Object.Metadata.Annotations[v1alpha1.InitialEventsEndAnnotation] == "true" {
				listed = true
			}
			if listed {
				last = ev.Object.Metadata.ResourceVersion
			}
			if out, pass := f.translate(ev); pass {
				out.Object = redact(out.Object)
				if !st.send(out) {
					return
				}
				sent = true
			}
		case <-tick:
			if listed && !sent && !st.send(bookmark(opts.Kind, last)) {
				return
			}
			sent = false
		}
	}
}

func watchParams(r *http.Request, k v1alpha1.KindInfo) (store.WatchOptions, labels.Selector, error) {
	opts := store.WatchOptions{Kind: k.Kind}
	sel, err := selectorParam(r)
	if err != nil {
		return opts, sel, err
	}
	if opts.Bookmarks, err = boolParam(r, "allowWatchBookmarks"); err != nil {
		return opts, sel, err
	}
	rv := r.URL.Query().Get("resourceVersion")
	if rv == "" {
		opts.SendInitialEvents = true
		return opts, sel, nil
	}
	if opts.Revision, err = strconv.ParseInt(rv, 10, 64); err != nil || opts.Revision < 0 {
		return opts, sel, badRequest("invalid resourceVersion %q: must be a decimal revision", rv)
	}
	return opts, sel, nil
}

func bookmark(kind, rv string) v1alpha1.Event {
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: kind}
	o.Metadata.ResourceVersion = rv
	return v1alpha1.Event{Type: v1alpha1.Bookmark, Object: o}
}

// startStream sends the headers of an NDJSON stream; nil if the client is gone.
func startStream(w http.ResponseWriter) *stream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	st := &stream{rc: http.NewResponseController(w), enc: json.NewEncoder(w)}
	if !st.flush() {
		return nil
	}
	return st
}

// stream writes one JSON value per line and flushes it at once, so that a
// watcher sees each event when it happens.
type stream struct {
	rc  *http.ResponseController
	enc *json.Encoder
}

func (st *stream) send(v any) bool {
	if err := st.enc.Encode(v); err != nil {
		return false
	}
	return st.flush()
}

func (st *stream) flush() bool { return st.rc.Flush() == nil }

// selectorFilter turns the store's events into what a client watching with a
// label selector must see, as Kubernetes does: an object that stops matching
// is DELETED, one that starts matching is ADDED.
//
// The filter knows which objects the client holds only if the watch began
// with initial events. A watch resumed from a revision does not know what
// matched before it, so a change that leaves an unknown object unmatched is
// sent as DELETED: the client may hold it, and deleting what it does not
// hold is harmless, whereas a missed deletion leaves a stale object behind.
type selectorFilter struct {
	sel      labels.Selector
	complete bool            // every object not in held is known not to match
	held     map[string]bool // key → matches (false entries only while !complete)
}

func newSelectorFilter(sel labels.Selector, initialEvents bool) *selectorFilter {
	return &selectorFilter{sel: sel, complete: initialEvents, held: map[string]bool{}}
}

// translate returns the event to send for ev, or false to send nothing.
func (f *selectorFilter) translate(ev v1alpha1.Event) (v1alpha1.Event, bool) {
	if f.sel.Empty() || ev.Type == v1alpha1.Bookmark || ev.Object == nil {
		return ev, true
	}
	key := ev.Object.Key()
	matches := f.sel.Matches(ev.Object.Metadata.Labels)
	was, known := f.held[key]
	// An ADDED object did not exist before, so the client cannot hold it.
	if !known && (f.complete || ev.Type == v1alpha1.Added) {
		known = true
	}
	if ev.Type == v1alpha1.Deleted {
		delete(f.held, key)
		return ev, was || !known
	}
	if matches {
		f.held[key] = true
		if known && !was {
			ev.Type = v1alpha1.Added
		}
		return ev, true
	}
	if f.complete {
		delete(f.held, key)
	} else {
		f.held[key] = false
	}
	if known && !was {
		return ev, false
	}
	ev.Type = v1alpha1.Deleted
	return ev, true
}
