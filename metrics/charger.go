package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// pollBuckets span a fast Modbus TCP poll (milliseconds) to an RS-485 line
// retrying units that do not answer (tens of seconds).
var pollBuckets = bounds{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

var (
	pollDurationDesc = newDesc("charger", "poll_duration_seconds",
		"Time one poll of a charger's device took, answered or not.", "charger", "protocol")
	pollFailuresDesc = newDesc("charger", "poll_failures_total",
		"Polls that did not read every required value, by cause (NotResponding, DeviceError, MalformedAnswer).", "charger", "cause")
	reachableDesc = newDesc("charger", "device_reachable",
		"1 while the charger's device answers its polls (DeviceReachable True), else 0.", "charger")
	commandsDesc = newDesc("charger", "commands_total",
		"Device commands run, by command and outcome (Done, Rejected, Unsupported, Timeout, Failed).", "charger", "command", "outcome")
)

// Charger is the charger controller's handle: polls, reachability and
// device commands per charger. Each charger's counters are plain fields of its own series, under
// the handle's lock, turned into metrics when scraped, as a station's are
// (Station): a poll costs one map lookup, not a labelled series lookup
// per metric.
type Charger struct {
	mu     sync.Mutex
	byName map[string]*chargerSeries
}

// chargerSeries is what one charger has recorded.
type chargerSeries struct {
	polls        map[string]*histogram // by protocol
	failures     map[string]uint64     // by cause
	reachable    float64
	reachableSet bool
	commands     map[[2]string]uint64 // by command and outcome
}

func newCharger() *Charger { return &Charger{byName: map[string]*chargerSeries{}} }

// seriesLocked is the charger's series, made on first use.
func (c *Charger) seriesLocked(charger string) *chargerSeries {
	s := c.byName[charger]
	if s == nil {
		s = &chargerSeries{}
		c.byName[charger] = s
	}
	return s
}

// Polled records one poll: how long it took and, when it failed, why
// (cause ""; the poll read everything required).
func (c *Charger) Polled(charger, protocol string, took time.Duration, cause string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.seriesLocked(charger)
	h := s.polls[protocol]
	if h == nil {
		if s.polls == nil {
			s.polls = map[string]*histogram{}
		}
		h = &histogram{bounds: &pollBuckets}
		s.polls[protocol] = h
	}
	h.observe(took.Seconds())
	if cause != "" {
		increment(&s.failures, cause)
	}
}

// SetReachable records whether the charger's device answers.
func (c *Charger) SetReachable(charger string, reachable bool) {
	if c == nil {
		return
	}
	v := 0.0
	if reachable {
		v = 1
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.seriesLocked(charger)
	s.reachable, s.reachableSet = v, true
}

// CommandDone counts one device command by its outcome.
func (c *Charger) CommandDone(charger, command, outcome string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	increment(&c.seriesLocked(charger).commands, [2]string{command, outcome})
}

// Forget drops a deleted charger's series, so a scrape lists only chargers
// that exist.
func (c *Charger) Forget(charger string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.byName, charger)
	c.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (c *Charger) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pollDurationDesc, pollFailuresDesc, reachableDesc, commandsDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector: each charger's series that it
// has recorded something in, as metric vectors would have them. The
// metrics are made under the lock and sent after it, so that polls do not
// wait on the scrape reading them.
func (c *Charger) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	var out []prometheus.Metric
	for name, s := range c.byName {
		for protocol, h := range s.polls {
			out = append(out, prometheus.MustNewConstHistogram(pollDurationDesc, h.count, h.sum, h.buckets(), name, protocol))
		}
		for cause, n := range s.failures {
			out = append(out, prometheus.MustNewConstMetric(pollFailuresDesc, prometheus.CounterValue, float64(n), name, cause))
		}
		if s.reachableSet {
			out = append(out, prometheus.MustNewConstMetric(reachableDesc, prometheus.GaugeValue, s.reachable, name))
		}
		for k, n := range s.commands {
			out = append(out, prometheus.MustNewConstMetric(commandsDesc, prometheus.CounterValue, float64(n), name, k[0], k[1]))
		}
	}
	c.mu.Unlock()
	for _, m := range out {
		ch <- m
	}
}
