package station

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	devctl "github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/station/composite"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Enforcing the limit (K01 onwards, and the site limits). The limit of an
// EVSE is the lowest of the composite of the CSMS's profiles, the
// charger's share of the site limits and the charger's own maximum. It is
// written with the template's limit command whenever the charger is
// released; a held charger offers nothing, whatever its limit. A lower
// limit is always written; a higher one only when it is more than
// LimitChangeSignificance percent above what the device has, so a
// fluctuating limit does not rewrite the device at every step.

// ConditionCurrentLimit says whether the charger reports the limit the
// station wrote (the template's currentLimitA signal).
const ConditionCurrentLimit = "CurrentLimit"

var smartCtrlr = devicemodel.Component{Name: "SmartChargingCtrlr"}

// unlimited stands for "no profile limits" when composing one source.
const unlimited = 1e6

// readbackGrace is how long after a write the device may report the old
// limit before the mismatch is a condition (a poll or two).
const readbackGrace = 15 * time.Second

// readbackTolerance absorbs devices that take whole amperes.
const readbackTolerance = 1.0

// limiter is what the station last wrote and reported, per EVSE.
type limiter struct {
	mu        sync.Mutex
	written   map[int]float64 // the limit the device took since it was last released
	writtenAt map[int]time.Time
	triedAt   map[int]time.Time
	shown     map[int]v1alpha1.EVSELimit // as last put in the status
	cond      v1alpha1.Condition         // CurrentLimit
	// notified is the site share the CSMS was last told of per EVSE
	// (NotifyChargingLimit; absent: none, or ClearedChargingLimit);
	// notifying marks a notification on its way.
	notified  map[int]float64
	notifying map[int]bool
}

func newLimiter() *limiter {
	return &limiter{written: map[int]float64{}, writtenAt: map[int]time.Time{}, triedAt: map[int]time.Time{},
		shown: map[int]v1alpha1.EVSELimit{}, notified: map[int]float64{}, notifying: map[int]bool{}}
}

// forget makes the next step write the limit again (the charger was
// released anew, or was unreachable and may have lost it).
func (l *limiter) forget(evse int) {
	l.mu.Lock()
	delete(l.written, evse)
	delete(l.triedAt, evse)
	l.mu.Unlock()
}

func (l *limiter) forgetAll() {
	l.mu.Lock()
	clear(l.written)
	clear(l.triedAt)
	l.mu.Unlock()
}

// compositeRequest is the composite request for evse from start: the
// charger's supply, its measured voltage when known, and the session.
func (s *Station) compositeRequest(evse int, start time.Time, duration int, unit ocpp.ChargingRateUnitEnumType) composite.Request {
	sup := s.cfg.Limits.Supply
	req := composite.Request{EVSEID: evse, Start: start, Duration: duration, Unit: unit,
		Voltage: sup.VoltageV, DefaultPhases: sup.Phases, MaxCurrentA: sup.MaxCurrentA, Location: s.location()}
	if v := s.measuredVoltage(evse); v > 0 {
		req.Voltage = v
	}
	s.ss.mu.Lock()
	if m := s.ss.machine(evse); m != nil && m.Session() != nil {
		req.SessionStart, req.TransactionID = m.Session().StartedAt, m.Session().ID
	}
	s.ss.mu.Unlock()
	return req
}

// measuredVoltage is the EVSE's L1 voltage when the charger reports a
// plausible one, else 0.
func (s *Station) measuredVoltage(evse int) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ref := range s.connectors() {
		if v, ok := s.obs.Signals[ref]["voltageV1"].(float64); ok && ref.EVSE == evse && v >= 100 && v <= 500 {
			return math.Round(v)
		}
	}
	return 0
}

