package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Past the quota, writes fail with ErrNoSpace while deletes and compaction
// still work; once they freed space, writes succeed again.
func TestQuotaRefusesWritesButNotDeletesOrCompaction(t *testing.T) {
	const quota = 512 << 10
	s, _ := openTest(t, Options{QuotaBytes: quota})
	spec := `{"pad":"` + strings.Repeat("q", 2000) + `"}`
	n := 0
	var err error
	for ; n < 10000; n++ {
		if _, err = s.Create(obj("Charger", fmt.Sprintf("ch-%04d", n), spec)); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrNoSpace) || !strings.Contains(err.Error(), "database space exceeded") {
		t.Fatalf("after %d creates: %v, want ErrNoSpace", n, err)
	}
	t.Logf("quota %d hit after %d objects, %d bytes in use", quota, n, s.SpaceInUse())
	if _, err := s.Update(obj("Charger", "ch-0000", `{"changed":true}`)); !errors.Is(err, ErrNoSpace) {
		t.Errorf("update past the quota = %v, want ErrNoSpace", err)
	}
	s.QueueStatus("Charger", "ch-0000", []byte(`{"phase":"x"}`))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if o, _ := s.Get("Charger", "ch-0000"); o.Status != nil {
		t.Errorf("status written past the quota: %s", o.Status)
	}
	for i := range n {
		if _, err := s.Delete("Charger", fmt.Sprintf("ch-%04d", i), ""); err != nil {
			t.Fatalf("delete %d past the quota: %v", i, err)
		}
	}
	if err := s.Compact(s.Revision()); err != nil {
		t.Fatalf("compaction past the quota: %v", err)
	}
	if used := s.SpaceInUse(); used > quota {
		t.Fatalf("%d bytes still in use after deleting everything and compacting", used)
	}
	if _, err := s.Create(obj("Charger", "again", spec)); err != nil {
		t.Fatalf("write after freeing space: %v", err)
	}
}

func TestWatchFromFutureRevisionFails(t *testing.T) {
	s, _ := openTest(t, Options{})
	if _, err := s.Create(obj("Charger", "a", `{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Watch(context.Background(), WatchOptions{Revision: 2}); !errors.Is(err, ErrFutureRevision) {
		t.Fatalf("watch from revision 2 of a store at 1 = %v, want ErrFutureRevision", err)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 1})
	if err != nil {
		t.Fatalf("watch from the current revision: %v", err)
	}
	w.Stop()
}

// A flood of status changes to one object is stored at most once per
// StatusMinInterval, and the latest change is the one kept.
func TestStatusFloodCoalescesPerObject(t *testing.T) {
	clock := time.Unix(1_700_000_000, 0)
	s, _ := openTest(t, Options{StatusFlushInterval: time.Hour, now: func() time.Time { return clock }})
	if _, err := s.Create(obj("Charger", "a", `{}`)); err != nil {
		t.Fatal(err)
	}
	start := s.Revision()
	for i := range 100 {
		s.QueueStatus("Charger", "a", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err := s.flush(false); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(100 * time.Millisecond) // 10 s in all
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	writes := s.Revision() - start
	if writes > 11 {
		t.Errorf("100 status changes over 10 s took %d writes, want at most 11 (one per second)", writes)
	}
	if o, _ := s.Get("Charger", "a"); string(o.Status) != `{"n":99}` {
		t.Errorf("stored status %s, want the last change", o.Status)
	}
	t.Logf("100 status changes in 10 s: %d writes", writes)
}

// However young its events, the log never keeps more than CompactMaxEvents.
func TestCompactByPolicyCapsTheLog(t *testing.T) {
	s, _ := openTest(t, Options{CompactKeepEvents: 5, CompactKeepAge: time.Hour, CompactMaxEvents: 20})
	for i := range 50 {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("c-%d", i), `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	rev, err := s.CompactByPolicy()
	if err != nil || rev != 30 {
		t.Fatalf("compacted to %d (%v), want 30: 50 events, at most 20 kept", rev, err)
	}
}
