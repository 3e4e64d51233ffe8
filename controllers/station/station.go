package station

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// Host is what a station needs from the controller that runs it.
type Host interface {
	// Status queues an edit of the fields the station owns in its
	// Charger's status (status.ocpp, connector statuses, Registered).
	Status(edit func(*controllers.Status) error)
	// Persist stores what the CSMS set and returns once it is durable, so a
	// CALLRESULT never acknowledges something a crash could lose.
	Persist(p Persisted) error
	// SavePassword stores a Basic-auth password the CSMS set in the
	// station's own Secret, durably, and returns its reference.
	SavePassword(password string) (*v1alpha1.SecretKeyRef, error)
	// Command runs a canonical command on the charger's device.
	Command(ctx context.Context, name string, connector int, args cel.Args) error
	// SaveTransaction stores a session (creating it when create is set)
	// and returns once it is on disk: an event is never sent before.
	SaveTransaction(t *v1alpha1.Transaction, create bool) error
	// Transactions lists the stored sessions of the station's charger.
	Transactions() ([]*v1alpha1.Transaction, error)
	// SaveProfiles stores the profiles put and deletes those named in del,
	// all or nothing, and returns once that is on disk.
	SaveProfiles(put []*v1alpha1.ChargingProfile, del []string) error
	// Profiles lists the ChargingProfiles that name the station's charger.
	Profiles() ([]*v1alpha1.ChargingProfile, error)
}

// Observation is what the charger's device side reports, from its status.
type Observation struct {
	Reachable bool
	// Connecting: the device has not been polled yet, so no signal is known.
	Connecting bool
	// Polled: the charger controller reported a successful poll
	// (DeviceReachable True). Sessions command the device only then.
	Polled  bool
	Signals map[ConnectorRef]map[string]any
	// Unknown holds, per connector, the mapped signals the last poll could
	// not compute, with the reason.
	Unknown map[ConnectorRef]map[string]string
}

// The Registered condition and its reasons, on the Charger.
const (
	ConditionRegistered = "Registered"
	ReasonAccepted      = "Accepted"
	ReasonPending       = "Pending"
	ReasonRejected      = "Rejected"
	ReasonConnecting    = "Connecting"
	ReasonOffline       = "Offline"
)

// Station is one Charger presented to its CSMS as an OCPP 2.0.1 Charging
// Station. Run owns the connection: every CALL the station sends is made
// from Run's goroutine, one at a time; CSMS requests are answered by handle
// on the connection's goroutine and hand follow-up work to Run.
type Station struct {
	cfg   Config
	host  Host
	log   *slog.Logger
	model *devicemodel.Model

	backoff  *Backoff
	reporter *Reporter
	actions  chan action   // follow-up work for the session loop
	wake     chan struct{} // the observation or availability changed

	mu           sync.Mutex
	obs          Observation
	availability map[ConnectorRef]ocpp.OperationalStatusEnumType
	scheduled    map[ConnectorRef]ocpp.OperationalStatusEnumType
	registration ocpp.RegistrationStatusEnumType
	booted       bool // a BootNotification was accepted since the last (virtual) reboot
	bootReason   ocpp.BootReasonEnumType
	offset       time.Duration // CSMS clock minus ours
	events       []ocpp.SecurityEventNotificationRequest
	persisted    Persisted
	passwordRef  *v1alpha1.SecretKeyRef
	connPassword string // the password the current connection was made with
	state        stateInfo
	reported     map[ConnectorRef]string // the status last acknowledged per connector
	resetPending bool                    // an OnIdle reset waits for charging to end
	attempts     int                     // failed connections in a row; picks the network profile
	connects     int                     // connections opened; only Run's goroutine uses it
	online       bool                    // a session with an accepted boot is up
	control      v1alpha1.Condition      // the ChargingControl condition
	ss           *sessions
	pf           profiles // the installed charging profiles
	lim          *limiter // the limits written and shown
	zone         zoneCache
}

// action is work the session loop does on the live connection.
type action func(ctx context.Context, c *rpc.Conn) error

// errReboot ends a session for a virtual reboot (Reset), errReconnect for a
// reconnect (a new password); the next connection is made at once, without
// back-off, and after errReconnect without a new BootNotification.
var (
	errReboot    = errors.New("station: reboot")
	errReconnect = errors.New("station: reconnect")
)

type stateInfo struct {
	State, Reason, Message string
	LastBootTime           string
	LastConnectTime        string
	HeartbeatInterval      int
}

