package controllers

import (
	"sync"
	"time"
)

// Default per-key backoff of AddRateLimited.
const (
	DefaultBaseDelay = 5 * time.Millisecond
	DefaultMaxDelay  = 5 * time.Minute
)

// QueueOptions tune a Queue. The zero value gives the defaults.
type QueueOptions struct {
	Clock     Clock         // RealClock when nil
	BaseDelay time.Duration // first AddRateLimited delay, doubled per failure
	MaxDelay  time.Duration // cap of the doubling
}

// Queue is a work queue of string keys with the client-go guarantees:
//
//   - fair: keys are handed out in the order they were first added;
//   - stingy: a key added many times before a worker gets it is handed out once;
//   - exclusive: a key is never handed out while a worker still holds it (between
//     Get and Done); adding it meanwhile schedules exactly one more run after Done.
//
// On top of that it delays keys (AddAfter) and backs off failing keys
// exponentially (AddRateLimited, reset by Forget).
type Queue struct {
	clock     Clock
	baseDelay time.Duration
	maxDelay  time.Duration

	mu   sync.Mutex
	cond *sync.Cond
	// items holds the keys ready to be handed out, in order. A key is in items
	// only if it is dirty and not processing.
	items []string
	// dirty holds the keys that need a run: queued, or re-added while processing.
	dirty map[string]struct{}
	// processing holds the keys between Get and Done.
	processing map[string]struct{}
	waiting    map[string]*delayed
	failures   map[string]int
	shutdown   bool
}

// delayed is a key waiting for its AddAfter time.
type delayed struct {
	at    time.Time
	timer Timer
}

// NewQueue returns an empty queue.
func NewQueue(opts QueueOptions) *Queue {
	if opts.Clock == nil {
		opts.Clock = RealClock
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = DefaultBaseDelay
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	q := &Queue{
		clock:      opts.Clock,
		baseDelay:  opts.BaseDelay,
		maxDelay:   opts.MaxDelay,
		dirty:      map[string]struct{}{},
		processing: map[string]struct{}{},
		waiting:    map[string]*delayed{},
		failures:   map[string]int{},
	}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add marks key as needing a run. It is dropped after ShutDown.
func (q *Queue) Add(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addLocked(key)
}

func (q *Queue) addLocked(key string) {
	if q.shutdown {
		return
	}
	if _, ok := q.dirty[key]; ok {
		return
	}
	q.dirty[key] = struct{}{}
	if _, ok := q.processing[key]; ok {
		// Done puts it back; handing it out now would run it twice at once.
		return
	}
	q.items = append(q.items, key)
	q.cond.Signal()
}

// AddAfter adds key once d has passed. A key already waiting keeps the earlier
// of its two times, so repeated polls never push a due run further away.
func (q *Queue) AddAfter(key string, d time.Duration) {
	if d <= 0 {
		q.Add(key)
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shutdown {
		return
	}
	at := q.clock.Now().Add(d)
	if w, ok := q.waiting[key]; ok {
		if !at.Before(w.at) {
			return
		}
		w.timer.Stop()
	}
	w := &delayed{at: at}
	w.timer = q.clock.AfterFunc(d, func() { q.fire(key, w) })
	q.waiting[key] = w
}

// fire moves a delayed key into the queue unless a later AddAfter replaced it
// (a stopped real timer may still fire if it had already started).
func (q *Queue) fire(key string, w *delayed) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.waiting[key] != w {
		return
	}
	delete(q.waiting, key)
	q.addLocked(key)
}

// AddRateLimited adds key after its backoff: BaseDelay doubled once per call
// since the last Forget, capped at MaxDelay.
func (q *Queue) AddRateLimited(key string) {
	q.mu.Lock()
	n := q.failures[key]
	q.failures[key] = n + 1
	q.mu.Unlock()
	q.AddAfter(key, q.backoff(n))
}

func (q *Queue) backoff(failures int) time.Duration {
	d := q.baseDelay
	for range failures {
		d *= 2
		if d >= q.maxDelay {
			return q.maxDelay
		}
	}
	return min(d, q.maxDelay)
}

// Forget resets the backoff of key. It does not remove key from the queue.
func (q *Queue) Forget(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.failures, key)
}

// NumRequeues returns how many AddRateLimited calls key had since its last Forget.
func (q *Queue) NumRequeues(key string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.failures[key]
}

// Get blocks until a key is ready and hands it out; the caller must call Done
// with it. After ShutDown it still hands out the keys already queued, then
// returns shutdown=true.
func (q *Queue) Get() (key string, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.shutdown {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return "", true
	}
	key = q.items[0]
	q.items[0] = ""
	q.items = q.items[1:]
	q.processing[key] = struct{}{}
	delete(q.dirty, key)
	return key, false
}

// Done ends the run of key. If key was added during the run it is queued again.
func (q *Queue) Done(key string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, key)
	if _, ok := q.dirty[key]; ok {
		q.items = append(q.items, key)
		q.cond.Signal()
	}
}

// ShutDown makes the queue drop new keys, cancels delayed ones and wakes every
// Get; workers drain what is queued and then see shutdown=true.
func (q *Queue) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown = true
	for key, w := range q.waiting {
		w.timer.Stop()
		delete(q.waiting, key)
	}
	q.cond.Broadcast()
}

// Len returns the number of keys ready to be handed out.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// counts returns the ready, in-progress and delayed key counts in one snapshot.
func (q *Queue) counts() (ready, processing, waiting int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items), len(q.processing), len(q.waiting)
}
