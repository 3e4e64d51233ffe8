package tx

import (
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Point is a TxStartPoint / TxStopPoint value the gateway can observe.
type Point string

// The observable points. DataSigned and ParkingBayOccupancy need hardware
// a legacy charger does not report, so they are never offered.
const (
	EVConnected     Point = "EVConnected"
	Authorized      Point = "Authorized"
	PowerPathClosed Point = "PowerPathClosed"
	EnergyTransfer  Point = "EnergyTransfer"
)

// Points lists every point in the order the device model offers them.
var Points = []Point{EVConnected, Authorized, PowerPathClosed, EnergyTransfer}

// Settings are the TxCtrlr and SampledDataCtrlr values in force.
type Settings struct {
	StartPoints, StopPoints []Point
	// EVConnectionTimeOut ends an authorization (and a session started by
	// it) when no EV is plugged in within it; 0 disables it.
	EVConnectionTimeOut time.Duration
	// UpdatedInterval is TxUpdatedInterval; 0 sends no periodic events.
	UpdatedInterval time.Duration
}

// Observed is what the charger reports for one EVSE. When Known is false
// (the device is unreachable, not polled yet, or its EV state is unknown)
// nothing is decided: a session is neither started nor ended on a guess.
type Observed struct {
	Known       bool
	EVConnected bool
	// Charging: the charger reports its power path closed (IEC 61851 C2).
	Charging bool
	// Suspended: plugged in and not charging, by the EV or the EVSE.
	Suspended bool
	// Flowing: energy flows (power above the idle noise). Without a power
	// signal it follows Charging.
	Flowing bool
	// Blocked: the station holds the charger from charging (no valid
	// authorization, a remote stop, an invalid token).
	Blocked bool
}

// Source is where an authorization came from.
type Source string

// The sources of an authorization.
const (
	SourceRemote Source = "Remote" // RequestStartTransaction
	SourceLocal  Source = "Local"  // the charger's reader, through Authorize
	SourceAuto   Source = "Auto"   // AutoStart with the operator's token
)

// Auth is one granted authorization.
type Auth struct {
	IDToken       ocpp.IdTokenType
	Source        Source
	RemoteStartID *int
	At            time.Time
}

// Event is one TransactionEvent to send, without seqNo, meter values and
// timestamp, which the station adds.
type Event struct {
	Type          ocpp.TransactionEventEnumType
	Trigger       ocpp.TriggerReasonEnumType
	ChargingState ocpp.ChargingStateEnumType
	StoppedReason ocpp.ReasonEnumType
	// IDToken is set on the event that first carries the token.
	IDToken *ocpp.IdTokenType
	// RemoteStartID is set on the event caused by a remote start.
	RemoteStartID *int
	// Context is the meter values' reading context; "" sends none.
	Context ocpp.ReadingContextEnumType
	// Tx is the session the event belongs to, as it is after the event.
	Tx *State
}

// State is a session's progress, as the station persists it.
type State struct {
	ID            string
	StartedAt     time.Time
	ChargingState ocpp.ChargingStateEnumType
	Authorized    bool
	IDToken       *ocpp.IdTokenType
	RemoteStartID *int
	Seen          []Point
	StopReason    ocpp.ReasonEnumType
	LastPeriodic  time.Time
}

func (s *State) seen(p Point) bool { return slices.Contains(s.Seen, p) }

// revocation is an authorization ended by the CSMS, a timeout or the
// driver, waiting for the next Step to be reported.
type revocation struct {
	trigger ocpp.TriggerReasonEnumType
	reason  ocpp.ReasonEnumType
}

// Machine is one EVSE's session logic. It is not safe for concurrent use.
type Machine struct {
	newID func() string
	auth  *Auth
	tx    *State
	last  Observed
	// granted: an authorization arrived since the last Step.
	granted bool
	revoked *revocation
	// spent: a session ended with the EV still plugged in. Until the EV
	// leaves, only a new authorization starts another: the cable, the
	// power path and the energy flow belong to the session that ended.
	spent bool
}

// New returns a machine for an idle EVSE; newID makes transactionIds.
func New(newID func() string) *Machine { return &Machine{newID: newID} }

// Restore continues a session picked up from the store after a restart.
func (m *Machine) Restore(s State, auth *Auth) {
	m.tx = &s
	m.auth = auth
	m.last = Observed{Known: true, EVConnected: s.seen(EVConnected) && s.ChargingState != ocpp.ChargingStateIdle}
}

// Session returns the open session, or nil.
func (m *Machine) Session() *State { return m.tx }

// Authorization returns the authorization in force, or nil.
func (m *Machine) Authorization() *Auth { return m.auth }

// Authorize grants an authorization. It is reported at the next Step.
func (m *Machine) Authorize(a Auth) {
	m.auth = &a
	m.granted = true
	m.revoked = nil
}

// Withdraw takes back an authorization that never took effect (the
// charger did not take the release); nothing is reported.
func (m *Machine) Withdraw() {
	m.auth = nil
	m.granted = false
}

// Revoke ends the authorization in force (a remote stop, an invalid token,
// a local stop); trigger and reason are reported at the next Step.
func (m *Machine) Revoke(trigger ocpp.TriggerReasonEnumType, reason ocpp.ReasonEnumType) {
	m.auth = nil
	m.granted = false
	m.revoked = &revocation{trigger, reason}
	if m.tx != nil && m.tx.StopReason == "" {
		m.tx.StopReason = reason
	}
}

// NextDue is when Step must run even if nothing changes: the next
// periodic event or the EV connection timeout. Zero means never.
func (m *Machine) NextDue(s Settings) time.Time {
	var due time.Time
	if m.tx != nil && s.UpdatedInterval > 0 {
		due = m.tx.LastPeriodic.Add(s.UpdatedInterval)
	}
	if t := m.timeoutAt(s); !t.IsZero() && (due.IsZero() || t.Before(due)) {
		due = t
	}
	return due
}

// timeoutAt is when an authorization without a plugged-in EV expires.
func (m *Machine) timeoutAt(s Settings) time.Time {
	if m.auth == nil || s.EVConnectionTimeOut <= 0 || m.last.EVConnected || (m.tx != nil && m.tx.seen(EVConnected)) {
		return time.Time{}
	}
	return m.auth.At.Add(s.EVConnectionTimeOut)
}

// points are the points true now.
func (m *Machine) points(o Observed) map[Point]bool {
	return map[Point]bool{EVConnected: o.EVConnected, Authorized: m.auth != nil,
		PowerPathClosed: o.Charging, EnergyTransfer: o.Charging && o.Flowing}
}

// chargingState derives the OCPP chargingState. Before authorization a
// plugged-in EV is EVConnected whatever the charger shows, since the
// station holds it; after, a charger that does not charge is suspended by
// the EVSE when the station blocks it, else by the EV.
func (m *Machine) chargingState(o Observed) ocpp.ChargingStateEnumType {
	switch {
	case !o.EVConnected && !o.Charging:
		return ocpp.ChargingStateIdle
	case o.Charging && o.Flowing:
		return ocpp.ChargingStateCharging
	case o.Charging:
		return ocpp.ChargingStateSuspendedEV // power path closed, the EV takes nothing
	case m.auth == nil && !o.Blocked:
		return ocpp.ChargingStateEVConnected
	case o.Blocked:
		if m.auth == nil && m.revoked == nil && (m.tx == nil || m.tx.StopReason == "") {
			return ocpp.ChargingStateEVConnected // waiting for authorization
		}
		return ocpp.ChargingStateSuspendedEVSE
	case o.Suspended:
		return ocpp.ChargingStateSuspendedEV
	}
	return ocpp.ChargingStateEVConnected
}
