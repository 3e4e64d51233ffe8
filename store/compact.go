package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// compactBatch bounds the deletes of one compaction transaction so the writer
// lock is never held for long.
const compactBatch = 1000

// Compact drops every event at or below rev. Watches from below rev then fail
// with ErrCompacted. Objects are untouched.
func (s *Store) Compact(rev int64) error {
	before := s.CompactedRevision()
	defer func() {
		if s.CompactedRevision() > before {
			s.compactions.Add(1)
		}
	}()
	for {
		done, err := s.compactStep(rev)
		if err != nil || done {
			return err
		}
	}
}

// compactStep deletes up to compactBatch events at or below rev and advances
// the compacted revision. It reports whether nothing is left to delete.
func (s *Store) compactStep(rev int64) (bool, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.isClosed() {
		return true, ErrClosed
	}
	if cur := s.Revision(); rev > cur {
		rev = cur
	}
	done := false
	var newCompact, size int64
	err := s.update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		size = tx.Size()
		old := readCompactRev(tx)
		if rev <= old {
			done, newCompact = true, old
			return nil
		}
		c := tx.Bucket(bucketEvents).Cursor()
		n := 0
		last := old
		for k, _ := c.First(); k != nil && int64(keyU64(k)) <= rev && n < compactBatch; k, _ = c.Next() {
			last = int64(keyU64(k))
			if err := c.Delete(); err != nil {
				return fmt.Errorf("delete event %d: %w", last, err)
			}
			n++
		}
		if n < compactBatch {
			last, done = rev, true
		}
		newCompact = last
		return meta.Put(keyCompactRev, u64Key(uint64(last)))
	})
	if err != nil {
		return true, fmt.Errorf("store: compact to %d: %w", rev, err)
	}
	s.space.measure(s.db, size)
	s.cmu.Lock()
	s.compactRev = newCompact
	s.cmu.Unlock()
	return done, nil
}

// compactTarget returns the highest revision the policy allows dropping: the
// log keeps the newest CompactKeepEvents events and every event younger than
// CompactKeepAge, but never more than CompactMaxEvents events.
func (s *Store) compactTarget() (int64, error) {
	target, err := s.ageTarget()
	if limit := int64(s.opts.CompactMaxEvents); limit > 0 && err == nil {
		target = max(target, s.Revision()-limit)
	}
	return target, err
}

// ageTarget is the keep-by-count-and-age part of compactTarget.
func (s *Store) ageTarget() (int64, error) {
	rev := s.Revision()
	byCount := rev - int64(s.opts.CompactKeepEvents)
	if byCount <= s.CompactedRevision() {
		return 0, nil
	}
	cutoff := s.opts.now().Add(-s.opts.CompactKeepAge).UnixNano()
	var target int64
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r := int64(keyU64(k))
			if r > byCount {
				break
			}
			var rec struct {
				Time int64 `json:"ts"`
			}
			if err := json.Unmarshal(v, &rec); err != nil {
				return fmt.Errorf("decode event %d: %w", r, err)
			}
			if rec.Time >= cutoff {
				break
			}
			target = r
		}
		return nil
	})
	return target, err
}

// CompactByPolicy compacts the log as far as the keep policy allows and
// returns the new compacted revision.
func (s *Store) CompactByPolicy() (int64, error) {
	target, err := s.compactTarget()
	if err != nil {
		return 0, fmt.Errorf("store: compaction target: %w", err)
	}
	if target > 0 {
		if err := s.Compact(target); err != nil {
			return 0, err
		}
	}
	return s.CompactedRevision(), nil
}

func (s *Store) compactLoop() {
	defer s.done.Done()
	t := time.NewTicker(s.opts.CompactInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if rev, err := s.CompactByPolicy(); err != nil {
				s.log.Error("event log compaction failed", "err", err)
			} else {
				s.log.Debug("event log compacted", "compactedRevision", rev)
			}
		}
	}
}
