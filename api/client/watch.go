package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// ErrStreamEnded is Err's answer when the server closed a watch without an
// ERROR event, e.g. because it is shutting down. Watch again to resume.
var ErrStreamEnded = errors.New("watch stream ended by the server")

// WatchOptions select what a watch delivers.
type WatchOptions struct {
	// ResourceVersion resumes after that revision. Empty starts with an ADDED
	// event per current object and a BOOKMARK annotated
	// v1alpha1.InitialEventsEndAnnotation.
	ResourceVersion string
	// LabelSelector limits the watch; objects that stop matching arrive as
	// DELETED, objects that start matching as ADDED.
	LabelSelector string
	// Bookmarks asks for BOOKMARK events on idle streams.
	Bookmarks bool
}

// Watch is one open watch stream.
type Watch struct {
	events chan v1alpha1.Event
	cancel context.CancelFunc

	mu  sync.Mutex
	err error
}

// Watch opens a watch of one kind. Errors before the stream starts, such as
// a compacted ResourceVersion (IsGone), are returned here.
func (c *Client) Watch(ctx context.Context, kind string, opts WatchOptions) (*Watch, error) {
	p, err := collectionPath(kind)
	if err != nil {
		return nil, err
	}
	q := url.Values{"watch": {"true"}}
	if opts.ResourceVersion != "" {
		q.Set("resourceVersion", opts.ResourceVersion)
	}
	if opts.LabelSelector != "" {
		q.Set("labelSelector", opts.LabelSelector)
	}
	if opts.Bookmarks {
		q.Set("allowWatchBookmarks", "true")
	}
	ctx, cancel := context.WithCancel(ctx)
	resp, err := c.request(ctx, http.MethodGet, p, q, nil, "")
	if err != nil {
		cancel()
		return nil, err
	}
	w := &Watch{events: make(chan v1alpha1.Event), cancel: cancel}
	go w.run(ctx, p, resp.Body)
	return w, nil
}

// Events delivers the stream's events. It is closed when the stream ends;
// Err then says why. ERROR events are not delivered: they end the stream
// and become Err.
func (w *Watch) Events() <-chan v1alpha1.Event { return w.events }

// Err says why the stream ended: nil after Stop or when the context ended,
// a *StatusError for an ERROR event (IsGone: list again and re-watch),
// ErrStreamEnded, or a read or decode error.
func (w *Watch) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Stop ends the watch and closes the connection. It is safe to call more
// than once and from any goroutine.
func (w *Watch) Stop() { w.cancel() }

// wireEvent is an event before its object is known to be an Object or, for
// ERROR, a Status.
type wireEvent struct {
	Type   v1alpha1.EventType `json:"type"`
	Object json.RawMessage    `json:"object"`
}

func (w *Watch) run(ctx context.Context, p string, body io.ReadCloser) {
	defer close(w.events)
	defer body.Close()
	defer w.cancel()
	dec := json.NewDecoder(body)
	for {
		var we wireEvent
		err := dec.Decode(&we)
		if ctx.Err() != nil {
			return
		}
		switch {
		case errors.Is(err, io.EOF):
			w.fail(ErrStreamEnded)
			return
		case err != nil:
			w.fail(fmt.Errorf("watch %s: %w", p, err))
			return
		case we.Type == v1alpha1.Error:
			st := v1alpha1.APIStatus{}
			if err := json.Unmarshal(we.Object, &st); err != nil {
				w.fail(fmt.Errorf("watch %s: decode ERROR event: %w", p, err))
				return
			}
			w.fail(&StatusError{Status: st})
			return
		}
		obj := &v1alpha1.Object{}
		if err := json.Unmarshal(we.Object, obj); err != nil {
			w.fail(fmt.Errorf("watch %s: decode %s event: %w", p, we.Type, err))
			return
		}
		select {
		case w.events <- v1alpha1.Event{Type: we.Type, Object: obj}:
		case <-ctx.Done():
			return
		}
	}
}

func (w *Watch) fail(err error) {
	w.mu.Lock()
	w.err = err
	w.mu.Unlock()
}