// New builds a station from its configuration and what the CSMS set before.
func New(cfg Config, saved Persisted, passwordRef *v1alpha1.SecretKeyRef, host Host, log *slog.Logger) *Station {
	s := &Station{cfg: cfg, host: host, log: log.With("station", cfg.StationID),
		backoff:  NewBackoff(0, 0, 0, cfg.Seed),
		reporter: NewReporter(), actions: make(chan action, 16), wake: make(chan struct{}, 1),
		availability: map[ConnectorRef]ocpp.OperationalStatusEnumType{}, scheduled: map[ConnectorRef]ocpp.OperationalStatusEnumType{},
		bootReason: ocpp.BootReasonPowerUp, persisted: saved, passwordRef: passwordRef, reported: map[ConnectorRef]string{},
		ss: newSessions(cfg.Layout), lim: newLimiter()}
	layout := cfg.Layout
	layout.Now = s.now
	layout.ProfileEntries = func() int { return len(s.pf.snapshot()) }
	s.model = devicemodel.New(layout)
	for _, err := range s.model.Initialize(cfg.Variables) {
		s.log.Warn("initial device-model value not applied", "err", err)
	}
	s.cfg.Variables = nil // the model holds them now; the reconciler keeps the Key
	for _, err := range s.model.Restore(saved.Variables) {
		s.log.Warn("device-model value the CSMS set no longer applies", "err", err)
	}
	for _, a := range saved.Availability {
		s.availability[ConnectorRef{a.EVSEID, a.ConnectorID}] = ocpp.OperationalStatusEnumType(a.OperationalStatus)
	}
	return s
}

// now is the station clock: ours, corrected by the CSMS's at boot and heartbeat.
func (s *Station) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.offset)
}

// SetPassword makes the station reconnect with a new Basic-auth password
// (the operator changed the CSMS's Secret). The same password is a no-op.
func (s *Station) SetPassword(password string) {
	s.mu.Lock()
	same := s.cfg.Password == password
	s.cfg.Password = password
	s.mu.Unlock()
	if !same {
		s.later(s.reconnect)()
	}
}

// Observe hands the station the charger's latest device-side state.
func (s *Station) Observe(o Observation) {
	s.mu.Lock()
	s.obs = o
	s.mu.Unlock()
	s.noteCards(o)
	s.poke()
	s.ss.wake.kick()
}

func (s *Station) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run connects, and reconnects with the Part 4 back-off, until ctx ends.
func (s *Station) Run(ctx context.Context) {
	defer s.runSessions(ctx)()
	s.setState(v1alpha1.OCPPStateOffline, ReasonConnecting, "connecting to "+s.cfg.URL)
	for {
		err := s.connectAndServe(ctx)
		if ctx.Err() != nil {
			s.setState(v1alpha1.OCPPStateOffline, ReasonOffline, "station stopped")
			return
		}
		s.reporter.Disconnected(time.Now())
		s.backoff.Lost(time.Now())
		if errors.Is(err, errReboot) || errors.Is(err, errReconnect) {
			continue
		}
		wait := s.nextBackoff()
		s.log.Debug("next connection attempt", "err", err, "in", wait)
		s.setState(v1alpha1.OCPPStateOffline, ReasonOffline, err.Error())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			s.setState(v1alpha1.OCPPStateOffline, ReasonOffline, "station stopped")
			return
		case <-t.C:
		}
	}
}

// connectAndServe connects to the endpoint in turn and serves the session.
// An endpoint that failed NetworkProfileConnectionAttempts times in a row
// gives way to the next in NetworkConfigurationPriority.
func (s *Station) connectAndServe(ctx context.Context) error {
	conn, ep, err := s.connect(ctx)
	if err != nil {
		return err
	}
	// Closing waits for the CSMS's close frame, so the next dial (at once
	// after a Reset or a new password) never overlaps this connection; a
	// station that is stopping does not wait.
	defer func() { _ = conn.CloseContext(ctx) }()
	s.mu.Lock()
	s.state.LastConnectTime = time.Now().UTC().Format(time.RFC3339)
	s.mu.Unlock()
	if s.connects++; s.connects > 1 {
		s.cfg.Metrics.Reconnected()
	}
	err = s.session(ctx, conn, func() {
		s.attempts = 0
		_ = s.model.Update(devicemodel.Key{Component: secCtrlr, Variable: profileVar}, strconv.Itoa(ep.profile))
	})
	return err
}

