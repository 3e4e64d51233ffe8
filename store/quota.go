package store

import (
	"fmt"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// DefaultQuotaBytes is the quota when Options.QuotaBytes is 0: 2 GiB, as
// etcd's default backend quota. It is far above what a gateway of hundreds
// of chargers stores (tens of MB), so reaching it means runaway growth.
const DefaultQuotaBytes int64 = 2 << 30

// spaceGauge tracks the space the file uses: its size as of the last
// commit less its free pages, as etcd's SizeInUse. Free pages are reused by
// later writes, so compaction and deletes bring it down without shrinking
// the file.
//
// It also tracks the room left for writes: the file system's available
// bytes, -1 while unknown. The file's free pages do not count: bbolt often
// cannot reuse them (a value needs contiguous pages) and grows the file
// instead.
type spaceGauge struct{ inUse, room atomic.Int64 }

// measure records the space in use after a commit. size is the data size
// the transaction saw.
func (g *spaceGauge) measure(db *bolt.DB, size int64) {
	// Pending pages count as free: they are reused as soon as no reader
	// started before the commit that freed them is still open.
	g.inUse.Store(size - int64(db.Stats().FreeAlloc))
	g.room.Store(fsAvailable(db.Path()))
}

// SpaceInUse returns the bytes the store file uses, not counting free
// pages that later writes reuse.
func (s *Store) SpaceInUse() int64 { return s.space.inUse.Load() }

// checkQuota fails with ErrNoSpace when the store is past its quota, or
// when the disk is nearly full: the last DiskReserveBytes are kept so that
// deletes and compaction, which also need pages, still work. Only
// writes that add data call it: deletes and compaction must still work to
// bring the store back under the quota.
func (s *Store) checkQuota() error {
	if r := s.opts.DiskReserveBytes; r > 0 {
		room := s.space.room.Load()
		if room >= 0 && room < r {
			// Space may have been freed since the last commit.
			room = fsAvailable(s.path)
			s.space.room.Store(room)
		}
		if room >= 0 && room < r {
			return fmt.Errorf("%w: %d bytes left on the file system of %s, %d are kept for deletes and compaction; free disk space (or delete objects and run gwd defrag), then writes resume",
				ErrNoSpace, room, s.path, r)
		}
	}
	q := s.opts.QuotaBytes
	if q < 0 {
		return nil
	}
	if used := s.SpaceInUse(); used > q {
		return fmt.Errorf("%w: %d bytes in use, quota %d (--store-quota); delete objects or lower the event retention, then writes resume",
			ErrNoSpace, used, q)
	}
	return nil
}

// measureSpace reads the space in use from the file, at Open.
func (s *Store) measureSpace() {
	var size int64
	if err := s.view(func(tx *bolt.Tx) error { size = tx.Size(); return nil }); err == nil {
		s.space.measure(s.db, size)
	}
}
