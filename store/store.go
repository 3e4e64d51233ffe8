package store

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	bolt "go.etcd.io/bbolt"
)

// Options tune a Store. The zero value gives the defaults.
type Options struct {
	// NoSync skips fsync. Only for tests and benchmarks: a crash loses writes.
	NoSync bool
	// StatusFlushInterval is how often queued status writes are committed.
	StatusFlushInterval time.Duration
	// CompactKeepEvents and CompactKeepAge bound the event log: compaction
	// keeps at least this many events and every event younger than this.
	CompactKeepEvents int
	CompactKeepAge    time.Duration
	// CompactMaxEvents caps the log whatever the age of its events, so a
	// flood of writes cannot keep CompactKeepAge of them: 0 means 100,000;
	// negative, no cap.
	CompactMaxEvents int
	// CompactInterval is how often the log is compacted; negative disables it.
	CompactInterval time.Duration
	// WatchBuffer is the number of undelivered events a watcher may lag by
	// before it is closed and must resume from its last revision.
	WatchBuffer int
	// BookmarkInterval is the idle time after which a watcher that asked for
	// bookmarks gets one.
	BookmarkInterval time.Duration
	Logger           *slog.Logger
	// EncryptionKey (KeySize random bytes) seals the objects of
	// SealedKinds at rest. Without it, such objects stored in plain JSON
	// before encryption existed are still read, but every write of one
	// fails with ErrNoKey and a sealed one fails Open.
	EncryptionKey []byte
	// SealedKinds are the kinds whose objects (and their events) are sealed
	// with EncryptionKey, gwd's Secrets (v1alpha1.SealedKinds). None by
	// default: the store learns nothing about particular kinds.
	SealedKinds []string
	// Init allows a 0-byte file to be replaced by a new, empty store. Without
	// it such a file fails Open with ErrEmptyFile.
	Init bool
	// QuotaBytes bounds the space the file uses (its size less its free
	// pages). Past it, writes fail with ErrNoSpace while deletes and
	// compaction still work. 0 means DefaultQuotaBytes; negative, no quota.
	QuotaBytes int64
	// DiskReserveBytes is the free disk space kept for deletes and
	// compaction: with less available, writes fail with ErrNoSpace. 0 means
	// 32 MiB; negative, no reserve.
	DiskReserveBytes int64
	// StatusMinInterval is the least time between two stored status writes
	// of one object: a flood of status changes coalesces into one write per
	// interval. 0 means one second.
	StatusMinInterval time.Duration
	// CheckInlineBytes is the largest file whose full consistency check
	// runs before Open returns. A larger file is opened once its meta pages
	// and objects read cleanly, and its full check runs in the background:
	// damage found then marks the store unhealthy, as damage met at run
	// time does. 0 means 256 MiB; negative, always before Open returns.
	CheckInlineBytes int64
	// LockWait is how long Open waits for the file lock another process
	// holds, saying so in the log: a gwd restarted right after a stop waits
	// for the old one to close the store. 0 means 30 s.
	LockWait time.Duration
	// Observer learns each write transaction's duration, for metrics; nil:
	// none.
	Observer Observer
	// now is replaced in tests of age-based compaction.
	now func() time.Time
}

func (o *Options) setDefaults() {
	if o.StatusFlushInterval <= 0 {
		o.StatusFlushInterval = 200 * time.Millisecond
	}
	if o.CompactKeepEvents <= 0 {
		o.CompactKeepEvents = 10000
	}
	if o.CompactKeepAge <= 0 {
		o.CompactKeepAge = time.Hour
	}
	if o.CompactMaxEvents == 0 {
		o.CompactMaxEvents = 100_000
	}
	if o.CompactInterval == 0 {
		o.CompactInterval = time.Minute
	}
	if o.WatchBuffer <= 0 {
		o.WatchBuffer = 1024
	}
	if o.BookmarkInterval <= 0 {
		o.BookmarkInterval = 30 * time.Second
	}
	if o.QuotaBytes == 0 {
		o.QuotaBytes = DefaultQuotaBytes
	}
	if o.DiskReserveBytes == 0 {
		o.DiskReserveBytes = 32 << 20
	}
	if o.StatusMinInterval <= 0 {
		o.StatusMinInterval = time.Second
	}
	if o.LockWait <= 0 {
		o.LockWait = 30 * time.Second
	}
	if o.CheckInlineBytes == 0 {
		o.CheckInlineBytes = 256 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.now == nil {
		o.now = time.Now
	}
}

// Store is the embedded resource store. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	opts   Options
	log    *slog.Logger
	sealer *sealer
	sealed kindSet // kinds sealed at rest

	// wmu serialises writers so that commit, cache update and publication
	// happen in revision order (bbolt runs OnCommit after releasing its lock).
	wmu sync.Mutex

	// cmu guards the cache and the revisions; readers never wait for fsync.
	cmu        sync.RWMutex
	cache      map[string]map[string]*v1alpha1.Object // kind → name → object; never mutated in place
	rev        int64
	compactRev int64
	closed     bool

	watchers map[*Watcher]struct{} // guarded by wmu

	pmu     sync.Mutex
	pending map[objKey]map[string]StatusPatch // queued status writes, by owner

	// lastStatus is when each object's status was last stored, so that a
	// flood coalesces to one write per StatusMinInterval. Guarded by pmu.
	lastStatus map[objKey]time.Time
	// commits are the status commits FlushObject callers wait on. Guarded by pmu.
	commits statusCommits

	space spaceGauge
	// compactions counts compactions that dropped events, for Stats.
	compactions atomic.Uint64
	// statusDropping is set while status writes are refused for space.
	statusDropping atomic.Bool

	// hmu guards unhealthy: the ErrCorrupt met at run time, if any.
	hmu       sync.Mutex
	unhealthy error
	// checking is true while the open check runs in the background.
	checking atomic.Bool

	stop      chan struct{}
	done      sync.WaitGroup
	closeOnce sync.Once
}

