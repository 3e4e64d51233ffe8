package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// StatusPatch computes an object's new status from its current one. It runs
// inside the flush transaction, so it sees what other writers stored since
// the patch was queued and never undoes their fields.
type StatusPatch func(current json.RawMessage) (json.RawMessage, error)

// QueueStatus queues a write that replaces the whole status. Only the latest
// per object is kept; see QueueStatusPatch.
func (s *Store) QueueStatus(kind, name string, status json.RawMessage) {
	status = append(json.RawMessage(nil), status...)
	s.QueueStatusPatch(kind, name, "", func(json.RawMessage) (json.RawMessage, error) { return status, nil })
}

// QueueStatusPatch queues a status change by one owner (a controller, a
// poller) of some of an object's status fields. Only the latest patch per
// object and owner is kept; the flusher applies every object's patches in
// owner order to the stored status in one transaction and skips the objects
// whose status did not change. A patch for an object that no longer exists
// is dropped, and so is one that fails (it is logged).
func (s *Store) QueueStatusPatch(kind, name, owner string, patch StatusPatch) {
	k := objKey{kind, name}
	s.pmu.Lock()
	if s.pending[k] == nil {
		s.pending[k] = map[string]StatusPatch{}
	}
	s.pending[k][owner] = patch
	s.pmu.Unlock()
}

// Flush commits every queued status write now, regardless of
// StatusMinInterval. A write refused for space is dropped and logged, not
// returned; FlushObject returns it.
func (s *Store) Flush() error {
	return s.flush(true)
}

// FlushObject makes the object's queued status patches durable, for a
// writer that must not answer before what it queued is stored, and returns
// once they are committed and readable, or with the error that kept them
// from the file (ErrNoSpace past the quota, ErrNotFound if the object is
// gone). Like a group commit, it honours StatusMinInterval: it waits for the
// object's next allowed write, at most the interval, and every caller for
// the object meanwhile shares that one write. A client that waits for each
// answer before it asks again thus costs one write per object per interval,
// however fast it asks. Objects due by then are written in the same commit.
func (s *Store) FlushObject(kind, name string) error {
	k := objKey{kind, name}
	s.pmu.Lock()
	// The caller's patches may have been taken by the last flush of the
	// object, still in flight or done.
	prev := s.commits.taken[k]
	if s.pending[k] == nil {
		s.pmu.Unlock()
		if prev == nil {
			return nil // nothing queued, or stored an interval ago
		}
		return prev.wait(k)
	}
	if prev != nil && prev.ended() {
		// It carried an earlier change, most likely: its outcome, if an
		// error, would refuse a change that this flush stores.
		prev = nil
	}
	c := s.commits.next[k]
	if c == nil {
		c = newCommit()
		s.commits.next[k] = c
	}
	wait := s.lastStatus[k].Add(s.opts.StatusMinInterval).Sub(s.opts.now())
	s.pmu.Unlock()

	timer := time.NewTimer(max(wait, 0))
	defer timer.Stop()
	select {
	case <-c.done: // the flusher or another caller wrote it
	case <-timer.C:
		if err := s.flushTaking(false, k, c); err != nil {
			s.log.Error("status flush failed", "err", err)
		}
	case <-s.stop:
		// Close flushes too, but may have done so before this was queued.
		_ = s.flush(true)
	}
	err := c.wait(k)
	if prev != nil {
		err = cmp.Or(prev.wait(k), err)
	}
	return err
}

// commit is one status flush transaction that FlushObject callers wait on.
type commit struct {
	done chan struct{}
	// err is the transaction's outcome; dropped, the objects whose patches
	// were dropped within it and why. Both are set before done is closed.
	err     error
	dropped map[objKey]error
}

func newCommit() *commit { return &commit{done: make(chan struct{})} }

func (c *commit) ended() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *commit) wait(k objKey) error {
	<-c.done
	if err := c.dropped[k]; err != nil {
		return fmt.Errorf("status of %s %q: %w", k.kind, k.name, err)
	}
	return c.err
}

// statusCommits tracks, per object, what FlushObject callers wait on.
type statusCommits struct {
	// next is the commit that will carry the object's queued patches.
	next map[objKey]*commit
	// taken is the commit that carries (or carried) the object's patches
	// taken last; it is forgotten with the object's lastStatus.
	taken map[objKey]*commit
}