// limitNow is the limit in force on evse at now, where it comes from, and
// when it changes next (zero: not within a day).
func (s *Station) limitNow(evse int, now time.Time) (v1alpha1.EVSELimit, time.Time) {
	sup := s.cfg.Limits.Supply
	req := s.compositeRequest(evse, now.Truncate(time.Second), 86400, ocpp.ChargingRateUnitA)
	req.FixedPhases = true // a W limit is what the charger draws on all its phases
	out := v1alpha1.EVSELimit{EVSEID: evse, LimitA: sup.MaxCurrentA, Source: v1alpha1.LimitSourceCharger}
	var csms, site []composite.Profile
	for _, q := range s.pf.snapshot() {
		if q.source == v1alpha1.ProfileSourceSite {
			site = append(site, q.Profile)
		} else {
			csms = append(csms, q.Profile)
		}
	}
	one := func(ps []composite.Profile) *float64 {
		if len(ps) == 0 {
			return nil
		}
		r := req
		r.MaxCurrentA = unlimited
		sched, err := composite.Compose(ps, r)
		if err != nil || sched.ChargingSchedulePeriod[0].Limit >= unlimited {
			return nil
		}
		v := floorTenth(sched.ChargingSchedulePeriod[0].Limit)
		return &v
	}
	out.CSMSLimitA, out.SiteShareA = one(csms), one(site)
	if n := len(s.cfg.Layout.EVSEs); n > 1 {
		// A station-wide limit (evseId 0) bounds the sum of the EVSEs:
		// each gets an equal part of it.
		shared := func(ps []composite.Profile, cur *float64) *float64 {
			r := req
			r.EVSEID, r.MaxCurrentA, r.SessionStart, r.TransactionID = 0, unlimited, time.Time{}, ""
			sched, err := composite.Compose(ps, r)
			if err != nil || len(ps) == 0 || sched.ChargingSchedulePeriod[0].Limit >= unlimited {
				return cur
			}
			v := floorTenth(sched.ChargingSchedulePeriod[0].Limit / float64(n))
			if cur != nil && *cur < v {
				return cur
			}
			return &v
		}
		out.CSMSLimitA, out.SiteShareA = shared(csms, out.CSMSLimitA), shared(site, out.SiteShareA)
	}
	if v := out.SiteShareA; v != nil && *v < out.LimitA {
		out.LimitA, out.Source = *v, v1alpha1.LimitSourceSite
	}
	if v := out.CSMSLimitA; v != nil && *v < out.LimitA {
		out.LimitA, out.Source = *v, v1alpha1.LimitSourceCSMS
	}
	sched, err := composite.Compose(append(csms, site...), req)
	if err != nil || len(sched.ChargingSchedulePeriod) < 2 {
		return out, time.Time{}
	}
	next := sched.ChargingSchedulePeriod[1]
	at := req.Start.Add(time.Duration(next.StartPeriod) * time.Second)
	v := floorTenth(next.Limit)
	out.NextChange, out.NextLimitA = at.UTC().Format(time.RFC3339), &v
	return out, at
}

// floorTenth rounds a current down to 0.1 A, never up past a limit.
func floorTenth(a float64) float64 { return math.Floor(a*10+1e-9) / 10 }

