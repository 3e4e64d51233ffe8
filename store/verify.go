package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// maxCheckErrors bounds how many consistency problems the open check
// collects: a few name the damage; a badly damaged file has thousands.
const maxCheckErrors = 5

// RestoreHint is what the operator does about a damaged store file. It is
// part of every ErrCorrupt and ErrEmptyFile error.
const RestoreHint = "stop gwd, move the file aside and restore your latest backup with " +
	"`gwd restore --data-dir DIR BACKUP`; " +
	"or start gwd with --init to begin with an empty store, losing every object in it"

// corruptError words a damaged file: which file, what is wrong, what to do.
func corruptError(path string, cause any) error {
	return &Error{Sentinel: ErrCorrupt, Detail: fmt.Sprintf("%s: %v", path, cause), Hint: RestoreHint}
}

// checkEmpty refuses a 0-byte file unless init allows replacing it: bbolt
// would silently initialise it, and a client resuming at its old revision
// would then wait forever on a store that restarted at revision 0.
func checkEmpty(path string, init bool) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 0 {
		return nil // a missing file is created; other errors surface in bolt.Open
	}
	if !init {
		return &Error{Sentinel: ErrEmptyFile, Detail: path + " has 0 bytes where a store was", Hint: RestoreHint}
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("replace empty store %s: %w", path, err)
	}
	return nil
}

// openChecked opens the file with bbolt, which validates both meta pages,
// and turns any panic on a damaged file into ErrCorrupt.
func openChecked(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, corruptError(path, fmt.Sprintf("unreadable: %v", r))
		}
	}()
	return bolt.Open(path, 0o600, o)
}

// checkConsistency walks every page reachable from the current meta page:
// branch, leaf and overflow pages, the freelist, and no page used twice or
// lost. A problem found is ErrCorrupt naming the first few. It runs in a
// read transaction when nothing writes to db meanwhile.
func checkConsistency(db *bolt.DB, path string) error {
	return checkIn(db.View, path)
}

// errRollback ends a read-write transaction that only looked.
var errRollback = errors.New("rollback")