// connect dials the endpoint whose turn it is. The dial's options and
// state stay in this frame, off the stack the session then runs on.
func (s *Station) connect(ctx context.Context) (*rpc.Conn, endpoint, error) {
	eps := s.endpoints()
	if len(eps) == 0 {
		return nil, endpoint{}, fmt.Errorf("no network profile at security profile %d or above", s.model.Int(secCtrlr, profileVar, s.cfg.SecurityProfile))
	}
	ep := eps[(s.attempts/max(1, s.model.Int(commCtrlr, devicemodel.Variable{Name: "NetworkProfileConnectionAttempts"}, 3)))%len(eps)]
	opts, err := s.dialOptions(ep)
	if err != nil {
		return nil, ep, err
	}
	conn, _, err := rpc.Dial(ctx, opts)
	if err != nil {
		s.attempts++
		s.raiseSecurityEvent(err)
		return nil, ep, fmt.Errorf("slot %d (%s): %w", ep.slot, ep.url, err)
	}
	return conn, ep, nil
}

func (s *Station) dialOptions(ep endpoint) (rpc.DialOptions, error) {
	s.mu.Lock()
	password := s.cfg.Password
	s.connPassword = password
	s.mu.Unlock()
	o := rpc.DialOptions{URL: ep.url, StationID: s.cfg.StationID,
		Options: rpc.Options{Handler: s.handle, Validator: validator{}, Logger: s.log, Redact: ocpp.RedactFrame,
			MessageTimeout: time.Duration(s.model.Int(commCtrlr, devicemodel.Variable{Name: "MessageTimeout", Instance: "Default"}, 30)) * time.Second,
			PingInterval:   time.Duration(s.model.Int(commCtrlr, devicemodel.Variable{Name: "WebSocketPingInterval"}, 30)) * time.Second,
		}}
	if s.cfg.Metrics != nil {
		o.Options.Observer = s.cfg.Metrics // a nil *metrics.Station would be a non-nil Observer
	}
	if ep.profile < 3 {
		o.Password = password
	}
	if ep.profile >= 2 {
		if len(s.cfg.RootCAs) == 0 {
			return o, fmt.Errorf("slot %d needs TLS but no CSMS root certificate is configured", ep.slot)
		}
		to := rpc.TLSOptions{URL: ep.url, RootCAs: []byte(s.cfg.RootCAs),
			AllowWildcards: s.model.Value(secCtrlr, devicemodel.Variable{Name: "AllowCSMSTLSWildcards"}) == "true"}
		if ep.profile == 3 {
			to.ClientCert, to.ClientKey = []byte(s.cfg.ClientCert), []byte(s.cfg.ClientKey)
		}
		conf, err := rpc.StationTLSConfig(to)
		if err != nil {
			return o, fmt.Errorf("slot %d: %w", ep.slot, err)
		}
		o.TLSConfig = conf
	}
	return o, nil
}

// nextBackoff reads OCPPCommCtrlr.RetryBackOff* as they are now (the CSMS
// may have changed them) and returns the next wait.
func (s *Station) nextBackoff() time.Duration {
	sec := func(name string, def int) time.Duration {
		return time.Duration(s.model.Int(commCtrlr, devicemodel.Variable{Name: name}, def)) * time.Second
	}
	s.backoff.WaitMinimum = sec("RetryBackOffWaitMinimum", 10)
	s.backoff.RandomRange = sec("RetryBackOffRandomRange", 10)
	s.backoff.RepeatTimes = s.model.Int(commCtrlr, devicemodel.Variable{Name: "RetryBackOffRepeatTimes"}, 5)
	return s.backoff.Next()
}