// enforceLimit writes the EVSE's limit to a released charger when it
// changed enough, reports it in the status, and returns when to look
// again (the next scheduled change, or a retry) and whether a limit the
// device had was changed (a session reports that as ChargingRateChanged).
func (s *Station) enforceLimit(ctx context.Context, evse int) (time.Time, bool) {
	if !s.cfg.Layout.SmartCharging {
		return time.Time{}, false
	}
	now := s.now()
	lim, due := s.limitNow(evse, now)
	s.mu.Lock()
	reachable := s.obs.Reachable && !s.obs.Connecting && s.obs.Polled
	s.mu.Unlock()
	// One device command at a time (cmdMu, as holds and releases): the site
	// limit controller counts a charger at what it last took (writtenAt)
	// and at every share stored since, which holds only while no write
	// that read the store before that confirmation is still under way.
	s.ss.cmdMu.Lock()
	s.ss.mu.Lock()
	released, known := s.ss.commanded(evse)
	s.ss.mu.Unlock()
	s.lim.mu.Lock()
	before, had := s.lim.written[evse]
	s.lim.mu.Unlock()
	switch {
	case !reachable:
	case known && !released:
		// A held charger offers nothing. Its limit is set to 0 as well:
		// where the hold is an enable register of its own (the KEBA's),
		// the limits on the devices then never add up to more than a site
		// limit gave out, and the release (start) writes the new one.
		if retry := s.writeLimit(ctx, evse, 0); !retry.IsZero() && (due.IsZero() || retry.Before(due)) {
			due = retry
		}
	case known:
		if s.raises(evse, lim.LimitA) {
			// A raise goes by the store, not by the list read at the last
			// change: a site share lowered a moment ago must not be undone.
			s.reloadProfiles()
			lim, due = s.limitNow(evse, now)
		}
		if retry := s.writeLimit(ctx, evse, s.offerable(lim.LimitA)); !retry.IsZero() && (due.IsZero() || retry.Before(due)) {
			due = retry
		}
	}
	s.ss.cmdMu.Unlock()
	s.lim.mu.Lock()
	w, ok := s.lim.written[evse]
	if ok {
		lim.WrittenA, lim.WrittenAt = &w, s.lim.writtenAt[evse].UTC().Format(time.RFC3339Nano)
	}
	rateChanged := had && ok && before > 0 && w > 0 && w != before
	changed := !sameLimit(s.lim.shown[evse], lim)
	s.lim.shown[evse] = lim
	s.lim.mu.Unlock()
	if c := s.checkReadback(evse); !c.IsZero() && (due.IsZero() || c.Before(due)) {
		due = c
	}
	if changed {
		s.writeStatus()
	}
	s.notifyExternal(evse, lim.SiteShareA)
	return due, rateChanged
}

// writeLimit writes limitA unless the device has it, or it is a raise
// within LimitChangeSignificance. It returns when to try again after a
// failure.
func (s *Station) writeLimit(ctx context.Context, evse int, limitA float64) time.Time {
	s.lim.mu.Lock()
	have, ok := s.lim.written[evse]
	tried := s.lim.triedAt[evse]
	s.lim.mu.Unlock()
	sig := s.model.Float(smartCtrlr, devicemodel.Variable{Name: "LimitChangeSignificance"}, 10)
	switch {
	case ok && limitA == have:
		return time.Time{}
	case ok && limitA > have && have > 0 && limitA-have <= have*sig/100:
		return time.Time{}
	case !tried.IsZero() && time.Since(tried) < retryHoldEvery:
		return tried.Add(retryHoldEvery)
	}
	err := s.commandLimit(ctx, evse, limitA)
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	if err != nil {
		if errors.Is(err, devctl.ErrNoDevice) || errors.Is(err, devctl.ErrNoData) {
			return time.Time{} // the step after the first poll writes it
		}
		s.lim.triedAt[evse] = time.Now()
		s.log.Warn("charging limit not written", "evse", evse, "limitA", limitA, "err", err)
		return s.lim.triedAt[evse].Add(retryHoldEvery)
	}
	delete(s.lim.triedAt, evse)
	s.lim.written[evse], s.lim.writtenAt[evse] = limitA, time.Now()
	s.log.Info("charging limit written", "evse", evse, "limitA", limitA)
	return time.Time{}
}

// commandLimit runs the template's limit command; a power limit is the
// current at the charger's voltage and phases.
func (s *Station) commandLimit(ctx context.Context, evse int, limitA float64) error {
	conn := s.firstConnector(evse)
	if s.cfg.Limits.Command == "setPowerLimit" {
		sup := s.cfg.Limits.Supply
		v := sup.VoltageV
		if m := s.measuredVoltage(evse); m > 0 {
			v = m
		}
		return s.host.Command(ctx, "setPowerLimit", conn, cel.Args{LimitW: math.Floor(limitA * v * float64(sup.Phases))})
	}
	return s.host.Command(ctx, "setCurrentLimit", conn, cel.Args{LimitA: limitA})
}

// sameLimit compares what the status shows, ignoring when it was written.
func sameLimit(a, b v1alpha1.EVSELimit) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.EVSEID == b.EVSEID && a.LimitA == b.LimitA && a.Source == b.Source && eq(a.CSMSLimitA, b.CSMSLimitA) &&
		eq(a.SiteShareA, b.SiteShareA) && eq(a.WrittenA, b.WrittenA) && a.NextChange == b.NextChange && eq(a.NextLimitA, b.NextLimitA)
}

