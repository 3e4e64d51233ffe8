package controllers

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// step is one operation on a queue in a table-driven invariant test.
type step struct {
	op   string // add, get, done, len, shutdown, getShutdown
	key  string
	want int // for len
}

func TestQueueInvariants(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"fifo", []step{
			{op: "add", key: "a"}, {op: "add", key: "b"}, {op: "add", key: "c"},
			{op: "get", key: "a"}, {op: "get", key: "b"}, {op: "get", key: "c"}, {op: "len", want: 0},
		}},
		{"added many times before processing runs once", []step{
			{op: "add", key: "a"}, {op: "add", key: "b"}, {op: "add", key: "a"}, {op: "add", key: "a"},
			{op: "len", want: 2}, {op: "get", key: "a"}, {op: "get", key: "b"}, {op: "len", want: 0},
		}},
		{"re-add keeps the first position", []step{
			{op: "add", key: "a"}, {op: "add", key: "b"}, {op: "add", key: "a"},
			{op: "get", key: "a"}, {op: "get", key: "b"},
		}},
		{"not handed out while processing", []step{
			{op: "add", key: "a"}, {op: "get", key: "a"}, {op: "add", key: "a"}, {op: "len", want: 0},
			{op: "done", key: "a"}, {op: "len", want: 1}, {op: "get", key: "a"}, {op: "done", key: "a"}, {op: "len", want: 0},
		}},
		{"many re-adds while processing schedule one more run", []step{
			{op: "add", key: "a"}, {op: "get", key: "a"},
			{op: "add", key: "a"}, {op: "add", key: "a"}, {op: "add", key: "a"},
			{op: "done", key: "a"}, {op: "len", want: 1}, {op: "get", key: "a"}, {op: "done", key: "a"}, {op: "len", want: 0},
		}},
		{"done without re-add does not requeue", []step{
			{op: "add", key: "a"}, {op: "get", key: "a"}, {op: "done", key: "a"}, {op: "len", want: 0},
		}},
		{"other keys flow while one is processing", []step{
			{op: "add", key: "a"}, {op: "get", key: "a"}, {op: "add", key: "b"}, {op: "add", key: "a"},
			{op: "get", key: "b"}, {op: "done", key: "a"}, {op: "get", key: "a"},
		}},
		{"re-added key goes behind keys added meanwhile", []step{
			{op: "add", key: "a"}, {op: "get", key: "a"}, {op: "add", key: "a"}, {op: "add", key: "b"},
			{op: "done", key: "a"}, {op: "get", key: "b"}, {op: "get", key: "a"},
		}},
		{"shutdown drains queued keys then reports shutdown", []step{
			{op: "add", key: "a"}, {op: "add", key: "b"}, {op: "shutdown"}, {op: "add", key: "c"},
			{op: "len", want: 2}, {op: "get", key: "a"}, {op: "get", key: "b"}, {op: "getShutdown"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQueue(QueueOptions{Clock: NewFakeClock(time.Unix(0, 0))})
			for i, s := range tt.steps {
				runStep(t, q, i, s)
			}
		})
	}
}

func runStep(t *testing.T, q *Queue, i int, s step) {
	t.Helper()
	switch s.op {
	case "add":
		q.Add(s.key)
	case "done":
		q.Done(s.key)
	case "shutdown":
		q.ShutDown()
	case "len":
		if got := q.Len(); got != s.want {
			t.Fatalf("step %d: Len() = %d, want %d", i, got, s.want)
		}
	case "get", "getShutdown":
		key, shutdown := getWithin(t, q)
		if s.op == "getShutdown" {
			if !shutdown {
				t.Fatalf("step %d: Get() = %q, want shutdown", i, key)
			}
			return
		}
		if shutdown || key != s.key {
			t.Fatalf("step %d: Get() = %q, shutdown=%v; want %q", i, key, shutdown, s.key)
		}
	default:
		t.Fatalf("step %d: unknown op %q", i, s.op)
	}
}

