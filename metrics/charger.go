package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// pollBuckets span a fast Modbus TCP poll (milliseconds) to an RS-485 line
// retrying units that do not answer (tens of seconds).
var pollBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// Charger is the charger controller's handle: polls, reachability and
// device commands per charger, and the driver counters read at scrape time.
type Charger struct {
	pollDuration *prometheus.HistogramVec
	pollFailures *prometheus.CounterVec
	reachable    *prometheus.GaugeVec
	commands     *prometheus.CounterVec

	mu      sync.Mutex
	drivers DriverSource
}

func newCharger() *Charger {
	return &Charger{
		pollDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: fullName("charger", "poll_duration_seconds"),
			Help: "Time one poll of a charger's device took, answered or not.", Buckets: pollBuckets,
		}, []string{"charger", "protocol"}),
		pollFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("charger", "poll_failures_total"),
			Help: "Polls that did not read every required value, by cause (NotResponding, DeviceError, MalformedAnswer).",
		}, []string{"charger", "cause"}),
		reachable: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: fullName("charger", "device_reachable"),
			Help: "1 while the charger's device answers its polls (DeviceReachable True), else 0.",
		}, []string{"charger"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("charger", "commands_total"),
			Help: "Device commands run, by command and outcome (Done, Rejected, Unsupported, Timeout, Failed).",
		}, []string{"charger", "command", "outcome"}),
	}
}

// Polled records one poll: how long it took and, when it failed, why
// (cause ""; the poll read everything required).
func (c *Charger) Polled(charger, protocol string, took time.Duration, cause string) {
	if c == nil {
		return
	}
	c.pollDuration.WithLabelValues(charger, protocol).Observe(took.Seconds())
	if cause != "" {
		c.pollFailures.WithLabelValues(charger, cause).Inc()
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
	c.reachable.WithLabelValues(charger).Set(v)
}

// CommandDone counts one device command by its outcome.
func (c *Charger) CommandDone(charger, command, outcome string) {
	if c == nil {
		return
	}
	c.commands.WithLabelValues(charger, command, outcome).Inc()
}

// Forget drops a deleted charger's series, so a scrape lists only chargers
// that exist.
func (c *Charger) Forget(charger string) {
	if c == nil {
		return
	}
	l := prometheus.Labels{"charger": charger}
	c.pollDuration.DeletePartialMatch(l)
	c.pollFailures.DeletePartialMatch(l)
	c.reachable.DeletePartialMatch(l)
	c.commands.DeletePartialMatch(l)
}

// WatchDrivers makes each scrape read src's counters (Modbus TCP
// connections, RTU lines, the ECHONET Lite client). The drivers count
// every request anyway; reading them at scrape time costs a poll nothing.
func (c *Charger) WatchDrivers(src DriverSource) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.drivers = src
	c.mu.Unlock()
}

func (c *Charger) vecs() []prometheus.Collector {
	return []prometheus.Collector{c.pollDuration, c.pollFailures, c.reachable, c.commands}
}

// Describe implements prometheus.Collector.
func (c *Charger) Describe(ch chan<- *prometheus.Desc) {
	for _, v := range c.vecs() {
		v.Describe(ch)
	}
	describeDrivers(ch)
}

// Collect implements prometheus.Collector.
func (c *Charger) Collect(ch chan<- prometheus.Metric) {
	for _, v := range c.vecs() {
		v.Collect(ch)
	}
	c.mu.Lock()
	src := c.drivers
	c.mu.Unlock()
	if src != nil {
		collectDrivers(src, ch)
	}
}
