package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// setField is a status patch by one owner: it sets its own field to n.
func setField(field string, n int) StatusPatch {
	return func(cur json.RawMessage) (json.RawMessage, error) {
		m := map[string]int{}
		if len(cur) > 0 {
			if err := json.Unmarshal(cur, &m); err != nil {
				return nil, err
			}
		}
		m[field] = n
		return json.Marshal(m)
	}
}

// Writers that each wait for their status to be durable before they go on,
// as a station answering a CSMS does, share one write per object per
// interval; each returns only once its own change is stored.
func TestFlushObjectSharesOneWritePerInterval(t *testing.T) {
	const interval = 100 * time.Millisecond
	s, _ := openTest(t, Options{StatusFlushInterval: time.Hour, StatusMinInterval: interval})
	for _, name := range []string{"a", "b"} {
		if _, err := s.Create(obj("Charger", name, `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	start, began := s.Revision(), time.Now()
	var calls atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		name := []string{"a", "b"}[w%2]
		field := fmt.Sprintf("w%d", w)
		wg.Go(func() {
			for n := 1; time.Since(began) < time.Second; n++ {
				s.QueueStatusPatch("Charger", name, field, setField(field, n))
				if err := s.FlushObject("Charger", name); err != nil {
					t.Errorf("%s: %v", field, err)
					return
				}
				calls.Add(1)
				o, _ := s.Get("Charger", name)
				var m map[string]int
				if err := json.Unmarshal(o.Status, &m); err != nil || m[field] < n {
					t.Errorf("%s: FlushObject returned before change %d was stored: status %s", field, n, o.Status)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	writes := s.Revision() - start
	t.Logf("%d durable status changes on 2 objects in %v: %d writes", calls.Load(), elapsed.Round(time.Millisecond), writes)
	// Per object, at most one write per interval of the elapsed time.
	if limit := 2 * (int64(elapsed/interval) + 1); writes > limit {
		t.Errorf("%d writes, want at most %d: one per object per %v", writes, limit, interval)
	}
	if writes >= calls.Load() {
		t.Errorf("%d writes for %d changes: nothing was shared", writes, calls.Load())
	}
}

// A durable status write that cannot be stored says why: past the quota,
// or for an object that is gone. It is never reported as done.
func TestFlushObjectReportsWhatKeptItFromTheFile(t *testing.T) {
	const quota = 512 << 10
	s, _ := openTest(t, Options{QuotaBytes: quota, StatusMinInterval: 50 * time.Millisecond})
	if _, err := s.Create(obj("Charger", "gone", `{}`)); err != nil {
		t.Fatal(err)
	}
	s.QueueStatus("Charger", "gone", []byte(`{"n":1}`))
	if _, err := s.Delete("Charger", "gone", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushObject("Charger", "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("durable status of a deleted object = %v, want ErrNotFound", err)
	}

	spec := `{"pad":"` + strings.Repeat("q", 2000) + `"}`
	var err error
	for n := 0; err == nil && n < 10000; n++ {
		_, err = s.Create(obj("Charger", fmt.Sprintf("ch-%04d", n), spec))
	}
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("filling the store: %v, want ErrNoSpace", err)
	}
	s.QueueStatus("Charger", "ch-0000", []byte(`{"phase":"x"}`))
	if err := s.FlushObject("Charger", "ch-0000"); !errors.Is(err, ErrNoSpace) {
		t.Errorf("durable status past the quota = %v, want ErrNoSpace", err)
	}
	if o, _ := s.Get("Charger", "ch-0000"); o.Status != nil {
		t.Errorf("status written past the quota: %s", o.Status)
	}
	// The flusher took the patch first and dropped it: the caller still
	// learns why.
	s.QueueStatus("Charger", "ch-0001", []byte(`{"phase":"y"}`))
	if err := s.flush(false); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushObject("Charger", "ch-0001"); !errors.Is(err, ErrNoSpace) {
		t.Errorf("durable status dropped by the flusher past the quota = %v, want ErrNoSpace", err)
	}
	// Nothing queued: nothing to wait for.
	if err := s.FlushObject("Charger", "ch-0002"); err != nil {
		t.Errorf("with nothing queued: %v", err)
	}
}

// A caller waiting for its object's interval when the store closes gets
// the close's outcome, not a hang.
func TestFlushObjectEndsAtClose(t *testing.T) {
	s, _ := openTest(t, Options{StatusFlushInterval: time.Hour, StatusMinInterval: time.Hour})
	if _, err := s.Create(obj("Charger", "a", `{}`)); err != nil {
		t.Fatal(err)
	}
	s.QueueStatus("Charger", "a", []byte(`{"n":1}`))
	if err := s.FlushObject("Charger", "a"); err != nil {
		t.Fatal(err) // the first write is due at once
	}
	s.QueueStatus("Charger", "a", []byte(`{"n":2}`))
	done := make(chan error, 1)
	go func() { done <- s.FlushObject("Charger", "a") }()
	time.Sleep(50 * time.Millisecond) // let it wait for the hour
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("FlushObject at close = %v, want nil or ErrClosed", err)
	}
}
