package composite

import (
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// ForStation is the composite of the whole station (GetCompositeSchedule
// with evseId 0, K08): at each instant the sum of its EVSEs' composites,
// each composed with its own session, capped by the station's own
// composite (ChargingStationMaxProfile, ChargingStationExternalConstraints
// on evseId 0). station is the request for evseId 0; its MaxCurrentA is
// the station's maximum. Every request must cover the same window in the
// same unit.
func ForStation(profiles []Profile, station Request, evses []Request) (ocpp.CompositeScheduleType, error) {
	own, err := Compose(profiles, station)
	if err != nil || len(evses) == 0 {
		return own, err
	}
	parts := make([]ocpp.CompositeScheduleType, len(evses))
	for i, req := range evses {
		if !req.Start.Equal(station.Start) || req.Duration != station.Duration || req.Unit != station.Unit {
			return own, fmt.Errorf("composite schedule for evse %d: not the station's window and unit", req.EVSEID)
		}
		if parts[i], err = Compose(profiles, req); err != nil {
			return own, err
		}
	}
	var starts []int
	for _, s := range append(parts, own) {
		for _, p := range s.ChargingSchedulePeriod {
			starts = append(starts, p.StartPeriod)
		}
	}
	slices.Sort(starts)
	var periods []ocpp.ChargingSchedulePeriodType
	for _, at := range slices.Compact(starts) {
		cap := periodAt(own, at)
		sum, phases := 0.0, *cap.NumberPhases
		for _, s := range parts {
			p := periodAt(s, at)
			sum += p.Limit
			phases = max(phases, *p.NumberPhases)
		}
		periods = appendPeriod(periods, at, limit{value: min(sum, cap.Limit), phases: phases, ok: true})
	}
	own.ChargingSchedulePeriod = periods
	return own, nil
}

// periodAt is the period of s in force at offset at (s starts at 0).
func periodAt(s ocpp.CompositeScheduleType, at int) ocpp.ChargingSchedulePeriodType {
	i, found := slices.BinarySearchFunc(s.ChargingSchedulePeriod, at, func(p ocpp.ChargingSchedulePeriodType, at int) int {
		return p.StartPeriod - at
	})
	if !found {
		i--
	}
	return s.ChargingSchedulePeriod[i]
}
