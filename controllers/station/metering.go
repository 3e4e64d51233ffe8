package station

import (
	"encoding/json"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Meter values of sessions (J01, J02). During a session the clock-aligned
// values of its EVSE go in a TransactionEvent (Updated, MeterValueClock,
// Sample.Clock), so they are queued with the session's other events; an
// EVSE without a session gets MeterValues (aligned.go). TxEndedMeasurands
// are sampled every TxEndedInterval and sent with the Ended event.

// alignedDue reports whether a clock-aligned boundary passed since the
// last call, and when the next one is (zero while aligned values are off).
func (s *Station) alignedDue(now time.Time) (fire bool, next time.Time) {
	every := s.alignedInterval()
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	if every <= 0 {
		s.ss.alignedNext = time.Time{}
		return false, time.Time{}
	}
	if s.ss.alignedNext.IsZero() || s.ss.alignedEvery != every {
		s.ss.alignedNext, s.ss.alignedEvery = nextAligned(now, every), every
	}
	if now.Before(s.ss.alignedNext) {
		return false, s.ss.alignedNext
	}
	s.ss.alignedNext = nextAligned(now, every)
	return true, s.ss.alignedNext
}

// sampleEnded adds a TxEndedMeasurands sample to the EVSE's open session
// when TxEndedInterval has passed since the last one, and returns when
// the next is due (zero: none).
func (s *Station) sampleEnded(evse int, sig map[string]any, now time.Time) time.Time {
	every := time.Duration(max(s.model.Int(sampledCtrlr, devicemodel.Variable{Name: "TxEndedInterval"}, 0), 0)) * time.Second
	if every <= 0 || sig == nil {
		return time.Time{}
	}
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	t := s.ss.machines[evse].Session()
	if t == nil {
		return time.Time{}
	}
	rec := s.ss.records[t.ID]
	if rec == nil {
		return time.Time{}
	}
	if rec.endedNext.IsZero() {
		rec.endedNext = now.Add(every)
	}
	if now.Before(rec.endedNext) {
		return rec.endedNext
	}
	rec.endedNext = now.Add(every)
	samples := s.samplesOf(sig, splitList(s.model.Value(sampledCtrlr, devicemodel.Variable{Name: "TxEndedMeasurands"})),
		ocpp.ReadingContextSamplePeriodic)
	if len(samples) == 0 {
		return rec.endedNext
	}
	raw, err := json.Marshal(ocpp.MeterValueType{Timestamp: ocpp.NewDateTime(now), SampledValue: samples})
	if err != nil {
		return rec.endedNext
	}
	st := &rec.t.Status
	st.EndedSamples = append(st.EndedSamples, raw)
	if n := len(st.EndedSamples); n > v1alpha1.MaxEndedSamples {
		st.EndedSamples = st.EndedSamples[n-v1alpha1.MaxEndedSamples:]
	}
	return rec.endedNext
}

// endedMeterValues are the samples taken during the session followed by
// the final one.
func endedMeterValues(rec *txRecord, final []ocpp.MeterValueType) []ocpp.MeterValueType {
	var out []ocpp.MeterValueType
	for _, raw := range rec.t.Status.EndedSamples {
		var mv ocpp.MeterValueType
		if json.Unmarshal(raw, &mv) == nil {
			out = append(out, mv)
		}
	}
	return append(out, final...)
}
