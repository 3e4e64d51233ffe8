package controllers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler makes the world match the declared state of one named object.
// See the package documentation for the contract.
type Reconciler interface {
	Reconcile(ctx context.Context, name string) (Result, error)
}

// Result tells the controller what to do after a successful reconcile.
type Result struct {
	// RequeueAfter > 0 reconciles the name again after this long, for polling.
	// It does not count as a failure, so it never grows.
	RequeueAfter time.Duration
}

type terminalError struct{ err error }

func (e *terminalError) Error() string { return e.err.Error() }
func (e *terminalError) Unwrap() error { return e.err }

// TerminalError marks err as one that retrying cannot fix (bad input only a new
// spec can change). The controller logs it and does not requeue; the next
// change of the object triggers a new reconcile anyway. It returns nil for nil.
func TerminalError(err error) error {
	if err == nil {
		return nil
	}
	return &terminalError{err: err}
}

// IsTerminal reports whether err was marked with TerminalError.
func IsTerminal(err error) bool {
	var t *terminalError
	return errors.As(err, &t)
}

// ControllerOptions tune a Controller. The zero value gives the defaults.
type ControllerOptions struct {
	Workers int          // concurrent reconciles of distinct names; default 1
	Clock   Clock        // for the queue's delays; RealClock when nil
	Logger  *slog.Logger // the manager's logger when nil
	// OnStop runs once the manager has stopped every worker, so a
	// controller that runs goroutines of its own (device pollers, station
	// connections) ends them before the store closes.
	OnStop func()
}

// Stats is a snapshot of a controller's counters and queue.
type Stats struct {
	Reconciles uint64 // finished reconciles, successful or not
	Errors     uint64 // reconciles that returned an error or panicked
	Queued     int    // names ready for a worker
	Processing int    // names being reconciled
	Waiting    int    // names waiting for a delay or backoff
	// Filtered counts the changes of watched objects its predicates
	// dropped (status writes it did not ask for, above all).
	Filtered uint64
}

// MapFunc turns an event's object into the names to reconcile.
type MapFunc func(obj *v1alpha1.Object) []string

type watch struct {
	kind  string
	mapFn MapFunc
	preds []Predicate
}

// Controller feeds names of one kind from a work queue to a Reconciler with a
// fixed number of workers.
type Controller struct {
	name    string
	kind    string
	r       Reconciler
	workers int
	queue   *Queue
	log     *slog.Logger
	ownLog  bool // log came from the options; the manager keeps it
	watches []watch
	forPred []Predicate // filter of its own kind; nil: SpecOrMetadataChanged
	onStop  func()

	reconciles atomic.Uint64
	errors     atomic.Uint64
	filtered   atomic.Uint64

	ownMu     sync.Mutex
	ownWrites map[string]json.RawMessage // name → the status it is writing or wrote last
}

