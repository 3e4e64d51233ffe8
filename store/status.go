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
// StatusMinInterval.
func (s *Store) Flush() error {
	return s.flush(true)
}

// flush commits the queued status writes. Unless forced, an object whose
// status was stored less than StatusMinInterval ago keeps its patches queued
// for a later flush, where they still coalesce: a flood of status changes
// costs one write per object per interval, not one per flush.
func (s *Store) flush(force bool) error {
	batch := s.takeDue(force)
	if len(batch) == 0 {
		return nil
	}
	if err := s.checkQuota(); err != nil {
		// Logged once per episode, not at every flush.
		if !s.statusDropping.Swap(true) {
			s.log.Warn("queued status writes are dropped until there is space again", "objects", len(batch), "err", err)
		}
		return nil
	}
	if s.statusDropping.Swap(false) {
		s.log.Info("queued status writes are stored again")
	}

	keys := slices.SortedFunc(maps.Keys(batch), func(a, b objKey) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.name, b.name))
	})
	return s.Txn(false, func(tx *Tx) error {
		for _, k := range keys {
			if err := applyPatches(tx, k, batch[k]); err != nil && !errors.Is(err, ErrNotFound) {
				s.log.Warn("queued status write dropped", "object", k.kind+"/"+k.name, "err", err)
			}
		}
		return nil
	})
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

// takeDue removes from the queue the patches of objects due for a write,
// and records them as written now.
func (s *Store) takeDue(force bool) map[objKey]map[string]StatusPatch {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	now := s.opts.now()
	batch := map[objKey]map[string]StatusPatch{}
	for k, p := range s.pending {
		if !force && now.Sub(s.lastStatus[k]) < s.opts.StatusMinInterval {
			continue
		}
		batch[k] = p
		delete(s.pending, k)
		s.lastStatus[k] = now
	}
	// Forget objects idle for an interval, so the map stays as small as the
	// set of objects whose status changes.
	for k, t := range s.lastStatus {
		if now.Sub(t) >= s.opts.StatusMinInterval && s.pending[k] == nil && batch[k] == nil {
			delete(s.lastStatus, k)
		}
	}
	return batch
}
