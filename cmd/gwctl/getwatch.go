package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// maxRewatches bounds how often `get -w` re-watches without seeing an event in
// between, so a server that keeps failing ends the command instead of spinning.
const maxRewatches = 5

// watchSession is the state of `get -w` that outlives one watch request: where
// to resume and whether the initial objects have been shown.
type watchSession struct {
	ctx    context.Context
	o      *getOptions
	kind   v1alpha1.KindInfo
	names  map[string]bool
	cols   []column
	table  *streamTable
	rv     string
	listed bool                 // the initial-events-end bookmark has arrived
	held   []*v1alpha1.Object   // initial objects, printed together so they align
	events []v1alpha1.EventType // event type per held object
}

// next is what runWatch does after one watch request.
type next int

const (
	done      next = iota // the command ends
	resume                // the server ended the stream (it is stopping): watch again from the last revision
	rewatch               // the watch expired (410): resume or re-list; counts towards giving up
	reconnect             // the server could not be reached or failed: wait, then watch again
)

// maxBackoff bounds the wait between attempts to reach a server that is
// down, e.g. while gwd restarts.
const maxBackoff = 5 * time.Second

// runWatch prints the current objects and then every change until the
// context is cancelled (SIGINT/SIGTERM) or a real error. Like a retrying
// watcher, it resumes from the last revision seen when the stream ends or
// the server goes away and comes back (a gwd restart), and re-lists when
// that revision is gone.
func (o *getOptions) runWatch(ctx context.Context) error {
	ref := o.refs[0]
	s := &watchSession{ctx: ctx, o: o, kind: ref.kind, names: map[string]bool{}, cols: columnsFor(ref.kind.Kind, o.output == outputWide)}
	for _, n := range ref.names {
		s.names[n] = true
	}
	header := headerOf(s.cols)
	if o.watchEvents {
		header = append([]string{"EVENT"}, header...)
	}
	s.table = &streamTable{out: o.streams.Out, header: header}

	for failures, down := 0, 0; ; {
		progressed, nx, err := s.watchOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && nx != reconnect {
			return err
		}
		if progressed {
			failures, down = 0, 0
		}
		var wait time.Duration
		switch nx {
		case done:
			return nil
		case rewatch:
			if failures++; failures > maxRewatches {
				return fmt.Errorf("watch %s: gave up after %d attempts in a row that delivered no event", s.kind.Plural, failures)
			}
			wait = time.Duration(failures) * 200 * time.Millisecond
		case reconnect:
			if down++; down == 1 {
				fmt.Fprintf(s.o.streams.ErrOut, "gwctl: watch %s: %v; retrying until the server answers\n", s.kind.Plural, err)
			}
			wait = min(time.Duration(down)*500*time.Millisecond, maxBackoff)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

// watchOnce runs one watch request. It reports whether any event arrived,
// what to do next, and the error behind it.
func (s *watchSession) watchOnce(ctx context.Context) (progressed bool, nx next, err error) {
	if s.rv == "" {
		s.relist()
	}
	opts := client.WatchOptions{ResourceVersion: s.rv, LabelSelector: s.o.selector, Bookmarks: true}
	w, err := s.o.client.Watch(ctx, s.kind.Kind, opts)
	if err != nil {
		if client.IsGone(err) && s.rv != "" {
			s.rv = ""
			return false, rewatch, nil
		}
		return false, failure(err), fmt.Errorf("watch %s: %w", s.kind.Plural, err)
	}
	defer w.Stop()
	for ev := range w.Events() {
		progressed = true
		if err := s.handle(ev); err != nil {
			return progressed, done, err
		}
	}
	if ctx.Err() != nil {
		return progressed, done, nil
	}
	// The client turns an ERROR event into Err; a 410 means the server could
	// not keep up or compacted, so resume from the last revision seen.
	switch err := w.Err(); {
	case err == nil:
		return progressed, done, nil
	case errors.Is(err, client.ErrStreamEnded):
		return progressed, resume, nil
	case client.IsGone(err):
		return progressed, rewatch, nil
	default:
		return progressed, failure(err), fmt.Errorf("watch %s: %w", s.kind.Plural, err)
	}
}

// failure sorts an error: an answer the server gave on purpose (a 4xx) ends
// the command, anything else (no connection, a broken stream, a 5xx) is
// waited out.
func failure(err error) next {
	var se *client.StatusError
	if errors.As(err, &se) && se.Status.Code < 500 {
		return done
	}
	return reconnect
}

// relist forgets the resume point: the next watch starts with initial events.
func (s *watchSession) relist() {
	s.rv = ""
	s.listed = false
	s.held, s.events = nil, nil
}

func (s *watchSession) handle(ev v1alpha1.Event) error {
	if ev.Object == nil {
		return nil
	}
	rv := ev.Object.Metadata.ResourceVersion
	if ev.Type == v1alpha1.Bookmark {
		switch {
		case !s.listed && ev.Object.Metadata.Annotations[v1alpha1.InitialEventsEndAnnotation] == "true":
			s.rv = rv
			return s.endInitial()
		case s.listed && rv != "":
			s.rv = rv
		}
		return nil
	}
	if !s.listed {
		if ev.Type == v1alpha1.Added {
			// Initial objects come in name order, not revision order, so
			// their revisions are no resume point; the closing bookmark is.
			if s.wanted(ev.Object) {
				s.held = append(s.held, ev.Object)
				s.events = append(s.events, ev.Type)
			}
			return nil
		}
		// A change before the end-of-list bookmark means the server sends
		// none; show what was held rather than hold events back.
		if err := s.endInitial(); err != nil {
			return err
		}
	}
	if rv != "" {
		s.rv = rv
	}
	if !s.wanted(ev.Object) {
		return nil
	}
	return s.print([]*v1alpha1.Object{ev.Object}, []v1alpha1.EventType{ev.Type})
}

func (s *watchSession) wanted(obj *v1alpha1.Object) bool {
	return len(s.names) == 0 || s.names[obj.Metadata.Name]
}

// endInitial prints the held initial objects, unless --watch-only.
func (s *watchSession) endInitial() error {
	s.listed = true
	held, events := s.held, s.events
	s.held, s.events = nil, nil
	if s.o.watchOnly {
		return nil
	}
	// Every held object came as ADDED, so sorting them keeps events true.
	sortListed(s.kind.Kind, held, s.o.now())
	return s.print(held, events)
}

// print writes objects in the chosen format, one Write per call so each event
// shows up at once.
func (s *watchSession) print(objs []*v1alpha1.Object, types []v1alpha1.EventType) error {
	if len(objs) == 0 {
		return nil
	}
	now := s.o.now()
	switch s.o.output {
	case outputTable, outputWide:
		rows := make([][]string, len(objs))
		find := newFinder(s.ctx, s.o.root, s.o.client)
		for i, obj := range objs {
			rows[i] = rowOf(s.cols, obj, false, now, find)
			if s.o.watchEvents {
				rows[i] = append([]string{string(types[i])}, rows[i]...)
			}
		}
		return s.table.write(rows)
	}
	var b bytes.Buffer
	for i, obj := range objs {
		var v any = obj
		if s.o.watchEvents {
			v = v1alpha1.Event{Type: types[i], Object: obj}
		}
		var err error
		switch s.o.output {
		case outputYAML:
			b.WriteString("---\n")
			err = printYAML(&b, v)
		case outputJSON:
			err = printJSON(&b, v)
		case outputName:
			if s.o.watchEvents {
				fmt.Fprintf(&b, "%s ", types[i])
			}
			fmt.Fprintln(&b, resourceName(obj.Kind, obj.Metadata.Name))
		}
		if err != nil {
			return err
		}
	}
	_, err := s.o.streams.Out.Write(b.Bytes())
	return err
}
