package station

import (
	"cmp"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/metrics"
)

// retire stops a charger's station for good (the charger was deleted or
// no longer names a CSMS) and drops its metric series.
func (r *Reconciler) retire(name string) {
	r.stop(name)
	r.met.Forget(name)
}

// stationStates is what a scrape reads from the running stations.
func (r *Reconciler) stationStates() []metrics.StationState {
	r.mu.Lock()
	stations := make([]*Station, 0, len(r.running))
	for _, rs := range r.running {
		stations = append(stations, rs.station)
	}
	r.mu.Unlock()
	out := make([]metrics.StationState, len(stations))
	for i, s := range stations {
		out[i] = s.metricsState()
	}
	slices.SortFunc(out, func(a, b metrics.StationState) int { return cmp.Compare(a.Charger, b.Charger) })
	return out
}

// metricsState counts the station's outbox and its sessions not ended.
func (s *Station) metricsState() metrics.StationState {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	st := metrics.StationState{Charger: s.cfg.Charger, Outbox: len(s.ss.queue)}
	for _, rec := range s.ss.records {
		if rec.t.Status.State != v1alpha1.TransactionEnded {
			st.SessionsRunning++
		}
	}
	return st
}

// deref is *p, or 0 for nil.
func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
