package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// rttBuckets span a CSMS on the LAN to one at the end of a mobile link,
// up to the default MessageTimeout of 30 s.
var rttBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

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
// *Station from it.
type OCPP struct {
	state      *prometheus.GaugeVec
	reconnects *prometheus.CounterVec
	messages   *prometheus.CounterVec
	callErrors *prometheus.CounterVec
	rtt        *prometheus.HistogramVec
	energy     *prometheus.CounterVec

	mu       sync.Mutex
	stations func() []StationState
}

var (
	outboxDesc = newDesc("ocpp", "outbox_messages",
		"TransactionEvents queued for the CSMS and not yet acknowledged.", "charger")
	sessionsDesc = newDesc("", "sessions_running",
		"Charging sessions started and not yet ended.", "charger")
)

func newOCPP() *OCPP {
	return &OCPP{
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: fullName("ocpp", "connection_state"),
			Help: "1 for the station's current OCPP connection state (Offline, Pending, Registered, Rejected), 0 for the others.",
		}, []string{"charger", "state"}),
		reconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("ocpp", "reconnects_total"),
			Help: "WebSocket connections to the CSMS opened after the station's first one.",
		}, []string{"charger"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("ocpp", "messages_total"),
			Help: "OCPP CALLs sent (direction sent) and received (direction received), by action and result " +
				"(ok, callerror, timeout, invalid, failed).",
		}, []string{"charger", "direction", "action", "result"}),
		callErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("ocpp", "call_errors_total"),
			Help: "CALLERRORs by code: received for the station's CALLs (direction sent) or sent for the CSMS's (direction received).",
		}, []string{"charger", "direction", "code"}),
		rtt: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: fullName("ocpp", "call_duration_seconds"),
			Help: "Round trip of the station's CALLs, from sending to the CALLRESULT or CALLERROR.", Buckets: rttBuckets,
		}, []string{"charger"}),
		energy: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: fullName("", "energy_delivered_joules_total"),
			Help: "Energy delivered in charging sessions, from the chargers' meters, as the sessions record it " +
				"(at each TransactionEvent and at most every 10 s between; 1 kWh = 3.6e6 J).",
		}, []string{"charger"}),
	}
}

// Station returns the handle of one station, nil on a nil OCPP.
func (o *OCPP) Station(charger string) *Station {
	if o == nil {
		return nil
	}
	return &Station{o: o, charger: charger}
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
	l := prometheus.Labels{"charger": charger}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{o.state, o.reconnects, o.messages, o.callErrors, o.rtt, o.energy} {
		v.DeletePartialMatch(l)
	}
}

func (o *OCPP) vecs() []prometheus.Collector {
	return []prometheus.Collector{o.state, o.reconnects, o.messages, o.callErrors, o.rtt, o.energy}
}

// Describe implements prometheus.Collector.
func (o *OCPP) Describe(ch chan<- *prometheus.Desc) {
	for _, v := range o.vecs() {
		v.Describe(ch)
	}
	ch <- outboxDesc
	ch <- sessionsDesc
}

// Collect implements prometheus.Collector.
func (o *OCPP) Collect(ch chan<- prometheus.Metric) {
	for _, v := range o.vecs() {
		v.Collect(ch)
	}
	o.mu.Lock()
	f := o.stations
	o.mu.Unlock()
	if f == nil {
		return
	}
	for _, s := range f() {
		ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, float64(s.Outbox), s.Charger)
		ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(s.SessionsRunning), s.Charger)
	}
}

// Station is one station's handle. Its CallEnded and Served make it an
// rpc.Observer. A nil *Station records nothing.
type Station struct {
	o       *OCPP
	charger string
}

// SetState records the station's OCPP connection state.
func (s *Station) SetState(state string) {
	if s == nil {
		return
	}
	for _, st := range StationStates {
		v := 0.0
		if st == state {
			v = 1
		}
		s.o.state.WithLabelValues(s.charger, st).Set(v)
	}
}

// Reconnected counts a connection opened after the station's first.
func (s *Station) Reconnected() {
	if s == nil {
		return
	}
	s.o.reconnects.WithLabelValues(s.charger).Inc()
}

// CallEnded records a CALL the station sent: its result, the CALLERROR
// code (result callerror) and the round trip (0: no answer arrived).
func (s *Station) CallEnded(action, result, code string, rtt time.Duration) {
	if s == nil {
		return
	}
	s.o.messages.WithLabelValues(s.charger, "sent", action, result).Inc()
	if code != "" {
		s.o.callErrors.WithLabelValues(s.charger, "sent", code).Inc()
	}
	if rtt > 0 {
		s.o.rtt.WithLabelValues(s.charger).Observe(rtt.Seconds())
	}
}

// Served records a CALL received from the CSMS and answered, with the
// CALLERROR code sent ("" for a CALLRESULT).
func (s *Station) Served(action, result, code string) {
	if s == nil {
		return
	}
	s.o.messages.WithLabelValues(s.charger, "received", action, result).Inc()
	if code != "" {
		s.o.callErrors.WithLabelValues(s.charger, "received", code).Inc()
	}
}

// EnergyDelivered adds energy a session's meter advanced by, in Wh.
func (s *Station) EnergyDelivered(wh float64) {
	if s == nil || wh <= 0 {
		return
	}
	s.o.energy.WithLabelValues(s.charger).Add(wh * 3600)
}