type objKey struct{ kind, name string }

// Open opens or creates the store file at path and starts its background
// status flusher and compactor.
func Open(path string, opts Options) (*Store, error) {
	opts.setDefaults()
	seal, err := newSealer(opts.EncryptionKey)
	if err != nil {
		return nil, err
	}
	checkLater := opts.CheckInlineBytes >= 0 && fileSize(path) > opts.CheckInlineBytes
	db, err := openBolt(path, opts.NoSync, opts.Init, !checkLater, opts.LockWait, opts.Logger)
	if err != nil {
		return nil, err
	}
	s := &Store{
		db:         db,
		path:       path,
		opts:       opts,
		sealer:     seal,
		sealed:     newKindSet(opts.SealedKinds),
		log:        opts.Logger,
		cache:      map[string]map[string]*v1alpha1.Object{},
		watchers:   map[*Watcher]struct{}{},
		pending:    map[objKey]map[string]StatusPatch{},
		lastStatus: map[objKey]time.Time{},
		commits:    statusCommits{next: map[objKey]*commit{}, taken: map[objKey]*commit{}},
		stop:       make(chan struct{}),
	}
	if err := s.view(s.load); err != nil {
		db.Close()
		return nil, fmt.Errorf("load store %s: %w", path, err)
	}
	s.measureSpace()
	if err := s.checkQuota(); err != nil {
		s.log.Warn("the store is out of space: writes fail until objects are deleted or disk space is freed", "err", err)
	}
	s.done.Add(1)
	go s.flushLoop()
	if checkLater {
		s.checking.Store(true)
		s.done.Add(1)
		go s.checkInBackground()
	}
	if opts.CompactInterval > 0 {
		s.done.Add(1)
		go s.compactLoop()
	}
	return s, nil
}

func (s *Store) load(tx *bolt.Tx) error {
	s.rev = int64(tx.Bucket(bucketEvents).Sequence())
	s.compactRev = readCompactRev(tx)
	return tx.Bucket(bucketObjects).ForEachBucket(func(kind []byte) error {
		m := map[string]*v1alpha1.Object{}
		err := tx.Bucket(bucketObjects).Bucket(kind).ForEach(func(name, v []byte) error {
			o, err := s.decodeObject(string(kind), string(name), v)
			if err != nil {
				return err
			}
			m[string(name)] = o
			return nil
		})
		s.cache[string(kind)] = m
		return err
	})
}

// Close flushes queued status writes, ends every watch and closes the file.
// Writes after Close fail with ErrClosed.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.close() })
	return err
}

func (s *Store) close() error {
	close(s.stop)
	s.done.Wait()
	flushErr := s.flush(true)
	s.wmu.Lock()
	s.cmu.Lock()
	s.closed = true
	s.cmu.Unlock()
	for w := range s.watchers {
		w.close(ErrClosed)
		delete(s.watchers, w)
	}
	s.wmu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return flushErr
}

// Revision returns the latest committed global revision.
func (s *Store) Revision() int64 {
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return s.rev
}

// CompactedRevision returns the revision up to which events were dropped.
// A watch must start at or above it.
func (s *Store) CompactedRevision() int64 {
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return s.compactRev
}

// Get returns a copy of the named object.
func (s *Store) Get(kind, name string) (*v1alpha1.Object, error) {
	s.cmu.RLock()
	o := s.cache[kind][name]
	s.cmu.RUnlock()
	if o == nil {
		return nil, errorf(ErrNotFound, "%s %q", kind, name)
	}
	return o.DeepCopy(), nil
}

// List returns copies of every object of kind, sorted by name, and the
// revision they were read at: a watch from that revision misses nothing.
func (s *Store) List(kind string) ([]*v1alpha1.Object, int64) {
	s.cmu.RLock()
	out := make([]*v1alpha1.Object, 0, len(s.cache[kind]))
	for _, o := range s.cache[kind] {
		out = append(out, o.DeepCopy())
	}
	rev := s.rev
	s.cmu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Metadata.Name < out[j].Metadata.Name })
	return out, rev
}