// checkIn runs the check in a transaction begun by run. bbolt's check reads
// the shared freelist, which writers change, so with writers about it must
// run in a read-write transaction (bbolt's Tx.Check doc), rolled back.
func checkIn(run func(func(*bolt.Tx) error) error, path string) error {
	var problems []string
	err := guard(func() error {
		return run(func(tx *bolt.Tx) error {
			if int64(tx.Size()) > fileSize(path) {
				problems = append(problems, fmt.Sprintf("file is %d bytes but its meta page says %d: truncated", fileSize(path), tx.Size()))
				return nil
			}
			for err := range tx.Check() {
				if len(problems) < maxCheckErrors {
					problems = append(problems, err.Error())
				}
			}
			if tx.Writable() {
				return errRollback
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errRollback) {
		return corruptError(path, err)
	}
	if len(problems) > 0 {
		return corruptError(path, "consistency check failed: "+strings.Join(problems, "; "))
	}
	return nil
}

// checkInBackground runs the full consistency check of a file too large to
// check before serving: reads, watches and /healthz are answered meanwhile,
// and writes wait for it, since it holds bbolt's write transaction. Damage
// found marks the store unhealthy: writes are refused and readiness turns
// false, as for damage met at run time. Close waits for the check, which
// bbolt cannot interrupt.
func (s *Store) checkInBackground() {
	defer s.done.Done()
	defer s.checking.Store(false)
	start := time.Now()
	s.log.Info("checking the store file in the background; writes wait for it", "file", s.path, "bytes", fileSize(s.path))
	err := checkIn(s.db.Update, s.path)
	if err == nil {
		s.log.Info("store file checked: consistent", "file", s.path, "took", time.Since(start).Round(time.Millisecond))
		return
	}
	s.markDamaged(err)
}

// markDamaged records the first damage found: from then on writes fail
// with it and readiness is false.
func (s *Store) markDamaged(err error, args ...any) {
	s.hmu.Lock()
	if s.unhealthy == nil {
		s.unhealthy = err
	}
	s.hmu.Unlock()
	s.log.Error("store damaged; writes are refused from now on", append([]any{"err", err}, args...)...)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// panicError is a panic recovered from bbolt: it met a damaged page.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("bbolt panicked: %v", e.value) }

// guard runs fn and turns a panic raised in bbolt into an error: bbolt
// panics on some damaged pages, and one request must fail, not the whole
// process. A fault reading the mapped file (a file truncated under it)
// becomes such a panic too. A panic anywhere else is a bug in the caller
// and is raised again.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if !raisedInBbolt() {
				panic(r)
			}
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return fn()
}

// raisedInBbolt reports whether the panic being recovered was raised in
// bbolt's code: the first frame below the runtime's panic machinery. Called
// from the deferred function, so the panicking frames are still on the stack.
func raisedInBbolt() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") {
			return strings.HasPrefix(f.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
}

// view and update are the store's only ways into bbolt after Open: a panic
// in a damaged page fails this call, marks the store unhealthy and is
// logged with what to do.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.guarded("read", func() error { return s.db.View(fn) })
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	if err := s.Healthy(); err != nil {
		return err
	}
	return s.timed(func() error { return s.guarded("write", func() error { return s.db.Update(fn) }) })
}

func (s *Store) guarded(op string, fn func() error) error {
	err := guard(fn)
	var pe *panicError
	if !errors.As(err, &pe) {
		return err
	}
	cerr := corruptError(s.path, fmt.Sprintf("a %s met a damaged page: %v", op, pe.value))
	s.markDamaged(cerr, "stack", string(pe.stack))
	return cerr
}

// Writable returns nil when a write would be taken now: the store is
// sound, its open check has ended, and it has space. Otherwise it says why.
// It is the store's readiness.
func (s *Store) Writable() error {
	if err := s.Healthy(); err != nil {
		return err
	}
	if s.Checking() {
		return fmt.Errorf("the store file %s is still being checked; writes wait for it", s.path)
	}
	return s.checkQuota()
}

// Checking reports whether the background check of a large file at open
// is still running: the store is not ready for writes yet.
func (s *Store) Checking() bool { return s.checking.Load() }

// Healthy returns nil while the store works, and the ErrCorrupt error once
// a damaged page was met: from then on every write fails with it, while
// reads from the cache still answer. A readiness check reports it.
func (s *Store) Healthy() error {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	return s.unhealthy
}

// bbolt's meta page layout: after the 16-byte page header, magic, version,
// page size, flags, root bucket (16), freelist, pgid, txid, then an FNV-64a
// checksum of the 56 bytes before it.
const (
	metaMagic    = 0xED0CDAED
	pageHeader   = 16
	metaSumStart = 56
)

// damagedMetaPages returns which of the file's two meta pages fail their
// checksum. bbolt opens a file with one good meta page, falling back to the
// transaction before: right after a torn write at power loss, but a lost
// acknowledged write when the page rotted, so the operator is told.
func damagedMetaPages(path string) []int {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	psize := os.Getpagesize()
	buf := make([]byte, pageHeader+metaSumStart+8)
	var bad []int
	for i := range 2 {
		if _, err := f.ReadAt(buf, int64(i*psize)); err != nil || !validMeta(buf[pageHeader:]) {
			bad = append(bad, i)
			continue
		}
		if i == 0 {
			psize = int(binary.LittleEndian.Uint32(buf[pageHeader+8:]))
		}
	}
	return bad
}

func validMeta(m []byte) bool {
	if binary.LittleEndian.Uint32(m) != metaMagic {
		return false
	}
	h := fnv.New64a()
	h.Write(m[:metaSumStart])
	return h.Sum64() == binary.LittleEndian.Uint64(m[metaSumStart:])
}