// statusBatch is the patches one flush took, and the commits it ends.
type statusBatch struct {
	patches   map[objKey]map[string]StatusPatch
	own       *commit   // the commit of the objects taken
	followers []*commit // the objects' next commits, now this one
}

// flush commits the queued status writes. Unless forced, an object whose
// status was stored less than StatusMinInterval ago keeps its patches queued
// for a later flush, where they still coalesce: a flood of status changes
// costs one write per object per interval, not one per flush.
func (s *Store) flush(force bool) error {
	return s.flushTaking(force, objKey{}, nil)
}

// flushTaking is flush that also takes the object want if its queued
// patches are still those FlushObject registered c for: that caller waited
// for the object's interval already.
func (s *Store) flushTaking(force bool, want objKey, c *commit) error {
	b := s.takeDue(force, want, c)
	if len(b.patches) == 0 {
		return nil
	}
	if err := s.checkQuota(); err != nil {
		// Logged once per episode, not at every flush.
		if !s.statusDropping.Swap(true) {
			s.log.Warn("queued status writes are dropped until there is space again", "objects", len(b.patches), "err", err)
		}
		b.finish(err, nil)
		return nil
	}
	if s.statusDropping.Swap(false) {
		s.log.Info("queued status writes are stored again")
	}

	keys := slices.SortedFunc(maps.Keys(b.patches), func(a, b objKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.name, b.name))
	})
	dropped := map[objKey]error{}
	err := s.Txn(false, func(tx *Tx) error {
		clear(dropped) // bbolt does not retry, but stay right if it did
		for _, k := range keys {
			if err := applyPatches(tx, k, b.patches[k]); err != nil {
				dropped[k] = err
				if !errors.Is(err, ErrNotFound) {
					s.log.Warn("queued status write dropped", "object", k.kind+"/"+k.name, "err", err)
				}
			}
		}
		return nil
	})
	b.finish(err, dropped)
	return err
}

// finish ends the batch's commits with the flush's outcome.
func (b *statusBatch) finish(err error, dropped map[objKey]error) {
	for _, c := range append(b.followers, b.own) {
		c.err, c.dropped = err, dropped
		close(c.done)
	}
}

func applyPatches(tx *Tx, k objKey, patches map[string]StatusPatch) error {
	cur, err := tx.Get(k.kind, k.name)
	if err != nil {
		return err
	}
	status := cur.Status
	for _, owner := range slices.Sorted(maps.Keys(patches)) {
		if status, err = patches[owner](status); err != nil {
			return fmt.Errorf("status patch of %q: %w", owner, err)
		}
	}
	_, err = tx.setStatus(cur, status)
	return err
}

func (s *Store) flushLoop() {
	defer s.done.Done()
	t := time.NewTicker(s.opts.StatusFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			if err := s.flush(false); err != nil {
				s.log.Error("status flush failed", "err", err)
			}
		}
	}
}

// takeDue removes from the queue the patches of objects due for a write
// (and of want, if they are still those c waits for), and records them as
// written now.
func (s *Store) takeDue(force bool, want objKey, c *commit) *statusBatch {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	now := s.opts.now()
	b := &statusBatch{patches: map[objKey]map[string]StatusPatch{}, own: newCommit()}
	for k, p := range s.pending {
		next := s.commits.next[k]
		due := force || now.Sub(s.lastStatus[k]) >= s.opts.StatusMinInterval || (c != nil && k == want && next == c)
		if !due {
			continue
		}
		b.patches[k] = p
		delete(s.pending, k)
		s.lastStatus[k] = now
		s.commits.taken[k] = b.own
		if next != nil {
			b.followers = append(b.followers, next)
			delete(s.commits.next, k)
		}
	}
	// Forget objects idle for an interval, so the map stays as small as the
	// set of objects whose status changes.
	for k, t := range s.lastStatus {
		if now.Sub(t) >= s.opts.StatusMinInterval && s.pending[k] == nil && b.patches[k] == nil {
			delete(s.lastStatus, k)
			delete(s.commits.taken, k)
		}
	}
	return b
}
