package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// rttBuckets span a CSMS on the LAN to one at the end of a mobile link,
// up to the default MessageTimeout of 30 s.
var rttBuckets = bounds{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// StationStates are the values of ocppgw_ocpp_connection_state's state
// label (api/v1alpha1's OCPPState* values).
var StationStates = []string{"Offline", "Pending", "Registered", "Rejected"}

// StationState is what a scrape reads from one running station.
type StationState struct {
	Charger string
	// Outbox is the number of TransactionEvents waiting for the CSMS.
	Outbox int
	// SessionsRunning is the number of sessions not yet ended.
	SessionsRunning int
}

// OCPP is the station controller's handle. Each station gets its own
// *Station from it. A station's counters live in its *Station, a few
// hundred bytes, and become metrics only when scraped: a metric vector
// would keep a labelled series object per charger, action and result
// (about 8.6 KB per station, BenchmarkStationSeries), which at a thousand
// stations is more than the stations' connections themselves.
type OCPP struct {
	mu       sync.Mutex
	byName   map[string]*Station
	stations func() []StationState
}

var (
	stateDesc = newDesc("ocpp", "connection_state",
		"1 for the station's current OCPP connection state (Offline, Pending, Registered, Rejected), 0 for the others.",
		"charger", "state")
	reconnectsDesc = newDesc("ocpp", "reconnects_total",
		"WebSocket connections to the CSMS opened after the station's first one.", "charger")
	messagesDesc = newDesc("ocpp", "messages_total",
		"OCPP CALLs sent (direction sent) and received (direction received), by action and result "+
			"(ok, callerror, timeout, invalid, failed).", "charger", "direction", "action", "result")
	callErrorsDesc = newDesc("ocpp", "call_errors_total",
		"CALLERRORs by code: received for the station's CALLs (direction sent) or sent for the CSMS's (direction received).",
		"charger", "direction", "code")
	rttDesc = newDesc("ocpp", "call_duration_seconds",
		"Round trip of the station's CALLs, from sending to the CALLRESULT or CALLERROR.", "charger")
	energyDesc = newDesc("", "energy_delivered_joules_total",
		"Energy delivered in charging sessions, from the chargers' meters, as the sessions record it "+
			"(at each TransactionEvent and at most every 10 s between; 1 kWh = 3.6e6 J).", "charger")
	outboxDesc = newDesc("ocpp", "outbox_messages",
		"TransactionEvents queued for the CSMS and not yet acknowledged.", "charger")
	sessionsDesc = newDesc("", "sessions_running",
		"Charging sessions started and not yet ended.", "charger")
)

func newOCPP() *OCPP {
	return &OCPP{byName: map[string]*Station{}}
}

// Station returns the handle of one station, nil on a nil OCPP. The same
// charger gets the same handle, so its counters go on across a restart of
// its station.
func (o *OCPP) Station(charger string) *Station {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.byName[charger]
	if s == nil {
		s = &Station{charger: charger}
		o.byName[charger] = s
	}
	return s
}

// WatchStations makes each scrape read the running stations' outboxes and
// sessions from f.
func (o *OCPP) WatchStations(f func() []StationState) {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.stations = f
	o.mu.Unlock()
}

// Forget drops a removed station's series.
func (o *OCPP) Forget(charger string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	delete(o.byName, charger)
	o.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (o *OCPP) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{stateDesc, reconnectsDesc, messagesDesc, callErrorsDesc, rttDesc, energyDesc,
		outboxDesc, sessionsDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (o *OCPP) Collect(ch chan<- prometheus.Metric) {
	o.mu.Lock()
	handles := make([]*Station, 0, len(o.byName))
	for _, s := range o.byName {
		handles = append(handles, s)
	}
	f := o.stations
	o.mu.Unlock()
	for _, s := range handles {
		s.collect(ch)
	}
	if f == nil {
		return
	}
	for _, s := range f() {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(s.Outbox), s.Charger)
		ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(s.SessionsRunning), s.Charger)
	}
}
