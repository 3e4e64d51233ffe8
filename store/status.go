package store

import (
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// QueueStatus queues a status write. Only the latest status per object is
// kept; the flusher commits all queued statuses in one transaction and skips
// the ones that did not change. A status for an object that no longer exists
// is dropped.
func (s *Store) QueueStatus(kind, name string, status json.RawMessage) {
	s.pmu.Lock()
	s.pending[objKey{kind, name}] = append(json.RawMessage(nil), status...)
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
	s.pending = map[objKey]json.RawMessage{}
	s.pmu.Unlock()

	keys := make([]objKey, 0, len(batch))
	for k := range batch {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind < keys[j].kind
		}
		return keys[i].name < keys[j].name
	})
	return s.Txn(false, func(tx *Tx) error {
		for _, k := range keys {
			obj := &v1alpha1.Object{Kind: k.kind, Metadata: v1alpha1.ObjectMeta{Name: k.name}, Status: batch[k]}
			if _, err := tx.UpdateStatus(obj); err != nil && !errors.Is(err, ErrNotFound) {
				s.log.Warn("queued status write dropped", "object", k.kind+"/"+k.name, "err", err)
			}
		}
		return nil
	})
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
