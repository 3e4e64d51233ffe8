package composite

import (
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// recurrence is the length of one repetition of a Recurring profile, 0
// for other kinds (or an unknown recurrencyKind), as a whole number of
// days.
func recurrence(p *ocpp.ChargingProfileType) time.Duration {
	return time.Duration(recurrenceDays(p)) * 24 * time.Hour
}

func recurrenceDays(p *ocpp.ChargingProfileType) int {
	if p.ChargingProfileKind != ocpp.ChargingProfileKindRecurring {
		return 0
	}
	switch p.RecurrencyKind {
	case ocpp.RecurrencyKindDaily:
		return 1
	case ocpp.RecurrencyKindWeekly:
		return 7
	}
	return 0
}

// repetition gives the start of the repetition in force at t (not before
// start) of a schedule that repeats every days local days in loc: the same
// wall-clock time each time, so a day across a daylight-saving change is 23
// or 25 hours long.
func repetition(start, t time.Time, days int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	local := start.In(loc)
	at := func(n int) time.Time { return local.AddDate(0, 0, n*days) }
	n := int(t.Sub(start) / (time.Duration(days) * 24 * time.Hour))
	for n > 0 && at(n).After(t) {
		n--
	}
	for !at(n + 1).After(t) {
		n++
	}
	return at(n).UTC()
}

// scheduleStart gives the start of the schedule repetition in force at t.
// When none is (a future start, no session), ok is false and next says
// when one may begin (zero for never).
func scheduleStart(p *ocpp.ChargingProfileType, t, session time.Time, loc *time.Location) (start, next time.Time, ok bool) {
	s := &p.ChargingSchedule[0]
	switch p.ChargingProfileKind {
	case ocpp.ChargingProfileKindRelative:
		if session.IsZero() {
			return time.Time{}, time.Time{}, false
		}
		start = session
	case ocpp.ChargingProfileKindAbsolute, ocpp.ChargingProfileKindRecurring:
		if s.StartSchedule == nil {
			return time.Time{}, time.Time{}, false
		}
		start = s.StartSchedule.UTC()
	default:
		return time.Time{}, time.Time{}, false
	}
	if t.Before(start) {
		return time.Time{}, start, false
	}
	if days := recurrenceDays(p); days > 0 {
		start = repetition(start, t, days, loc)
	} else if p.ChargingProfileKind == ocpp.ChargingProfileKindRecurring {
		return time.Time{}, time.Time{}, false // unknown recurrencyKind
	}
	return start, time.Time{}, true
}

// evaluate gives p's limit at t in the requested unit (ok false when p
// gives none at t) and the next instant, at most end, at which that may
// change.
func evaluate(p *ocpp.ChargingProfileType, t, end time.Time, req Request, c converter) (limit, time.Time) {
	if len(p.ChargingSchedule) == 0 {
		return limit{}, end
	}
	if p.ValidFrom != nil && t.Before(p.ValidFrom.Time) {
		return limit{}, earliest(end, p.ValidFrom.Time)
	}
	if p.ValidTo != nil {
		if !t.Before(p.ValidTo.Time) {
			return limit{}, end
		}
		end = earliest(end, p.ValidTo.Time)
	}
	session := req.SessionStart
	if session.IsZero() {
		session = req.Start // no session: Relative schedules start with the request
	}
	start, next, ok := scheduleStart(p, t, session, req.Location)
	if !ok {
		if next.IsZero() {
			return limit{}, end
		}
		return limit{}, earliest(end, next)
	}
	s := &p.ChargingSchedule[0]
	length := time.Duration(-1) // unbounded
	if s.Duration != nil {
		length = seconds(*s.Duration)
	}
	if days := recurrenceDays(p); days > 0 {
		loc := req.Location
		if loc == nil {
			loc = time.UTC
		}
		again := start.In(loc).AddDate(0, 0, days)
		end = earliest(end, again)
		if rec := again.Sub(start); length < 0 || length > rec {
			length = rec
		}
	}
	if length >= 0 {
		if !t.Before(start.Add(length)) {
			return limit{}, end
		}
		end = earliest(end, start.Add(length))
	}
	return inPeriod(s, t.Sub(start), start, end, c)
}

// inPeriod finds the period in force at offset off into schedule s (the
// latest startPeriod not after off; input is not assumed sorted) and when
// the next period begins.
func inPeriod(s *ocpp.ChargingScheduleType, off time.Duration, start, end time.Time, c converter) (limit, time.Time) {
	var cur *ocpp.ChargingSchedulePeriodType
	for i := range s.ChargingSchedulePeriod {
		q := &s.ChargingSchedulePeriod[i]
		at := seconds(q.StartPeriod)
		if at > off {
			end = earliest(end, start.Add(at))
		} else if cur == nil || at >= seconds(cur.StartPeriod) {
			cur = q
		}
	}
	if cur == nil {
		return limit{}, end
	}
	phases := c.phases
	if !c.fixed && cur.NumberPhases != nil && *cur.NumberPhases >= 1 && *cur.NumberPhases <= 3 {
		phases = *cur.NumberPhases
	}
	return limit{value: c.convert(cur.Limit, s.ChargingRateUnit, phases), phases: phases, ok: true}, end
}
