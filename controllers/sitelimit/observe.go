package sitelimit

import (
	"encoding/json"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// observed is what the controller reads of one selected Charger.
type observed struct {
	name string
	// managed chargers have spec.ocpp and get a share; the others are a
	// fixed load.
	managed bool
	supply  v1alpha1.Electrical
	// drawA is the current per phase the charger draws, when drawKnown.
	drawA     float64
	drawKnown bool
	// writtenA is the limit the device last took, when writtenKnown, and
	// writtenAt when (the earliest over the charger's EVSEs).
	writtenA     float64
	writtenAt    time.Time
	writtenKnown bool
}

// observe reads a Charger, as the cache decoded it.
func observe(ch *v1alpha1.Charger) observed {
	o := observed{name: ch.Metadata.Name, managed: ch.Spec.OCPP != nil, supply: ch.Spec.Supply()}
	o.drawA, o.drawKnown = draw(ch.Status.Connectors, o.supply)
	o.writtenA, o.writtenAt, o.writtenKnown = written(ch.Status.OCPP)
	return o
}

// fixedA is the load an unmanaged charger puts on the site: its draw, or its
// maximum while the draw is not known.
func (o *observed) fixedA() float64 {
	if o.drawKnown {
		return o.drawA
	}
	return o.supply.MaxCurrentA
}

// draw is the current per phase the charger draws: the sum over its
// connectors of the highest phase current, or of powerW / (V × phases)
// where no phase current is mapped. It is unknown when a connector's
// signals are stale or give neither.
func draw(conns []v1alpha1.ConnectorStatus, e v1alpha1.Electrical) (float64, bool) {
	if len(conns) == 0 {
		return 0, false
	}
	sum := 0.0
	for _, c := range conns {
		if c.Stale {
			return 0, false
		}
		a, ok := phaseCurrent(c.Signals)
		if !ok {
			w, okW := number(c.Signals["powerW"])
			if !okW {
				return 0, false
			}
			a = max(w, 0) / (e.VoltageV * float64(e.Phases))
		}
		sum += a
	}
	return sum, true
}

// phaseCurrent is the highest of currentA1..3 that the signals give.
func phaseCurrent(sig map[string]any) (float64, bool) {
	best, ok := 0.0, false
	for _, k := range []string{"currentA1", "currentA2", "currentA3"} {
		if v, okV := number(sig[k]); okV {
			best, ok = max(best, v), true
		}
	}
	return best, ok
}

// number reads a signal value as decoded from JSON.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// written is the sum over the charger's EVSEs of the limit each last took,
// and the earliest time one of them took it; unknown while any EVSE has
// taken none, since that one may draw anything up to the maximum, or does
// not say when.
func written(s *v1alpha1.ChargerOCPPStatus) (float64, time.Time, bool) {
	if s == nil || len(s.Limits) == 0 {
		return 0, time.Time{}, false
	}
	sum, first := 0.0, time.Time{}
	for _, l := range s.Limits {
		at, err := time.Parse(time.RFC3339Nano, l.WrittenAt)
		if l.WrittenA == nil || err != nil {
			return 0, time.Time{}, false
		}
		sum += *l.WrittenA
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return sum, first, true
}