// getWithin calls Get but fails instead of hanging when nothing arrives.
func getWithin(t *testing.T, q *Queue) (string, bool) {
	t.Helper()
	type res struct {
		key      string
		shutdown bool
	}
	ch := make(chan res, 1)
	go func() {
		k, s := q.Get()
		ch <- res{k, s}
	}()
	select {
	case r := <-ch:
		return r.key, r.shutdown
	case <-time.After(10 * time.Second):
		q.ShutDown() // release the goroutine
		t.Fatal("Get blocked although a key or shutdown was expected")
		return "", false
	}
}

func TestQueueGetBlocksUntilAdd(t *testing.T) {
	q := NewQueue(QueueOptions{})
	got := make(chan string, 1)
	go func() {
		k, _ := q.Get()
		got <- k
	}()
	q.Add("late")
	select {
	case k := <-got:
		if k != "late" {
			t.Fatalf("Get() = %q, want late", k)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Get did not wake up on Add")
	}
}

func TestQueueShutDownWakesBlockedGet(t *testing.T) {
	q := NewQueue(QueueOptions{})
	done := make(chan bool, 1)
	go func() {
		_, shutdown := q.Get()
		done <- shutdown
	}()
	q.ShutDown()
	select {
	case shutdown := <-done:
		if !shutdown {
			t.Fatal("Get returned a key from an empty queue after ShutDown")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ShutDown did not wake a blocked Get")
	}
}

func TestQueueAddAfter(t *testing.T) {
	start := time.Unix(1000, 0)
	tests := []struct {
		name     string
		delays   []time.Duration // successive AddAfter("a", d)
		notReady time.Duration   // step after which "a" must not be queued yet
		readyAt  time.Duration   // total time after which it must be
	}{
		{"single delay", []time.Duration{time.Second}, 999 * time.Millisecond, time.Second},
		{"earlier time wins", []time.Duration{5 * time.Second, time.Second}, 999 * time.Millisecond, time.Second},
		{"later time does not postpone", []time.Duration{time.Second, 5 * time.Second}, 999 * time.Millisecond, time.Second},
		{"zero delay is immediate", []time.Duration{0}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewFakeClock(start)
			q := NewQueue(QueueOptions{Clock: clock})
			for _, d := range tt.delays {
				q.AddAfter("a", d)
			}
			if tt.readyAt > 0 {
				clock.Step(tt.notReady)
				if q.Len() != 0 {
					t.Fatalf("ready after %v, want only after %v", tt.notReady, tt.readyAt)
				}
			}
			clock.Step(tt.readyAt - tt.notReady)
			if q.Len() != 1 {
				t.Fatalf("Len() = %d after %v, want 1", q.Len(), tt.readyAt)
			}
			// The superseded timer must not add the key a second time.
			key, _ := getWithin(t, q)
			q.Done(key)
			clock.Step(time.Hour)
			if q.Len() != 0 {
				t.Fatalf("key queued again by a stale timer")
			}
			if n := clock.Pending(); n != 0 {
				t.Fatalf("%d timers left pending", n)
			}
		})
	}
}

func TestQueueShutDownCancelsDelayed(t *testing.T) {
	clock := NewFakeClock(time.Unix(0, 0))
	q := NewQueue(QueueOptions{Clock: clock})
	q.AddAfter("a", time.Second)
	q.AddRateLimited("b")
	q.ShutDown()
	if n := clock.Pending(); n != 0 {
		t.Fatalf("ShutDown left %d timers pending", n)
	}
	q.AddAfter("c", time.Second)
	clock.Step(time.Minute)
	if q.Len() != 0 {
		t.Fatalf("Len() = %d after ShutDown, want 0", q.Len())
	}
}

func TestQueueBackoffSchedule(t *testing.T) {
	q := NewQueue(QueueOptions{})
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 5 * time.Millisecond},
		{1, 10 * time.Millisecond},
		{2, 20 * time.Millisecond},
		{10, 5120 * time.Millisecond},
		{15, 163840 * time.Millisecond},
		{16, 5 * time.Minute}, // 327.68 s, capped
		{1000, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := q.backoff(tt.failures); got != tt.want {
			t.Errorf("backoff(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

// TestQueueAddRateLimited drives the real AddRateLimited/Forget path with a
// fake clock: each failure doubles the wait, Forget resets it, keys are independent.
func TestQueueAddRateLimited(t *testing.T) {
	clock := NewFakeClock(time.Unix(0, 0))
	q := NewQueue(QueueOptions{Clock: clock})
	expectReadyAfter := func(key string, d time.Duration) {
		t.Helper()
		q.AddRateLimited(key)
		clock.Step(d - time.Nanosecond)
		if q.Len() != 0 {
			t.Fatalf("%s ready before its %v backoff", key, d)
		}
		clock.Step(time.Nanosecond)
		got, _ := getWithin(t, q)
		if got != key {
			t.Fatalf("Get() = %q, want %q", got, key)
		}
		q.Done(got)
	}
	expectReadyAfter("a", 5*time.Millisecond)
	expectReadyAfter("a", 10*time.Millisecond)
	expectReadyAfter("a", 20*time.Millisecond)
	expectReadyAfter("b", 5*time.Millisecond) // a's failures do not slow b down
	if n := q.NumRequeues("a"); n != 3 {
		t.Fatalf("NumRequeues(a) = %d, want 3", n)
	}
	q.Forget("a")
	if n := q.NumRequeues("a"); n != 0 {
		t.Fatalf("NumRequeues(a) after Forget = %d, want 0", n)
	}
	expectReadyAfter("a", 5*time.Millisecond)
}

// TestQueueConcurrent hammers the queue from several producers and workers and
// checks the two promises that matter under load: a key is never processed by
// two workers at once, and no add is lost (the last add of every key is
// followed by a run that started after it).
func TestQueueConcurrent(t *testing.T) {
	const (
		keys      = 16
		producers = 4
		workers   = 4
		adds      = 2000
	)
	q := NewQueue(QueueOptions{})
	var version [keys]atomic.Int64 // bumped before every Add
	var seen [keys]atomic.Int64    // version observed at the start of the latest run
	var mu sync.Mutex
	inFlight := map[string]bool{}
	var overlaps, runs atomic.Int64

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				key, shutdown := q.Get()
				if shutdown {
					return
				}
				runs.Add(1)
				var idx int
				fmt.Sscanf(key, "k%d", &idx)
				seen[idx].Store(version[idx].Load())
				mu.Lock()
				if inFlight[key] {
					overlaps.Add(1)
				}
				inFlight[key] = true
				mu.Unlock()
				if rand.IntN(4) == 0 {
					time.Sleep(time.Microsecond) // let re-adds land while processing
				}
				mu.Lock()
				inFlight[key] = false
				mu.Unlock()
				q.Done(key)
			}
		}()
	}
	var pwg sync.WaitGroup
	for range producers {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			for range adds {
				idx := rand.IntN(keys)
				version[idx].Add(1)
				q.Add(fmt.Sprintf("k%d", idx))
			}
		}()
	}
	pwg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ready, processing, _ := q.counts()
		if ready == 0 && processing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("queue did not drain: %d ready, %d processing", ready, processing)
		}
		time.Sleep(time.Millisecond)
	}
	q.ShutDown()
	wg.Wait()

	if n := overlaps.Load(); n != 0 {
		t.Errorf("%d runs overlapped with a run of the same key", n)
	}
	for i := range keys {
		if v, s := version[i].Load(), seen[i].Load(); v > 0 && s != v {
			t.Errorf("key k%d: last add was version %d, last run started at version %d (lost add)", i, v, s)
		}
	}
	t.Logf("%d adds collapsed into %d runs", producers*adds, runs.Load())
}
