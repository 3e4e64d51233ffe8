package controllers

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

// calls records reconciles per name and answers from a script.
type calls struct {
	mu     sync.Mutex
	counts map[string]int
	order  []string
	answer func(name string, n int) (Result, error) // n = 1 for the first call
}

func newCalls(answer func(name string, n int) (Result, error)) *calls {
	if answer == nil {
		answer = func(string, int) (Result, error) { return Result{}, nil }
	}
	return &calls{counts: map[string]int{}, answer: answer}
}

func (c *calls) Reconcile(_ context.Context, name string) (Result, error) {
	c.mu.Lock()
	c.counts[name]++
	c.order = append(c.order, name)
	n := c.counts[name]
	c.mu.Unlock()
	return c.answer(name, n)
}

func (c *calls) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[name]
}

func waitCount(t *testing.T, c *calls, name string, n int) {
	t.Helper()
	testutil.Eventually(t, waitTimeout, fmt.Sprintf("%d reconciles of %s", n, name), func() string {
		if got := c.count(name); got < n {
			return fmt.Sprintf("%d reconciles", got)
		}
		return ""
	})
}

// startManager runs m until the test ends and checks that Run returns nil.
func startManager(t *testing.T, m *Manager) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v", err)
			}
		case <-time.After(waitTimeout):
			t.Error("manager did not stop")
		}
	})
}

func TestManagerCleanShutdownLeavesNoGoroutines(t *testing.T) {
	st := openStore(t, store.Options{})
	before := runtime.NumGoroutine()

	m := NewManager(st, testLogger(t))
	chargers := newCalls(func(string, int) (Result, error) { return Result{RequeueAfter: time.Hour}, nil })
	templates := newCalls(func(string, int) (Result, error) { return Result{}, errors.New("always failing") })
	for _, c := range []*Controller{
		NewController("charger", "Charger", chargers, ControllerOptions{Workers: 3}),
		NewController("template", "Template", templates, ControllerOptions{Workers: 2}),
	} {
		if err := m.Add(c); err != nil {
			t.Fatal(err)
		}
	}
	m.Controllers()[0].Watches("Template", func(*v1alpha1.Object) []string { return []string{"c1"} })
	mustCreate(t, st, "Charger", "c1", nil)
	mustCreate(t, st, "Template", "t1", nil)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	waitCount(t, chargers, "c1", 1)
	waitCount(t, templates, "t1", 2) // failing: retried with backoff, a timer pending
	if runtime.NumGoroutine() <= before {
		t.Fatal("manager started no goroutines; the leak check below would prove nothing")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run() = %v, want nil after cancel", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return after cancel")
	}
	// Run returned only after its own goroutines exited; the store's watcher
	// goroutines end on the same cancellation and may need a moment.
	testutil.Eventually(t, waitTimeout, "goroutines to return to the baseline", func() string {
		if n := runtime.NumGoroutine(); n > before {
			return fmt.Sprintf("%d goroutines, %d before Run", n, before)
		}
		return ""
	})
	if err := m.Run(context.Background()); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Run() = %v, want ErrStarted", err)
	}
	if err := m.Add(NewController("late", "Bus", newCalls(nil), ControllerOptions{})); !errors.Is(err, ErrStarted) {
		t.Fatalf("Add after Run = %v, want ErrStarted", err)
	}
}

func TestControllerRetriesWithBackoffThenForgets(t *testing.T) {
	st := openStore(t, store.Options{})
	clock := NewFakeClock(time.Unix(0, 0))
	r := newCalls(func(_ string, n int) (Result, error) {
		if n <= 3 {
			return Result{}, fmt.Errorf("attempt %d: device timeout", n)
		}
		return Result{}, nil
	})
	c := NewController("charger", "Charger", r, ControllerOptions{Clock: clock})
	m := NewManager(st, testLogger(t))
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "Charger", "c1", nil)
	startManager(t, m)

	// Each failure waits for its own backoff; only moving the clock past it
	// brings the next attempt.
	for attempt, backoff := range []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond} {
		waitCount(t, r, "c1", attempt+1)
		testutil.Eventually(t, waitTimeout, "backoff timer", func() string {
			if s := c.Stats(); s.Waiting != 1 {
				return fmt.Sprintf("stats %+v", s)
			}
			return ""
		})
		if got := c.queue.NumRequeues("c1"); got != attempt+1 {
			t.Fatalf("after attempt %d NumRequeues = %d", attempt+1, got)
		}
		clock.Step(backoff)
	}
	waitCount(t, r, "c1", 4)
	testutil.Eventually(t, waitTimeout, "success to reset the backoff", func() string {
		s := c.Stats()
		if n := c.queue.NumRequeues("c1"); n != 0 || s.Waiting != 0 || s.Reconciles != 4 || s.Errors != 3 {
			return fmt.Sprintf("NumRequeues %d, stats %+v", n, s)
		}
		return ""
	})
}

