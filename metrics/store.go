package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// commitBuckets span a commit on fast flash (under a millisecond) to an
// SD card's fsync stall (seconds).
var commitBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

// StoreStats is what a scrape reads from the store.
type StoreStats struct {
	Revision, CompactedRevision int64
	Watchers                    int
	// Compactions counts compactions that dropped events.
	Compactions uint64
	// SpaceInUseBytes is the file's size less its free pages.
	SpaceInUseBytes int64
}

// Store is the store's handle. Its Committed makes it a store.Observer.
type Store struct {
	commit prometheus.Histogram

	mu    sync.Mutex
	stats func() StoreStats
}

var (
	storeRevision = newDesc("store", "revision",
		"The store's current revision: it grows by one with every write.")
	storeCompacted = newDesc("store", "compacted_revision",
		"The revision up to which the event log was compacted.")
	storeWatchers = newDesc("store", "watchers",
		"Open watches on the store (controllers' informers and API watches).")
	storeCompactions = newDesc("store", "compactions_total",
		"Compactions of the event log that dropped events.")
	storeSpace = newDesc("store", "space_in_use_bytes",
		"Space the store file uses: its size less its free pages.")
)

func newStore() *Store {
	return &Store{commit: prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: fullName("store", "commit_duration_seconds"),
		Help: "Time one write transaction took, fsync included.", Buckets: commitBuckets,
	})}
}

// Committed records one write transaction's duration.
func (s *Store) Committed(took time.Duration) {
	if s == nil {
		return
	}
	s.commit.Observe(took.Seconds())
}

// WatchStore makes each scrape read f (the store's Stats).
func (s *Store) WatchStore(f func() StoreStats) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.stats = f
	s.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (s *Store) Describe(ch chan<- *prometheus.Desc) {
	s.commit.Describe(ch)
	for _, d := range []*prometheus.Desc{storeRevision, storeCompacted, storeWatchers, storeCompactions, storeSpace} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (s *Store) Collect(ch chan<- prometheus.Metric) {
	s.commit.Collect(ch)
	s.mu.Lock()
	f := s.stats
	s.mu.Unlock()
	if f == nil {
		return
	}
	st := f()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	gauge(storeRevision, float64(st.Revision))
	gauge(storeCompacted, float64(st.CompactedRevision))
	gauge(storeWatchers, float64(st.Watchers))
	gauge(storeSpace, float64(st.SpaceInUseBytes))
	ch <- counter(storeCompactions, st.Compactions)
}
