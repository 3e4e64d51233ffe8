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
// are sampled every TxEndedInterval, and AlignedDataCtrlr.TxEndedMeasurands
// at its clock-aligned TxEndedInterval, and sent with the Ended event.

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

// sampleEnded adds the samples the Ended event carries to the EVSE's open
// session: TxEndedMeasurands every TxEndedInterval (Sample.Periodic) and
// AlignedDataCtrlr.TxEndedMeasurands at the clock-aligned multiples of
// AlignedDataCtrlr.TxEndedInterval (Sample.Clock). It returns when the
// next is due (zero: none).
func (s *Station) sampleEnded(evse int, sig map[string]any, now time.Time) time.Time {
	periodic := seconds(s.model.Int(sampledCtrlr, devicemodel.Variable{Name: "TxEndedInterval"}, 0))
	clock := seconds(s.model.Int(alignedCtrlr, devicemodel.Variable{Name: "TxEndedInterval"}, 0))
	if (periodic <= 0 && clock <= 0) || sig == nil {
		return time.Time{}
	}
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	t := s.ss.machine(evse).Session()
	if t == nil || s.ss.records[t.ID] == nil {
		return time.Time{}
	}
	rec := s.ss.records[t.ID]
	var due time.Time
	if periodic > 0 {
		if rec.endedNext.IsZero() {
			rec.endedNext = now.Add(periodic)
		}
		if !now.Before(rec.endedNext) {
			rec.endedNext = now.Add(periodic)
			s.addEndedSample(rec, sig, sampledCtrlr, ocpp.ReadingContextSamplePeriodic, now)
		}
		due = rec.endedNext
	}
	if clock > 0 {
		if rec.clockNext.IsZero() {
			rec.clockNext = nextAligned(now, clock)
		}
		if !now.Before(rec.clockNext) {
			rec.clockNext = nextAligned(now, clock)
			s.addEndedSample(rec, sig, alignedCtrlr, ocpp.ReadingContextSampleClock, now)
		}
		if due.IsZero() || rec.clockNext.Before(due) {
			due = rec.clockNext
		}
	}
	return due
}

func seconds(n int) time.Duration { return time.Duration(max(n, 0)) * time.Second }

// addEndedSample keeps one sample of c's TxEndedMeasurands for the Ended
// event, the newest MaxEndedSamples.
func (s *Station) addEndedSample(rec *txRecord, sig map[string]any, c devicemodel.Component, context ocpp.ReadingContextEnumType, now time.Time) {
	samples := s.samplesOf(sig, splitList(s.model.Value(c, devicemodel.Variable{Name: "TxEndedMeasurands"})), context)
	if len(samples) == 0 {
		return
	}
	raw, err := json.Marshal(ocpp.MeterValueType{Timestamp: ocpp.NewDateTime(now), SampledValue: samples})
	if err != nil {
		return
	}
	st := &rec.t.Status
	st.EndedSamples = append(st.EndedSamples, raw)
	if n := len(st.EndedSamples); n > v1alpha1.MaxEndedSamples {
		st.EndedSamples = st.EndedSamples[n-v1alpha1.MaxEndedSamples:]
	}
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