func TestControllerTerminalErrorIsNotRetried(t *testing.T) {
	st := openStore(t, store.Options{})
	clock := NewFakeClock(time.Unix(0, 0))
	r := newCalls(func(string, int) (Result, error) {
		return Result{}, TerminalError(errors.New("spec cannot work"))
	})
	c := NewController("charger", "Charger", r, ControllerOptions{Clock: clock})
	m := NewManager(st, testLogger(t))
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "Charger", "c1", nil)
	startManager(t, m)
	waitCount(t, r, "c1", 1)
	testutil.Eventually(t, waitTimeout, "the terminal failure to be recorded", func() string {
		if s := c.Stats(); s.Errors != 1 {
			return fmt.Sprintf("stats %+v", s)
		}
		return ""
	})
	if s := c.Stats(); s.Waiting != 0 || s.Queued != 0 || c.queue.NumRequeues("c1") != 0 || clock.Pending() != 0 {
		t.Fatalf("terminal error was scheduled for retry: stats %+v, timers %d", s, clock.Pending())
	}
	// A new spec is the way out: it triggers a fresh reconcile.
	mustUpdate(t, st, "Charger", "c1", map[string]any{"fixed": true})
	waitCount(t, r, "c1", 2)
}

func TestControllerRecoversPanicAndRequeuesAfter(t *testing.T) {
	st := openStore(t, store.Options{})
	clock := NewFakeClock(time.Unix(0, 0))
	r := newCalls(func(_ string, n int) (Result, error) {
		if n == 1 {
			panic("nil map somewhere")
		}
		return Result{RequeueAfter: time.Minute}, nil
	})
	c := NewController("charger", "Charger", r, ControllerOptions{Clock: clock})
	m := NewManager(st, testLogger(t))
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, st, "Charger", "c1", nil)
	startManager(t, m)
	waitCount(t, r, "c1", 1)
	testutil.Eventually(t, waitTimeout, "panic turned into a retry", func() string {
		if s := c.Stats(); s.Errors != 1 || s.Waiting != 1 {
			return fmt.Sprintf("stats %+v", s)
		}
		return ""
	})
	clock.Step(DefaultBaseDelay)
	waitCount(t, r, "c1", 2)
	testutil.Eventually(t, waitTimeout, "RequeueAfter timer", func() string {
		if s := c.Stats(); s.Waiting != 1 || c.queue.NumRequeues("c1") != 0 {
			return fmt.Sprintf("stats %+v", s)
		}
		return ""
	})
	clock.Step(time.Minute)
	waitCount(t, r, "c1", 3)
}

func TestControllerWatchesMapsOtherKinds(t *testing.T) {
	st := openStore(t, store.Options{})
	m := NewManager(st, testLogger(t))
	r := newCalls(nil)
	c := NewController("charger", "Charger", r, ControllerOptions{Workers: 2})
	// Chargers are named after the template they use plus "-ch".
	c.Watches("Template", func(obj *v1alpha1.Object) []string { return []string{obj.Metadata.Name + "-ch"} })
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	startManager(t, m)
	testutil.Eventually(t, waitTimeout, "template informer synced", func() string {
		if !m.Informer("Template").HasSynced() {
			return "not synced"
		}
		return ""
	})
	mustCreate(t, st, "Template", "t1", nil)
	waitCount(t, r, "t1-ch", 1)
	mustCreate(t, st, "Charger", "c9", nil)
	waitCount(t, r, "c9", 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if slices.Contains(r.order, "t1") {
		t.Fatalf("a Template name was enqueued to the Charger controller: %v", r.order)
	}
}

// TestControllerNeverRunsANameTwiceAtOnce drives many events for a few names
// through several workers and checks exclusivity at the Reconciler.
func TestControllerNeverRunsANameTwiceAtOnce(t *testing.T) {
	st := openStore(t, store.Options{})
	var mu sync.Mutex
	active := map[string]bool{}
	overlap := false
	r := newCalls(func(name string, _ int) (Result, error) {
		mu.Lock()
		overlap = overlap || active[name]
		active[name] = true
		mu.Unlock()
		runtime.Gosched()
		mu.Lock()
		active[name] = false
		mu.Unlock()
		return Result{}, nil
	})
	c := NewController("charger", "Charger", r, ControllerOptions{Workers: 4})
	m := NewManager(st, testLogger(t))
	if err := m.Add(c); err != nil {
		t.Fatal(err)
	}
	startManager(t, m)
	for i := range 3 {
		mustCreate(t, st, "Charger", fmt.Sprintf("c%d", i), nil)
	}
	for v := range 30 {
		mustUpdate(t, st, "Charger", fmt.Sprintf("c%d", v%3), map[string]any{"v": v})
	}
	testutil.Eventually(t, waitTimeout, "queue to drain", func() string {
		if s := c.Stats(); s.Queued+s.Processing > 0 || r.count("c2") == 0 {
			return fmt.Sprintf("stats %+v", s)
		}
		return ""
	})
	mu.Lock()
	defer mu.Unlock()
	if overlap {
		t.Fatal("a name was reconciled by two workers at once")
	}
}
