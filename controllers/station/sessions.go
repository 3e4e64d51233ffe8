package station

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Charging sessions (functional blocks E, F, C, J). Each EVSE has a
// tx.Machine; its events become TransactionEvents that are stored in the
// session's Transaction object before they are queued for the CSMS
// (outbox.go). Sessions run whether or not the CSMS is connected: a stepper
// (stepper.go) steps the machines on every observation and at their due
// times, on a goroutine that exists only while it steps, and holds the
// charger (enforce.go) until a session is authorized.

var (
	txCtrlr      = devicemodel.Component{Name: "TxCtrlr"}
	sampledCtrlr = devicemodel.Component{Name: "SampledDataCtrlr"}
	authCtrlr    = devicemodel.Component{Name: "AuthCtrlr"}
)

// sessions is a station's session state. Lock order: Station.mu before
// sessions.mu; nothing holds sessions.mu while calling the device or the
// CSMS.
type sessions struct {
	mu      sync.Mutex
	evses   map[int]*evseState // by EVSE id, one per EVSE of the layout
	records map[string]*txRecord
	queue   []queued      // the outbox of the station, in creation order
	dropped int           // events given up since start, for the log
	wake    *stepper      // steps the machines (runSessions)
	ready   chan struct{} // the outbox has something new
	// adopt holds the remote starts' profiles recorded since the last
	// record call, to be installed as TxProfiles.
	adopt []txProfile
	// alignedNext is the next clock-aligned boundary of AlignedDataCtrlr
	// interval alignedEvery, for sessions' MeterValueClock events.
	alignedNext  time.Time
	alignedEvery time.Duration
	// cmdMu serializes holding and releasing chargers, so that a remote
	// start's release and the session loop's hold never interleave.
	cmdMu sync.Mutex
	// holds counts CSMS requests being answered whose follow-up events
	// must not overtake the answer; the outbox waits while it is above 0.
	holds int
}

// evseState is what sessions keep per EVSE, under sessions.mu.
type evseState struct {
	machine *tx.Machine
	// lastToken is the idToken the reader reported last: a card is
	// authorized once when it appears.
	lastToken string
	// cards are the cards shown that the session loop has not sent in an
	// Authorize yet.
	cards []string
	// commanded is what the charger was last told (true: released), if
	// told; triedAt/triedWant the last attempt, for retries.
	commanded, told bool
	triedAt         time.Time
	triedWant       bool
	// flowing: energy flows at the EVSE (last step); heldAt: when it was
	// last held. A held charger that charges is held again.
	flowing bool
	heldAt  time.Time
	// invalid: the CSMS refused the session's token and StopTxOnInvalidId
	// is false, so the session stays but the charger is held.
	invalid bool
	// autoDone: an AutoStart session ended with the EV still plugged in;
	// no new one starts until it leaves.
	autoDone bool
	// profile is the chargingProfile of a remote start until its session
	// records it.
	profile []byte
}

func newSessions(layout devicemodel.Layout) *sessions {
	ss := &sessions{evses: map[int]*evseState{}, records: map[string]*txRecord{},
		wake: &stepper{}, ready: make(chan struct{}, 1)}
	for _, e := range layout.EVSEs {
		ss.evses[e.ID] = &evseState{machine: tx.New(uuid.NewString)}
	}
	return ss
}

// machine is the EVSE's machine; nil for an EVSE the layout has not.
func (ss *sessions) machine(evse int) *tx.Machine {
	if e := ss.evses[evse]; e != nil {
		return e.machine
	}
	return nil
}

// command notes what the charger took (true: released).
func (e *evseState) command(released bool) { e.commanded, e.told = released, true }