// raiseSecurityEvent queues the security event a failed connection calls
// for; it is sent once a connection is up and the station is accepted.
func (s *Station) raiseSecurityEvent(err error) {
	var typ string
	switch {
	case errors.Is(err, rpc.ErrTLSCertificate):
		typ = "InvalidCsmsCertificate"
	case errors.Is(err, rpc.ErrTLSVersion):
		typ = "InvalidTLSVersion"
	case errors.Is(err, rpc.ErrUnauthorized):
		typ = "FailedToAuthenticateAtCsms"
	default:
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.events {
		if e.Type == typ {
			return // one pending event of a kind is enough
		}
	}
	s.events = append(s.events, ocpp.SecurityEventNotificationRequest{Type: typ,
		Timestamp: ocpp.NewDateTime(time.Now().Add(s.offset)), TechInfo: truncate(err.Error(), 255)})
}

// adoptEvents takes over the security events a replaced station could not
// send yet: the new configuration is often the fix of the failure that
// raised them (a CA bundle, TC_A_05), and the CSMS is still owed the event.
func (s *Station) adoptEvents(old *Station) {
	old.mu.Lock()
	events := old.events
	old.mu.Unlock()
	s.mu.Lock()
	s.events = append(events, s.events...)
	s.mu.Unlock()
}

// setState records the OCPP connection state and writes it to the Charger.
func (s *Station) setState(state, reason, message string) {
	s.mu.Lock()
	changed := s.state.State != state || s.state.Reason != reason
	s.state.State, s.state.Reason, s.state.Message = state, reason, message
	s.mu.Unlock()
	if changed {
		// An operator's timeline of the link: connecting, Accepted,
		// Pending, Rejected, offline and why, stopped.
		s.log.Info(stateMessage(state), "reason", reason, "message", message)
	}
	s.cfg.Metrics.SetState(state)
	s.writeStatus()
}

// writeStatus queues the station's whole part of the Charger status as one
// patch (the store keeps the latest patch per owner, so every write carries
// all of it): status.ocpp, the Registered condition, and the status last
// reported for each connector, keeping the signals the poller writes.
func (s *Station) writeStatus() {
	s.mu.Lock()
	st := s.state
	ocppStatus := v1alpha1.ChargerOCPPStatus{State: st.State, Reason: st.Message, LastBootTime: st.LastBootTime,
		HeartbeatInterval: st.HeartbeatInterval, LastConnectTime: st.LastConnectTime,
		Variables: s.persisted.Variables, Availability: s.persisted.Availability, BasicAuthPasswordSecretRef: s.passwordRef,
		NetworkProfiles: s.persisted.NetworkProfiles}
	cond := v1alpha1.Condition{Type: ConditionRegistered, Status: v1alpha1.ConditionFalse, Reason: st.Reason, Message: st.Message}
	if st.State == v1alpha1.OCPPStateRegistered {
		cond.Status = v1alpha1.ConditionTrue
	}
	reported := maps.Clone(s.reported)
	control := s.control
	s.mu.Unlock()
	ocppStatus.Limits = s.limitsStatus()
	s.lim.mu.Lock()
	limitCond := s.lim.cond
	s.lim.mu.Unlock()
	now := time.Now()
	s.host.Status(func(cs *controllers.Status) error {
		cs.SetCondition(cond, now)
		for _, c := range []v1alpha1.Condition{control, limitCond} {
			if c.Type != "" {
				cs.SetCondition(c, now)
			}
		}
		if err := cs.Set("ocpp", ocppStatus); err != nil {
			return err
		}
		return setConnectorStatuses(cs, reported)
	})
}

// setConnectorStatuses writes the reported status into status.connectors,
// adding entries the poller has not written yet.
func setConnectorStatuses(cs *controllers.Status, reported map[ConnectorRef]string) error {
	if len(reported) == 0 {
		return nil
	}
	var conns []v1alpha1.ConnectorStatus
	if raw := cs.Field("connectors"); len(raw) > 0 {
		if err := json.Unmarshal(raw, &conns); err != nil {
			return fmt.Errorf("status.connectors: %w", err)
		}
	}
	for ref, status := range reported {
		i := slices.IndexFunc(conns, func(c v1alpha1.ConnectorStatus) bool { return c.EVSEID == ref.EVSE && c.ConnectorID == ref.Connector })
		if i < 0 {
			conns = append(conns, v1alpha1.ConnectorStatus{EVSEID: ref.EVSE, ConnectorID: ref.Connector})
			i = len(conns) - 1
		}
		conns[i].Status = status
	}
	slices.SortFunc(conns, func(a, b v1alpha1.ConnectorStatus) int {
		return cmp.Or(cmp.Compare(a.EVSEID, b.EVSEID), cmp.Compare(a.ConnectorID, b.ConnectorID))
	})
	return cs.Set("connectors", conns)
}

// stateMessage is the log message for entering state, a constant for each
// state so that the message catalogs can translate it.
func stateMessage(state string) string {
	switch state {
	case v1alpha1.OCPPStateRegistered:
		return "station registered"
	case v1alpha1.OCPPStatePending:
		return "station pending"
	case v1alpha1.OCPPStateRejected:
		return "station rejected"
	case v1alpha1.OCPPStateOffline:
		return "station offline"
	}
	return "station state changed"
}
