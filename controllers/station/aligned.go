package station

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// Clock-aligned meter values (J01): while AlignedDataCtrlr.Interval is
// above 0, each EVSE's AlignedDataCtrlr.Measurands are sent at the
// multiples of the interval since midnight UTC, with context Sample.Clock.
// Only values the charger reported are sent: a measurand the template does
// not map is not in the list the CSMS may choose from, and an unknown
// signal is left out rather than guessed.

var alignedCtrlr = devicemodel.Component{Name: "AlignedDataCtrlr"}

// alignedInterval is AlignedDataCtrlr.Interval; 0 turns aligned values off.
func (s *Station) alignedInterval() time.Duration {
	return time.Duration(max(s.model.Int(alignedCtrlr, devicemodel.Variable{Name: "Interval"}, 0), 0)) * time.Second
}

// nextAligned is the first multiple of every after now, counted from the
// station clock's midnight UTC.
func nextAligned(now time.Time, every time.Duration) time.Time {
	midnight := now.UTC().Truncate(24 * time.Hour)
	return midnight.Add((now.Sub(midnight)/every + 1) * every)
}

// alignedTimer follows AlignedDataCtrlr.Interval, which the CSMS may change
// at any time: next is re-computed when the interval differs from the one
// it was computed with.
type alignedTimer struct {
	every time.Duration
	next  time.Time // zero while aligned values are off
}

func (a *alignedTimer) update(s *Station) {
	every := s.alignedInterval()
	if every == a.every {
		return
	}
	a.every, a.next = every, time.Time{}
	if every > 0 {
		a.fired(s)
	}
}

// fired sets next to the boundary after now. The boundary is on the
// station's clock; next is on the local one, which timers follow.
func (a *alignedTimer) fired(s *Station) {
	now := s.now()
	a.next = time.Now().Add(nextAligned(now, a.every).Sub(now))
}

// sendMeterValues sends one MeterValues per EVSE of target (0: all) with
// the measurands of AlignedDataCtrlr.Measurands, read from the connectors'
// current signals. An EVSE with no such value sends nothing.
func (s *Station) sendMeterValues(target int, reading ocpp.ReadingContextEnumType) action {
	return func(ctx context.Context, c *rpc.Conn) error {
		want := s.alignedMeasurands()
		ts := ocpp.NewDateTime(s.now())
		for _, e := range s.cfg.Layout.EVSEs {
			if target != 0 && e.ID != target {
				continue
			}
			if reading == ocpp.ReadingContextSampleClock && s.openSession(e.ID) != "" {
				continue // a session's aligned values are its MeterValueClock events
			}
			samples := s.evseSamples(e, want, reading)
			if len(samples) == 0 {
				continue
			}
			req := ocpp.MeterValuesRequest{EVSEID: e.ID, MeterValue: []ocpp.MeterValueType{{Timestamp: ts, SampledValue: samples}}}
			if err := call(ctx, c, ocpp.ActionMeterValues, req, &ocpp.MeterValuesResponse{}); err != nil {
				return err
			}
		}
		return nil
	}
}

// alignedMeasurands is AlignedDataCtrlr.Measurands as a list.
func (s *Station) alignedMeasurands() []string {
	return strings.Split(s.model.Value(alignedCtrlr, devicemodel.Variable{Name: "Measurands"}), ",")
}

// hasMeterValues reports whether an EVSE of target (0: any) has a value
// of AlignedDataCtrlr.Measurands to send now.
func (s *Station) hasMeterValues(target int) bool {
	want := s.alignedMeasurands()
	for _, e := range s.cfg.Layout.EVSEs {
		if (target == 0 || e.ID == target) && len(s.evseSamples(e, want, ocpp.ReadingContextTrigger)) > 0 {
			return true
		}
	}
	return false
}

// evseSamples are the sampled values of the first connector of e that has
// any, restricted to the measurands in want.
func (s *Station) evseSamples(e devicemodel.EVSELayout, want []string, reading ocpp.ReadingContextEnumType) []ocpp.SampledValueType {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, conn := range e.Connectors {
		var out []ocpp.SampledValueType
		for _, v := range SampledValues(s.obs.Signals[ConnectorRef{e.ID, conn.ID}], reading) {
			if slices.Contains(want, string(v.Measurand)) {
				out = append(out, v)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
