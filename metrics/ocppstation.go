package metrics

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Station is one station's handle. Its CallEnded and Served make it an
// rpc.Observer. A nil *Station records nothing. It keeps plain counters
// under its own lock; Collect turns them into metrics at scrape time.
type Station struct {
	charger string

	mu         sync.Mutex
	state      string // "" until SetState
	reconnects uint64
	reconnSeen bool
	energyJ    float64
	energySeen bool
	messages   map[messageKey]uint64
	callErrors map[codeKey]uint64
	rtt        *histogram // nil until a round trip is recorded
}

// messageKey labels one ocppgw_ocpp_messages_total series of a station.
type messageKey struct{ direction, action, result string }

// codeKey labels one ocppgw_ocpp_call_errors_total series of a station.
type codeKey struct{ direction, code string }

// SetState records the station's OCPP connection state.
func (s *Station) SetState(state string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.state = state
	s.mu.Unlock()
}

// Reconnected counts a connection opened after the station's first.
func (s *Station) Reconnected() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.reconnects++
	s.reconnSeen = true
	s.mu.Unlock()
}

// CallEnded records a CALL the station sent: its result, the CALLERROR
// code (result callerror) and the round trip (0: no answer arrived).
func (s *Station) CallEnded(action, result, code string, rtt time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("sent", action, result, code)
	if rtt > 0 {
		if s.rtt == nil {
			s.rtt = &histogram{bounds: &rttBuckets}
		}
		s.rtt.observe(rtt.Seconds())
	}
}

// Served records a CALL received from the CSMS and answered, with the
// CALLERROR code sent ("" for a CALLRESULT).
func (s *Station) Served(action, result, code string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.countLocked("received", action, result, code)
}

func (s *Station) countLocked(direction, action, result, code string) {
	increment(&s.messages, messageKey{direction, action, result})
	if code != "" {
		increment(&s.callErrors, codeKey{direction, code})
	}
}

// EnergyDelivered adds energy a session's meter advanced by, in Wh.
func (s *Station) EnergyDelivered(wh float64) {
	if s == nil || wh <= 0 {
		return
	}
	s.mu.Lock()
	s.energyJ += wh * 3600
	s.energySeen = true
	s.mu.Unlock()
}

// collect sends the station's series: those it has recorded something in,
// as a metric vector would have them.
func (s *Station) collect(ch chan<- prometheus.Metric) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.charger
	if s.state != "" {
		for _, st := range StationStates {
			v := 0.0
			if st == s.state {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(stateDesc, prometheus.GaugeValue, v, c, st)
		}
	}
	if s.reconnSeen {
		ch <- prometheus.MustNewConstMetric(reconnectsDesc, prometheus.CounterValue, float64(s.reconnects), c)
	}
	for k, n := range s.messages {
		ch <- prometheus.MustNewConstMetric(messagesDesc, prometheus.CounterValue, float64(n), c, k.direction, k.action, k.result)
	}
	for k, n := range s.callErrors {
		ch <- prometheus.MustNewConstMetric(callErrorsDesc, prometheus.CounterValue, float64(n), c, k.direction, k.code)
	}
	if s.rtt != nil {
		ch <- prometheus.MustNewConstHistogram(rttDesc, s.rtt.count, s.rtt.sum, s.rtt.buckets(), c)
	}
	if s.energySeen {
		ch <- prometheus.MustNewConstMetric(energyDesc, prometheus.CounterValue, s.energyJ, c)
	}
}
