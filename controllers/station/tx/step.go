package tx

import (
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Step derives the events of what changed since the last Step: a session
// starts at the first TxStartPoint that holds and ends when a TxStopPoint
// seen during the session no longer holds. Call it on every observation
// and at NextDue.
func (m *Machine) Step(o Observed, s Settings, now time.Time) []Event {
	if !o.Known {
		return nil
	}
	defer func() { m.last = o }()
	if t := m.timeoutAt(s); !t.IsZero() && !o.EVConnected && !now.Before(t) {
		m.Revoke(ocpp.TriggerReasonEVConnectTimeout, ocpp.ReasonTimeout)
	}
	if m.tx == nil {
		return m.maybeStart(o, s, now)
	}
	return m.continueTx(o, s, now)
}

func (m *Machine) maybeStart(o Observed, s Settings, now time.Time) []Event {
	pts := m.points(o)
	if m.spent = m.spent && (o.EVConnected || o.Charging); m.spent {
		pts[EVConnected], pts[PowerPathClosed], pts[EnergyTransfer] = false, false, false
	}
	if !slices.ContainsFunc(s.StartPoints, func(p Point) bool { return pts[p] }) {
		// An authorization granted or ended before any session has nothing
		// to report; once the session starts, what started it is the trigger.
		m.granted, m.revoked = false, nil
		return nil
	}
	t := &State{ID: m.newID(), StartedAt: now, LastPeriodic: now}
	for _, p := range Points {
		if pts[p] {
			t.Seen = append(t.Seen, p)
		}
	}
	ev := Event{Type: ocpp.TransactionEventStarted, Trigger: m.startTrigger(o), Context: ocpp.ReadingContextTransactionBegin}
	m.tx = t
	if m.auth != nil {
		m.carryAuth(&ev)
	}
	t.ChargingState = m.chargingState(o)
	ev.ChargingState = t.ChargingState
	m.granted, m.revoked = false, nil
	ev.Tx = t
	return []Event{ev}
}

// startTrigger names what started the session: an authorization that
// arrived since the last step, a cable plugged in, the charger starting.
func (m *Machine) startTrigger(o Observed) ocpp.TriggerReasonEnumType {
	switch {
	case m.granted && m.auth != nil:
		return authTrigger(m.auth)
	case o.EVConnected && !m.last.EVConnected:
		return ocpp.TriggerReasonCablePluggedIn
	case o.Charging && !m.last.Charging:
		return ocpp.TriggerReasonChargingStateChanged
	case o.EVConnected:
		return ocpp.TriggerReasonCablePluggedIn // plugged in before the station knew
	}
	return authTrigger(m.auth)
}

func authTrigger(a *Auth) ocpp.TriggerReasonEnumType {
	if a != nil && a.Source == SourceRemote {
		return ocpp.TriggerReasonRemoteStart
	}
	return ocpp.TriggerReasonAuthorized
}

// carryAuth puts the authorization on the session and, the first time,
// its token and remoteStartId on ev.
func (m *Machine) carryAuth(ev *Event) {
	t, a := m.tx, m.auth
	t.Authorized = true
	if t.IDToken == nil || t.IDToken.IDToken != a.IDToken.IDToken || t.IDToken.Type != a.IDToken.Type {
		tok := a.IDToken
		t.IDToken, ev.IDToken = &tok, &tok
	}
	if a.RemoteStartID != nil && t.RemoteStartID == nil {
		id := *a.RemoteStartID
		t.RemoteStartID, ev.RemoteStartID = &id, &id
	}
}

func (m *Machine) continueTx(o Observed, s Settings, now time.Time) []Event {
	t := m.tx
	pts := m.points(o)
	for _, p := range Points {
		if pts[p] && !t.seen(p) {
			t.Seen = append(t.Seen, p)
		}
	}
	cs := m.chargingState(o)
	if p, end := m.endPoint(pts, o, s); end {
		trigger, reason := m.endCause(p, o)
		ev := Event{Type: ocpp.TransactionEventEnded, Trigger: trigger, ChargingState: cs, StoppedReason: reason,
			Context: ocpp.ReadingContextTransactionEnd, Tx: t}
		t.ChargingState, t.StopReason, t.Authorized = cs, reason, false
		m.tx, m.auth, m.granted, m.revoked = nil, nil, false, nil
		m.spent = o.EVConnected || o.Charging
		return []Event{ev}
	}
	var out []Event
	ev := Event{Type: ocpp.TransactionEventUpdated, ChargingState: cs, Tx: t}
	switch {
	case m.granted && m.auth != nil:
		ev.Trigger = authTrigger(m.auth)
		m.carryAuth(&ev)
	case m.revoked != nil:
		ev.Trigger = m.revoked.trigger
		t.Authorized = false
	case o.EVConnected && !m.last.EVConnected:
		ev.Trigger = ocpp.TriggerReasonCablePluggedIn
	case cs != t.ChargingState:
		ev.Trigger = ocpp.TriggerReasonChargingStateChanged
	}
	t.ChargingState = cs
	m.granted, m.revoked = false, nil
	if ev.Trigger != "" {
		out = append(out, ev)
	}
	if s.UpdatedInterval > 0 && !now.Before(t.LastPeriodic.Add(s.UpdatedInterval)) {
		out = append(out, Event{Type: ocpp.TransactionEventUpdated, Trigger: ocpp.TriggerReasonMeterValuePeriodic,
			ChargingState: cs, Context: ocpp.ReadingContextSamplePeriodic, Tx: t})
		t.LastPeriodic = now
	}
	return out
}

// endPoint finds a TxStopPoint that held during the session and holds no
// more. A session that nothing holds any longer (no EV, no authorization,
// no power) ends too, whatever the stop points: an authorization that
// timed out or was revoked before the EV came leaves nothing to wait for.
func (m *Machine) endPoint(pts map[Point]bool, o Observed, s Settings) (Point, bool) {
	for _, p := range s.StopPoints {
		if m.tx.seen(p) && !pts[p] {
			return p, true
		}
	}
	if !o.EVConnected && !o.Charging && m.auth == nil {
		return Authorized, true
	}
	return "", false
}

// endCause is the triggerReason and stoppedReason of an end at point p.
// The first reason recorded (a remote stop, say, before the EV left) wins.
func (m *Machine) endCause(p Point, o Observed) (ocpp.TriggerReasonEnumType, ocpp.ReasonEnumType) {
	var trigger ocpp.TriggerReasonEnumType
	switch {
	case m.revoked != nil:
		trigger = m.revoked.trigger
	case !o.EVConnected && m.last.EVConnected:
		trigger = ocpp.TriggerReasonEVCommunicationLost
	case p == Authorized:
		trigger = ocpp.TriggerReasonDeauthorized
	default:
		trigger = ocpp.TriggerReasonChargingStateChanged
	}
	reason := m.tx.StopReason
	if reason == "" {
		switch {
		case !o.EVConnected:
			reason = ocpp.ReasonEVDisconnected
		case p == Authorized:
			reason = ocpp.ReasonDeAuthorized
		default:
			reason = ocpp.ReasonStoppedByEV
		}
	}
	return trigger, reason
}

// Stop ends the open session at once (a reset, a power loss found after a
// restart) with trigger and reason, and returns its Ended event.
func (m *Machine) Stop(o Observed, trigger ocpp.TriggerReasonEnumType, reason ocpp.ReasonEnumType) []Event {
	if m.tx == nil {
		return nil
	}
	t := m.tx
	cs := t.ChargingState
	if o.Known {
		cs = m.chargingState(o)
	}
	if m.tx.StopReason != "" {
		reason = m.tx.StopReason
	}
	m.tx.ChargingState, m.tx.StopReason, m.tx.Authorized = cs, reason, false
	m.tx, m.auth, m.granted, m.revoked = nil, nil, false, nil
	m.spent = !o.Known || o.EVConnected || o.Charging
	return []Event{{Type: ocpp.TransactionEventEnded, Trigger: trigger, ChargingState: cs, StoppedReason: reason,
		Context: ocpp.ReadingContextTransactionEnd, Tx: t}}
}

// Meter is an Updated event that carries meter values and changes nothing
// else: a TriggerMessage(TransactionEvent) (Trigger, Trigger) or a
// clock-aligned sample during the session (MeterValueClock, Sample.Clock).
// It is nil without an open session.
func (m *Machine) Meter(trigger ocpp.TriggerReasonEnumType, context ocpp.ReadingContextEnumType) *Event {
	if m.tx == nil {
		return nil
	}
	return &Event{Type: ocpp.TransactionEventUpdated, Trigger: trigger, ChargingState: m.tx.ChargingState, Context: context, Tx: m.tx}
}