// commanded is what the EVSE's charger was last told (true: released),
// and whether it was told since it was last unreachable.
func (ss *sessions) commanded(evse int) (released, known bool) {
	if e := ss.evses[evse]; e != nil {
		return e.commanded, e.told
	}
	return false, false
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// txSettings reads TxCtrlr and SampledDataCtrlr as they are now.
func (s *Station) txSettings() tx.Settings {
	points := func(name string) []tx.Point {
		var out []tx.Point
		for _, p := range splitList(s.model.Value(txCtrlr, devicemodel.Variable{Name: name})) {
			out = append(out, tx.Point(p))
		}
		return out
	}
	sec := func(c devicemodel.Component, name string, def int) time.Duration {
		return seconds(s.model.Int(c, devicemodel.Variable{Name: name}, def))
	}
	return tx.Settings{StartPoints: points("TxStartPoint"), StopPoints: points("TxStopPoint"),
		EVConnectionTimeOut: sec(txCtrlr, "EVConnectionTimeOut", 120),
		UpdatedInterval:     sec(sampledCtrlr, "TxUpdatedInterval", 60)}
}

// observed turns an EVSE's signals into what the machine decides on. The
// EVSE's first connector with signals speaks for it. Without a known EV
// state (device unreachable, not polled, evConnected unknown) nothing is
// decided.
func (s *Station) observed(evse int, blocked bool) (tx.Observed, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ref := range s.connectors() {
		if ref.EVSE != evse {
			continue
		}
		sig := s.obs.Signals[ref]
		if !s.obs.Reachable || s.obs.Connecting || sig == nil || s.obs.Unknown[ref]["evConnected"] != "" {
			return tx.Observed{}, nil
		}
		powerW, hasPower := sig["powerW"].(float64)
		charging := flag(sig, "charging", false)
		o := tx.Observed{Known: true, Charging: charging || (hasPower && powerW > flowingW),
			Suspended: flag(sig, "suspended", false), Blocked: blocked}
		o.EVConnected = flag(sig, "evConnected", o.Charging || o.Suspended)
		o.Flowing = o.Charging && (!hasPower || powerW > flowingW)
		return o, sig
	}
	return tx.Observed{}, nil
}

// runSessions steps the machines until ctx ends: at once, at each
// observation, at the machines' due times, and when a CSMS request changed
// one. The steps run on a goroutine only while there is one to take; the
// returned stop waits for a step under way.
func (s *Station) runSessions(ctx context.Context) (stop func()) {
	first := true
	s.ss.wake.start(func() time.Time {
		if ctx.Err() != nil {
			return time.Time{}
		}
		if first {
			first = false
			s.reloadProfiles()
			s.restoreSessions()
		}
		return s.stepAll(ctx)
	})
	return s.ss.wake.stop
}

// stepAll steps every EVSE's machine, stores and queues the events, holds
// or releases the chargers, and returns the next due time.
func (s *Station) stepAll(ctx context.Context) time.Time {
	settings := s.txSettings()
	s.mu.Lock()
	reachable := s.obs.Reachable && !s.obs.Connecting
	s.mu.Unlock()
	if !reachable {
		s.forgetCommanded() // it may have restarted: tell it again once it answers
	}
	fireAligned, next := s.alignedDue(s.now())
	for _, e := range s.cfg.Layout.EVSEs {
		s.readCard(e.ID)
		blocked := !s.released(e.ID)
		o, sig := s.observed(e.ID, blocked)
		now := s.now()
		s.ss.mu.Lock()
		st := s.ss.evses[e.ID]
		m := st.machine
		if o.Known && !o.EVConnected && !o.Charging {
			st.autoDone = false
		}
		if s.cfg.Auth.Mode == v1alpha1.AuthAutoStart && o.Known && (o.EVConnected || o.Charging) && m.Authorization() == nil &&
			m.Session() == nil && !st.autoDone {
			m.Authorize(tx.Auth{IDToken: s.cfg.Auth.Token, Source: tx.SourceAuto, At: now})
		}
		events := m.Step(o, settings, now)
		st.flowing = o.Known && o.Charging && o.Flowing
		if fireAligned && sig != nil && !ended(events) {
			if ev := m.Meter(ocpp.TriggerReasonMeterValueClock, ocpp.ReadingContextSampleClock); ev != nil {
				events = append(events, *ev)
			}
		}
		if ended(events) {
			st.invalid = false
			st.autoDone = s.cfg.Auth.Mode == v1alpha1.AuthAutoStart && (o.EVConnected || o.Charging)
		}
		due := m.NextDue(settings)
		s.ss.mu.Unlock()
		s.record(e.ID, events, sig)
		s.progress(e.ID, sig)
		if d := s.sampleEnded(e.ID, sig, now); !d.IsZero() && (due.IsZero() || d.Before(due)) {
			due = d
		}
		s.enforce(ctx, e.ID)
		d, rateChanged := s.enforceLimit(ctx, e.ID)
		if !d.IsZero() && (due.IsZero() || d.Before(due)) {
			due = d
		}
		if rateChanged {
			s.ss.mu.Lock()
			ev := m.Meter(ocpp.TriggerReasonChargingRateChanged, ocpp.ReadingContextOther)
			s.ss.mu.Unlock()
			if ev != nil {
				s.record(e.ID, []tx.Event{*ev}, sig)
			}
		}
		s.ss.mu.Lock()
		if tried := st.triedAt; !tried.IsZero() && (due.IsZero() || tried.Add(retryHoldEvery).Before(due)) {
			due = tried.Add(retryHoldEvery) // a command the device did not take is tried again
		}
		s.ss.mu.Unlock()
		if !due.IsZero() && (next.IsZero() || due.Before(next)) {
			next = due
		}
	}
	return next
}

// openSession returns the id of the EVSE's open session, or "".
func (s *Station) openSession(evse int) string {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	if m := s.ss.machine(evse); m != nil && m.Session() != nil {
		return m.Session().ID
	}
	return ""
}

// sessionEVSE finds the EVSE whose open session has id, or 0.
func (s *Station) sessionEVSE(id string) int {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	for evse, e := range s.ss.evses {
		if t := e.machine.Session(); t != nil && t.ID == id {
			return evse
		}
	}
	return 0
}

// firstConnector is the id of the EVSE's first connector, which speaks and
// is commanded for it (1 when the layout has none).
func (s *Station) firstConnector(evse int) int {
	for _, e := range s.cfg.Layout.EVSEs {
		if e.ID == evse && len(e.Connectors) > 0 {
			return e.Connectors[0].ID
		}
	}
	return 1
}

// evseIDs lists the layout's EVSE ids in order.
func (s *Station) evseIDs() []int {
	var ids []int
	for _, e := range s.cfg.Layout.EVSEs {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// stopAllSessions ends every open session at once (an immediate reset)
// and returns when the Ended events are stored.
func (s *Station) stopAllSessions(trigger ocpp.TriggerReasonEnumType, reason ocpp.ReasonEnumType) {
	for _, evse := range s.evseIDs() {
		o, sig := s.observed(evse, true)
		s.ss.mu.Lock()
		events := s.ss.machine(evse).Stop(o, trigger, reason)
		s.ss.mu.Unlock()
		s.record(evse, events, sig)
	}
}

func ended(events []tx.Event) bool {
	return slices.ContainsFunc(events, func(e tx.Event) bool { return e.Type == ocpp.TransactionEventEnded })
}
