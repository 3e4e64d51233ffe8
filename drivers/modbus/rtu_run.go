package modbus

import (
	"fmt"
	"time"
)

// unitState is the arbiter's memory of one unit; guarded by Arbiter.mu.
type unitState struct {
	stats  UnitStats
	silent int // consecutive exchanges without an answer
	dead   bool
	probed time.Time // last probe, or when the unit was declared dead
}

// run executes one job on the line: refuse it fast when its unit is dead
// and may not be probed now, else send it (once when it is the probe, with
// the retries otherwise) and settle the unit's state.
func (a *Arbiter) run(j *job) {
	if err := j.ctx.Err(); err != nil {
		a.mu.Lock()
		a.bus.canceled++
		a.mu.Unlock()
		j.done <- jobResult{err: canceled(a.cfg.Device, j.unit, j.r, err)}
		return
	}
	refused, probe := a.gate(j)
	if refused != nil {
		a.stats.add(func(c *Counters) { c.BackedOff++ })
		j.done <- jobResult{err: refused}
		return
	}
	attempts := 1 + a.cfg.Retries
	if probe {
		// One request finds out whether a dead unit is back; retrying it
		// would cost the line what declaring it dead saved.
		attempts = 1
	}
	vals, err := a.attempt(j, attempts)
	a.settle(j, err)
	j.done <- jobResult{vals: vals, err: err}
}

// gate decides how a job for a dead unit goes: refused (the poll it belongs
// to already went unanswered, or the last probe is too recent), or sent as
// the probe.
func (a *Arbiter) gate(j *job) (refused *Error, probe bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.unit(j.unit)
	if !u.dead {
		return nil, false
	}
	e := &Error{Device: a.cfg.Device, Unit: j.unit, Function: j.r.fc, Address: j.r.addr, Count: j.r.count, Kind: KindBackedOff}
	if j.call != nil && j.call.unanswered {
		e.Err = fmt.Errorf("unit %d did not answer earlier in this poll (%d exchanges unanswered)", j.unit, u.silent)
		return e, false
	}
	if next := u.probed.Add(a.cfg.DeadUnitBackoff); a.now().Before(next) {
		e.Until = next
		return e, false
	}
	u.probed = a.now()
	return nil, true
}

// unit returns the unit's state, creating it; a.mu is held.
func (a *Arbiter) unit(id byte) *unitState {
	u := a.units[id]
	if u == nil {
		u = &unitState{}
		a.units[id] = u
	}
	return u
}

// attempt sends the request up to attempts times, repeating only what a
// repeat can fix.
func (a *Arbiter) attempt(j *job, attempts int) ([]uint16, error) {
	var err error
	for i := 1; i <= attempts; i++ {
		if i > 1 {
			a.mu.Lock()
			a.bus.retries++
			a.mu.Unlock()
		}
		timeout, cerr := budget(j.ctx, a.cfg.Timeout)
		if cerr != nil {
			if err != nil {
				return nil, newError(a.cfg.Device, j.unit, j.r, err, i-1)
			}
			return nil, canceled(a.cfg.Device, j.unit, j.r, cerr)
		}
		a.pace()
		var vals []uint16
		vals, err = a.tr.exchange(j.unit, &j.r, timeout)
		a.stats.outcome(err)
		if err == nil {
			return vals, nil
		}
		if !retryable(err) {
			return nil, newError(a.cfg.Device, j.unit, j.r, err, i)
		}
	}
	return nil, newError(a.cfg.Device, j.unit, j.r, err, attempts)
}

// retryable: line trouble and a busy unit may clear on a repeat; any other
// exception is the unit's considered answer, and 0x0B means a gateway
// already waited for the unit.
func retryable(err error) bool {
	switch kind, code := classify(err); kind {
	case KindCRC, KindBadResponse:
		return true
	case KindNoResponse:
		return code == 0
	case KindException:
		return code == ServerDeviceBusy
	}
	return false
}

// settle records the outcome for the unit. DeadUnitAfter exchanges in a row
// without an answer make it dead; any answer at all, even an exception or a
// bad CRC, shows it is there and makes it alive at once.
func (a *Arbiter) settle(j *job, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.unit(j.unit)
	if err == nil {
		u.stats.OK++
		u.silent, u.dead = 0, false
		return
	}
	u.stats.Failed++
	u.stats.LastError = err.Error()
	switch kind, _ := classify(err); kind {
	case KindNoResponse:
		u.silent++
		if j.call != nil {
			j.call.unanswered = true
		}
		if !u.dead && u.silent >= a.cfg.DeadUnitAfter {
			u.dead, u.probed = true, a.now()
		}
	case KindCanceled, KindClosed, KindConnection, KindInvalid:
		// Says nothing about the unit.
	default:
		u.silent, u.dead = 0, false
	}
}

// pace keeps the line under PollBudget requests per second.
func (a *Arbiter) pace() {
	if a.cfg.PollBudget > 0 {
		gap := time.Duration(float64(time.Second) / a.cfg.PollBudget)
		if wait := gap - time.Since(a.lastSend); wait > 0 {
			time.Sleep(wait)
		}
	}
	a.lastSend = time.Now()
}

// Stats snapshots the line's counters and each unit's state.
func (a *Arbiter) Stats() BusStats {
	s := BusStats{Device: a.cfg.Device, Counters: a.stats.snapshot(),
		QueuedPolls: len(a.polls), QueuedWrites: len(a.writes)}
	a.mu.Lock()
	defer a.mu.Unlock()
	s.Retries, s.Canceled = a.bus.retries, a.bus.canceled
	s.Units = make(map[byte]UnitStats, len(a.units))
	for id, u := range a.units {
		us := u.stats
		us.Dead, us.Silent = u.dead, u.silent
		if u.dead && a.cfg.DeadUnitBackoff > 0 {
			us.BackedOffUntil = u.probed.Add(a.cfg.DeadUnitBackoff)
		}
		s.Units[id] = us
	}
	return s
}
