package store

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

type commitCounter struct{ n atomic.Int64 }

func (c *commitCounter) Committed(time.Duration) { c.n.Add(1) }

// TestStats checks the figures the metrics read: one Observer call per
// write transaction, live watchers, and compactions that dropped events.
func TestStats(t *testing.T) {
	cc := &commitCounter{}
	s, _ := openTest(t, Options{Observer: cc})
	base := cc.n.Load()
	for _, name := range []string{"a", "b", "c"} {
		if _, err := s.Create(obj("Charger", name, `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if got := cc.n.Load() - base; got != 3 {
		t.Errorf("Observer heard %d commits for 3 creates", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w1, err := s.Watch(ctx, WatchOptions{Revision: s.Revision()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Watch(ctx, WatchOptions{Revision: s.Revision()}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Watchers != 2 || st.Revision != s.Revision() {
		t.Errorf("stats %+v, want 2 watchers at revision %d", st, s.Revision())
	}
	w1.Stop()
	if st := s.Stats(); st.Watchers != 1 {
		t.Errorf("%d watchers after one stopped, want 1", st.Watchers)
	}
	if err := s.Compact(s.Revision() - 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(s.Revision() - 1); err != nil { // nothing left to drop
		t.Fatal(err)
	}
	if st := s.Stats(); st.Compactions != 1 || st.CompactedRevision != s.Revision()-1 {
		t.Errorf("stats %+v after one compaction that dropped events", st)
	}
}
