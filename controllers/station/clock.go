package station

import (
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
)

var clockCtrlr = devicemodel.Component{Name: "ClockCtrlr"}

// zoneCache holds the time zone ClockCtrlr.TimeZone names, loaded once
// per value.
type zoneCache struct {
	mu   sync.Mutex
	name string
	loc  *time.Location
}

// location is the station's time zone (ClockCtrlr.TimeZone, an IANA name
// such as "Europe/Berlin"), for schedules that recur at a local time. An
// empty or unknown name is UTC; an unknown one is logged when it is set.
func (s *Station) location() *time.Location {
	name := s.model.Value(clockCtrlr, devicemodel.Variable{Name: "TimeZone"})
	s.zone.mu.Lock()
	defer s.zone.mu.Unlock()
	if name == s.zone.name && s.zone.loc != nil {
		return s.zone.loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		s.log.Warn("ClockCtrlr.TimeZone is not a known time zone: recurring schedules follow UTC", "timeZone", name, "err", err)
		loc = time.UTC
	}
	s.zone.name, s.zone.loc = name, loc
	return loc
}