// NewController returns a controller called name that reconciles objects of
// kind. Add it to a Manager, which enqueues the name of every object of kind
// that changes.
func NewController(name, kind string, r Reconciler, opts ControllerOptions) *Controller {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	c := &Controller{
		name:    name,
		kind:    kind,
		r:       r,
		workers: opts.Workers,
		queue:   NewQueue(QueueOptions{Clock: opts.Clock}),
		onStop:  opts.OnStop,
	}
	if opts.Logger != nil {
		c.log = opts.Logger.With("controller", name)
		c.ownLog = true
	} else {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Name returns the controller's name.
func (c *Controller) Name() string { return c.name }

// Kind returns the kind the controller reconciles.
func (c *Controller) Kind() string { return c.kind }

// For sets which changes of the controller's own kind enqueue the changed
// object's name: those every one of preds passes. Without it, a change of
// spec, labels or annotations does (SpecOrMetadataChanged); a controller
// that reads its kind's status, as written by another owner, asks for it
// here. Call it before the manager runs.
func (c *Controller) For(preds ...Predicate) *Controller {
	c.forPred = preds
	return c
}

// Watches makes changes of objects of kind enqueue the names mapFn returns.
// The controller's own kind is always watched by object name; Watches on it
// adds further names (for example the children of a changed parent). Only
// changes every one of preds passes count; without preds, a change of spec,
// labels or annotations (SpecOrMetadataChanged). mapFn should only look
// names up (in an index, in labels): it runs on the informer's goroutine.
// Call it before the manager runs.
func (c *Controller) Watches(kind string, mapFn MapFunc, preds ...Predicate) *Controller {
	c.watches = append(c.watches, watch{kind: kind, mapFn: mapFn, preds: preds})
	return c
}

// UpdateStatusIfChanged is the package's UpdateStatusIfChanged for objects
// of c's kind, and it notes the status it writes, so that the change comes
// back to every other controller that asked for status writes but not to c.
// The note is taken before the write, so it holds whichever comes first,
// the store's answer or the watch event.
func (c *Controller) UpdateStatusIfChanged(st *store.Store, obj *v1alpha1.Object, s *Status) (bool, error) {
	name := obj.Metadata.Name
	return updateStatusIfChanged(st, obj, s, func(next json.RawMessage) {
		c.ownMu.Lock()
		defer c.ownMu.Unlock()
		if next == nil {
			delete(c.ownWrites, name)
			return
		}
		if c.ownWrites == nil {
			c.ownWrites = map[string]json.RawMessage{}
		}
		c.ownWrites[name] = next
	})
}

// ownWrite reports whether ch is the change c's own last status write
// made: a change of nothing but the status, to what c wrote. It forgets
// the note then.
func (c *Controller) ownWrite(ch Change) bool {
	if ch.Type != v1alpha1.Modified || ch.Old == nil || SpecOrMetadataChanged(ch) {
		return false
	}
	name := ch.Object.Metadata.Name
	c.ownMu.Lock()
	defer c.ownMu.Unlock()
	next, ok := c.ownWrites[name]
	if !ok || !bytes.Equal(next, ch.Object.Status) {
		return false
	}
	delete(c.ownWrites, name)
	return true
}

// passes reports whether every one of preds (or, with none, the default
// filter) passes ch, and counts what it drops.
func (c *Controller) passes(preds []Predicate, ch Change) bool {
	if len(preds) == 0 {
		preds = []Predicate{SpecOrMetadataChanged}
	}
	for _, p := range preds {
		if !p(ch) {
			c.filtered.Add(1)
			return false
		}
	}
	return true
}

// Enqueue asks for a reconcile of name.
func (c *Controller) Enqueue(name string) { c.queue.Add(name) }

// Stats returns the controller's counters.
func (c *Controller) Stats() Stats {
	ready, processing, waiting := c.queue.counts()
	return Stats{
		Reconciles: c.reconciles.Load(),
		Errors:     c.errors.Load(),
		Queued:     ready,
		Processing: processing,
		Waiting:    waiting,
		Filtered:   c.filtered.Load(),
	}
}

// start launches the workers; each exits when the queue shuts down.
func (c *Controller) start(ctx context.Context, wg *sync.WaitGroup) {
	for range c.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.processNext(ctx) {
			}
		}()
	}
}

// processNext runs one queued name and reports whether the worker should go on.
func (c *Controller) processNext(ctx context.Context) bool {
	name, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	// Done even on panic, or the name would stay "processing" forever.
	defer c.queue.Done(name)
	if ctx.Err() != nil {
		// Draining after shutdown: acting with a cancelled context would only
		// produce errors. The next start re-lists and reconciles everything.
		return true
	}
	res, err := c.reconcile(ctx, name)
	c.reconciles.Add(1)
	switch {
	case err == nil:
		// Success resets the backoff, so the next failure starts at BaseDelay.
		c.queue.Forget(name)
		if res.RequeueAfter > 0 {
			c.queue.AddAfter(name, res.RequeueAfter)
		}
	case IsTerminal(err):
		c.errors.Add(1)
		c.queue.Forget(name)
		c.log.Error("reconcile failed, not retrying", "name", name, "err", err)
	default:
		c.errors.Add(1)
		// Backoff per name: one flaky device must not slow down the others.
		c.queue.AddRateLimited(name)
		c.logRetry(name, err)
	}
	return true
}

func (c *Controller) logRetry(name string, err error) {
	level := slog.LevelError
	if errors.Is(err, store.ErrConflict) || errors.Is(err, context.Canceled) {
		// Expected under concurrent writers: the newer state is already queued.
		level = slog.LevelDebug
	}
	c.log.Log(context.Background(), level, "reconcile failed, retrying", "name", name, "err", err,
		"retries", c.queue.NumRequeues(name))
}

// reconcile calls the reconciler and turns a panic into an error, so one bad
// object cannot take the daemon down.
func (c *Controller) reconcile(ctx context.Context, name string) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reconcile %s %q panicked: %v\n%s", c.kind, name, p, debug.Stack())
		}
	}()
	return c.r.Reconcile(ctx, name)
}

// Reconciler returns the controller's reconciler.
func (c *Controller) Reconciler() Reconciler { return c.r }
