package metrics

// bounds are a histogram's bucket upper bounds, in rising order. Every
// histogram of the package has twelve, so that a histogram's counts are a
// fixed array rather than a slice of its own.
type bounds [12]float64

// histogram counts observations per bucket (not cumulative; the last
// counts what is above every bound), with their sum and count. It is what
// a histogram vector keeps per series, without the series' labels, locks
// and exemplars; collect turns it into a const histogram at scrape time.
type histogram struct {
	bounds *bounds
	counts [len(bounds{}) + 1]uint64
	count  uint64
	sum    float64
}

func (h *histogram) observe(v float64) {
	i := 0
	for i < len(h.bounds) && v > h.bounds[i] {
		i++
	}
	h.counts[i]++
	h.count++
	h.sum += v
}

// buckets are the cumulative counts by upper bound, as a const histogram
// takes them.
func (h *histogram) buckets() map[float64]uint64 {
	out := make(map[float64]uint64, len(h.bounds))
	var n uint64
	for i, le := range h.bounds {
		n += h.counts[i]
		out[le] = n
	}
	return out
}

// increment adds one to (*m)[k], making the map on first use: a series
// that never counted anything keeps no map.
func increment[K comparable](m *map[K]uint64, k K) {
	if *m == nil {
		*m = map[K]uint64{}
	}
	(*m)[k]++
}