// limitsStatus lists the limits as last shown, by EVSE.
func (s *Station) limitsStatus() []v1alpha1.EVSELimit {
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	var out []v1alpha1.EVSELimit
	for _, e := range s.cfg.Layout.EVSEs {
		if l, ok := s.lim.shown[e.ID]; ok {
			out = append(out, l)
		}
	}
	return out
}

// checkReadback compares the limit the charger reports (currentLimitA)
// with the one written, once the device had time to take it, and keeps
// the CurrentLimit condition. It returns when to check again.
func (s *Station) checkReadback(evse int) time.Time {
	if !s.cfg.Limits.Readback {
		return time.Time{}
	}
	s.mu.Lock()
	var reported *float64
	for _, ref := range s.connectors() {
		if v, ok := s.obs.Signals[ref]["currentLimitA"].(float64); ok && ref.EVSE == evse {
			reported = &v
		}
	}
	s.mu.Unlock()
	s.ss.mu.Lock()
	released, _ := s.ss.commanded(evse)
	s.ss.mu.Unlock()
	s.lim.mu.Lock()
	w, ok := s.lim.written[evse]
	at := s.lim.writtenAt[evse]
	s.lim.mu.Unlock()
	if !ok || !released || reported == nil {
		return time.Time{}
	}
	if wait := at.Add(readbackGrace); time.Now().Before(wait) {
		return wait
	}
	c := v1alpha1.Condition{Type: ConditionCurrentLimit, Status: v1alpha1.ConditionTrue, Reason: "Applied",
		Message: fmt.Sprintf("EVSE %d reports %.1f A as written", evse, w)}
	if math.Abs(*reported-w) > readbackTolerance {
		c = v1alpha1.Condition{Type: ConditionCurrentLimit, Status: v1alpha1.ConditionFalse, Reason: "Mismatch",
			Message: fmt.Sprintf("EVSE %d reports a limit of %.1f A, but %.1f A was written at %s", evse, *reported, w, at.UTC().Format(time.RFC3339))}
	}
	s.lim.mu.Lock()
	changed := s.lim.cond.Status != c.Status || s.lim.cond.Message != c.Message
	if changed && c.Status == v1alpha1.ConditionFalse {
		s.log.Warn("the charger does not report the limit written", "evse", evse, "writtenA", w, "reportedA", *reported)
	}
	s.lim.cond = c
	s.lim.mu.Unlock()
	if changed {
		s.writeStatus()
	}
	return time.Time{}
}

// startLimit is the current a released charger may offer at once: the
// template's start may write it (chargers whose start and limit share one
// register), so a release never offers more than the limit in force.
func (s *Station) startLimit(evse int) float64 {
	if !s.cfg.Layout.SmartCharging {
		return s.cfg.Limits.Supply.MaxCurrentA
	}
	s.reloadProfiles() // a release is a raise: by the store, as in enforceLimit
	lim, _ := s.limitNow(evse, s.now())
	return s.offerable(lim.LimitA)
}

// raises reports whether writeLimit would give the device more than it was
// last known to have (a raise within LimitChangeSignificance is not
// written, so it does not count).
func (s *Station) raises(evse int, limitA float64) bool {
	sig := s.model.Float(smartCtrlr, devicemodel.Variable{Name: "LimitChangeSignificance"}, 10)
	s.lim.mu.Lock()
	defer s.lim.mu.Unlock()
	have, ok := s.lim.written[evse]
	want := s.offerable(limitA)
	return !ok || (want > have && (have == 0 || want-have > have*sig/100))
}

// offerable is the current a charger can be given for a limit: below its
// minimum (IEC 61851-1 signals no less than 6 A) it pauses at 0 A rather
// than be given a value it would refuse or round up.
func (s *Station) offerable(limitA float64) float64 {
	if limitA < s.cfg.Limits.Supply.MinCurrentA {
		return 0
	}
	return limitA
}
