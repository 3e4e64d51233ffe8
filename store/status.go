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

// Flush commits the queued status writes now.
func (s *Store) Flush() error {
	return s.flush()
}

func (s *Store) flush() error {
	s.pmu.Lock()
	if len(s.pending) == 0 {
		s.pmu.Unlock()
		return nil
	}
	batch := s.pending
	s.pending = map[objKey]map[string]StatusPatch{}
	s.pmu.Unlock()

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
			if err := s.flush(); err != nil {
				s.log.Error("status flush failed", "err", err)
			}
		}
	}
}
