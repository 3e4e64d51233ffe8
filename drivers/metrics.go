package drivers

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
)

// Collector is implemented by an Opener that has metrics: Collect sends
// the current value of each series it keeps, of the families its
// protocol declares in Protocol.Metrics and of no other (gwd's registry
// does not check a metric against the declared descriptors; a pedantic
// registry does, and tests use one).
//
// It is a prometheus.Collector without Describe. A Prometheus registry asks
// a collector to describe itself when the collector is registered, at
// gwd's start, but an Opener is made only with the first device of its
// protocol; so the descriptors are declared in the registration, and the
// Set describes them for every registered protocol. That keeps the Set a
// checked collector, which an unchecked one (describing nothing) would not
// be: a family whose name another family holds is refused when gwd
// registers the Set, instead of clashing at a scrape.
type Collector interface {
	Collect(ch chan<- prometheus.Metric)
}

// Describe implements prometheus.Collector: the families every registered
// protocol declares, whether or not its opener is made yet.
func (s *Set) Describe(ch chan<- *prometheus.Desc) {
	registry.RLock()
	var descs []*prometheus.Desc
	for _, name := range slices.Sorted(maps.Keys(registry.m)) {
		descs = append(descs, registry.m[name].Metrics...)
	}
	registry.RUnlock()
	for _, d := range descs {
		ch <- d
	}
}

// Collect implements prometheus.Collector: the metrics of each opener made
// so far that is a Collector. A protocol whose opener is not made exports
// nothing.
func (s *Set) Collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	var cs []Collector
	for _, name := range slices.Sorted(maps.Keys(s.openers)) {
		if c, ok := s.openers[name].(Collector); ok {
			cs = append(cs, c)
		}
	}
	s.mu.Unlock()
	for _, c := range cs {
		c.Collect(ch)
	}
}
