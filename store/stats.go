package store

import "time"

// Observer learns how long each write transaction took, fsync included.
// It is called with the writer lock held, so it must not block.
type Observer interface {
	Committed(took time.Duration)
}

// Stats are the store's figures for monitoring.
type Stats struct {
	Revision, CompactedRevision int64
	// Watchers is the number of open watches.
	Watchers int
	// Compactions counts the compactions that dropped events since Open.
	Compactions uint64
	// SpaceInUse is the file's size less its free pages, in bytes.
	SpaceInUse int64
}

// Stats returns the store's current figures.
func (s *Store) Stats() Stats {
	// A stopped watcher stays in the map until the next publish drops it;
	// it is not counted.
	watchers := 0
	s.wmu.Lock()
	for w := range s.watchers {
		select {
		case <-w.stopped:
		default:
			watchers++
		}
	}
	s.wmu.Unlock()
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return Stats{Revision: s.rev, CompactedRevision: s.compactRev, Watchers: watchers,
		Compactions: s.compactions.Load(), SpaceInUse: s.SpaceInUse()}
}

// timed runs a write and tells the Observer how long it took.
func (s *Store) timed(write func() error) error {
	if s.opts.Observer == nil {
		return write()
	}
	start := time.Now()
	err := write()
	s.opts.Observer.Committed(time.Since(start))
	return err
}
