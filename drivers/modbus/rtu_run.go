package modbus

import (
	"time"
)

// run executes one job on the line: refuse it fast when its unit is backed
// off, else send it with retries and settle the unit's state.
func (a *Arbiter) run(j *job) {
	if err := j.ctx.Err(); err != nil {
		a.mu.Lock()
		a.bus.canceled++
		a.mu.Unlock()
		j.done <- jobResult{err: canceled(a.cfg.Device, j.unit, j.r, err)}
		return
	}
	until, probe := a.gate(j.unit)
	if !until.IsZero() {
		a.stats.add(func(c *Counters) { c.BackedOff++ })
		j.done <- jobResult{err: &Error{Device: a.cfg.Device, Unit: j.unit, Function: j.r.fc,
			Address: j.r.addr, Count: j.r.count, Kind: KindBackedOff, Until: until}}
		return
	}
	attempts := 1 + a.cfg.Retries
	if probe {
		// After a back-off one request finds out whether the unit is back;
		// retrying it would cost the line what the back-off saved.
		attempts = 1
	}
	vals, err := a.attempt(j, attempts)
	a.settle(j.unit, err)
	j.done <- jobResult{vals: vals, err: err}
}

// gate returns the end of the unit's back-off while it lasts, or whether
// this request is the probe that ends it.
func (a *Arbiter) gate(unit byte) (until time.Time, probe bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.units[unit]
	if u == nil || u.BackedOffUntil.IsZero() {
		return time.Time{}, false
	}
	if a.now().Before(u.BackedOffUntil) {
		return u.BackedOffUntil, false
	}
	return time.Time{}, true
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
		a.tr.timeout = timeout
		a.handler.SlaveId = j.unit
		var vals []uint16
		vals, err = j.r.do(a.client)
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

// settle records the outcome for the unit. Not answering (after the
// retries) starts a back-off; any answer, even an exception or a bad CRC,
// shows the unit is there and ends it.
func (a *Arbiter) settle(unit byte, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.units[unit]
	if u == nil {
		u = &UnitStats{}
		a.units[unit] = u
	}
	if err == nil {
		u.OK++
		u.BackedOffUntil = time.Time{}
		return
	}
	u.Failed++
	u.LastError = err.Error()
	if kind, _ := classify(err); kind == KindNoResponse {
		u.BackedOffUntil = a.now().Add(a.cfg.DeadUnitBackoff)
	} else if kind != KindCanceled {
		u.BackedOffUntil = time.Time{}
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
		s.Units[id] = *u
	}
	return s
}
