package station

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Availability is kept per target: the station (0/0), an EVSE (e/0) or a
// connector (e/c). A connector is inoperative when it, its EVSE or the
// station is. Only Inoperative entries are stored; Operative removes one.

// connectors lists the layout's connectors.
func (s *Station) connectors() []ConnectorRef {
	var out []ConnectorRef
	for _, e := range s.cfg.Layout.EVSEs {
		for _, c := range e.Connectors {
			out = append(out, ConnectorRef{e.ID, c.ID})
		}
	}
	return out
}

// covers reports whether target (station, EVSE or connector) includes ref.
func covers(target, ref ConnectorRef) bool {
	return target.EVSE == 0 || (target.EVSE == ref.EVSE && (target.Connector == 0 || target.Connector == ref.Connector))
}

func (s *Station) inoperativeLocked(ref ConnectorRef) bool { return inoperativeIn(s.availability, ref) }

// connectorStatuses derives every connector's OCPP status now.
func (s *Station) connectorStatuses() map[ConnectorRef]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[ConnectorRef]string{}
	for _, ref := range s.connectors() {
		out[ref] = ConnectorStatus(ConnectorInput{Signals: s.obs.Signals[ref], Unknown: s.obs.Unknown[ref], DeviceReachable: s.obs.Reachable,
			DeviceConnecting: s.obs.Connecting,
			Inoperative:      s.inoperativeLocked(ref)})
	}
	return out
}

// inUseLocked reports whether a connector of target is charging or has an
// open session: an Inoperative request or an OnIdle reset waits for it.
func (s *Station) inUseLocked(target ConnectorRef) bool {
	for _, ref := range s.connectors() {
		if covers(target, ref) && flag(s.obs.Signals[ref], "charging", false) {
			return true
		}
	}
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	for evse, e := range s.ss.evses {
		if covers(target, ConnectorRef{EVSE: evse, Connector: target.Connector}) && e.machine.Session() != nil {
			return true
		}
	}
	return false
}

func (s *Station) knownTarget(t ConnectorRef) bool {
	return t.EVSE == 0 || slices.ContainsFunc(s.connectors(), func(r ConnectorRef) bool { return covers(t, r) })
}

func (s *Station) availabilityList() []v1alpha1.AvailabilityStatus {
	var out []v1alpha1.AvailabilityStatus
	for t, st := range s.availability {
		out = append(out, v1alpha1.AvailabilityStatus{EVSEID: t.EVSE, ConnectorID: t.Connector, OperationalStatus: string(st)})
	}
	slices.SortFunc(out, func(a, b v1alpha1.AvailabilityStatus) int {
		return cmp.Or(cmp.Compare(a.EVSEID, b.EVSEID), cmp.Compare(a.ConnectorID, b.ConnectorID))
	})
	return out
}

// onChangeAvailability (G03–G05): Accepted when the charger took the change
// (or nothing changes), Scheduled when a session runs on the target,
// Rejected for an unknown target and when the charger did not take it:
// the CSMS never sees Unavailable for a charger that would still charge.
func (s *Station) onChangeAvailability(ctx context.Context, r *ocpp.ChangeAvailabilityRequest) (*ocpp.ChangeAvailabilityResponse, func(), error) {
	target := ConnectorRef{}
	if r.EVSE != nil {
		target.EVSE = r.EVSE.ID
		if r.EVSE.ConnectorID != nil {
			target.Connector = *r.EVSE.ConnectorID
		}
	}
	if !s.knownTarget(target) {
		return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusRejected,
			StatusInfo: statusInfo("UnknownEvse", "no such EVSE or connector")}, nil, nil
	}
	s.mu.Lock()
	busy := r.OperationalStatus == ocpp.OperationalStatusInoperative && s.inUseLocked(target)
	if busy {
		s.scheduled[target] = r.OperationalStatus
	}
	s.mu.Unlock()
	if busy {
		return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusScheduled}, nil, nil
	}
	if err := s.setAvailability(ctx, target, r.OperationalStatus); err != nil {
		var refused *refusedError
		if errors.As(err, &refused) {
			return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusRejected,
				StatusInfo: statusInfo(refused.reason, refused.err.Error())}, nil, nil
		}
		return nil, nil, err
	}
	return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusAccepted}, nil, nil
}

// refusedError is a change the charger did not take.
type refusedError struct {
	reason string // the StatusInfo reasonCode
	err    error
}

func (e *refusedError) Error() string { return "the charger did not take the change: " + e.err.Error() }

// setAvailability enforces, then records and persists an availability
// change. Each connector whose availability changes is told through the
// template's setAvailable command first; if one does not take it, the
// connectors already changed are set back (best effort), nothing is
// recorded, and the error is a *refusedError.
func (s *Station) setAvailability(ctx context.Context, target ConnectorRef, st ocpp.OperationalStatusEnumType) error {
	s.mu.Lock()
	before := maps.Clone(s.availability)
	after := maps.Clone(s.availability)
	if st == ocpp.OperationalStatusInoperative {
		after[target] = st
	} else {
		for t := range after {
			if covers(target, t) {
				delete(after, t) // Operative on a parent clears what is below it
			}
		}
	}
	var changed []ConnectorRef
	for _, ref := range s.connectors() {
		if inoperativeIn(before, ref) != inoperativeIn(after, ref) {
			changed = append(changed, ref)
		}
	}
	s.mu.Unlock()
	for i, ref := range changed {
		err := s.host.Command(ctx, "setAvailable", ref.Connector, cel.Args{Available: !inoperativeIn(after, ref)})
		if err == nil {
			continue
		}
		for _, done := range changed[:i] {
			if back := s.host.Command(ctx, "setAvailable", done.Connector, cel.Args{Available: !inoperativeIn(before, done)}); back != nil {
				s.log.Warn("could not set a connector's availability back", "connector", done, "err", back)
			}
		}
		reason := "DeviceError"
		if errors.Is(err, cel.ErrUnsupported) {
			reason = "NotSupported"
			err = fmt.Errorf("the charger's template has no setAvailable command, so availability cannot be enforced: %w", err)
		}
		s.log.Warn("availability change refused", "target", target, "status", st, "connector", ref, "err", err)
		return &refusedError{reason: reason, err: err}
	}
	s.mu.Lock()
	delete(s.scheduled, target)
	s.availability = after
	s.mu.Unlock()
	if len(changed) > 0 {
		// On chargers whose setAvailable writes the current (0 A or the
		// rating), it overwrote the session's hold or the limit: both are
		// told again at the next step.
		s.forgetCommanded()
		s.ss.wake.kick()
	}
	s.syncModel()
	if err := s.persist(); err != nil {
		return err
	}
	s.poke()
	return nil
}

// inoperativeIn reports whether ref is inoperative under availability a.
func inoperativeIn(a map[ConnectorRef]ocpp.OperationalStatusEnumType, ref ConnectorRef) bool {
	for t, st := range a {
		if st == ocpp.OperationalStatusInoperative && covers(t, ref) {
			return true
		}
	}
	return false
}

// applyScheduled applies availability changes whose target went idle.
func (s *Station) applyScheduled(ctx context.Context) {
	s.mu.Lock()
	var due []ConnectorRef
	for t := range s.scheduled {
		if !s.inUseLocked(t) {
			due = append(due, t)
		}
	}
	changes := map[ConnectorRef]ocpp.OperationalStatusEnumType{}
	for _, t := range due {
		changes[t] = s.scheduled[t]
	}
	s.mu.Unlock()
	for t, st := range changes {
		if err := s.setAvailability(ctx, t, st); err != nil {
			// The CSMS was told Scheduled; the charger now refused. The
			// change is dropped so the status keeps telling the truth.
			s.mu.Lock()
			delete(s.scheduled, t)
			s.mu.Unlock()
			s.log.Warn("scheduled availability change failed", "target", t, "err", err)
		}
	}
}

// syncModel sets the AvailabilityState and Available variables of the
// station, its EVSEs and connectors (ReadOnly: the CSMS reads them with
// GetVariables and reports) from the availability and connector statuses.
func (s *Station) syncModel() {
	statuses := s.connectorStatuses()
	set := func(c devicemodel.Component, state string, available bool) {
		for name, v := range map[string]string{"AvailabilityState": state, "Available": strconv.FormatBool(available)} {
			if err := s.model.Update(devicemodel.Key{Component: c, Variable: devicemodel.Variable{Name: name}}, v); err != nil {
				s.log.Warn("availability not reflected in the device model", "err", err)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stationOff := s.availability[ConnectorRef{}] == ocpp.OperationalStatusInoperative
	stationState := ConnectorAvailable
	if stationOff {
		stationState = ConnectorUnavailable
	}
	set(devicemodel.Component{Name: "ChargingStation"}, stationState, !stationOff)
	for _, e := range s.cfg.Layout.EVSEs {
		evseOff := stationOff || s.availability[ConnectorRef{EVSE: e.ID}] == ocpp.OperationalStatusInoperative
		state := ""
		for _, c := range e.Connectors {
			ref := ConnectorRef{e.ID, c.ID}
			set(devicemodel.Component{Name: "Connector", EVSE: e.ID, Connector: c.ID}, statuses[ref], !s.inoperativeLocked(ref))
			switch {
			case state == "" || state == statuses[ref]:
				state = statuses[ref]
			case state == ConnectorOccupied || statuses[ref] == ConnectorOccupied:
				state = ConnectorOccupied // connectors disagree: one in use makes the EVSE so
			default:
				state = ConnectorAvailable
			}
		}
		if evseOff {
			state = ConnectorUnavailable
		}
		set(devicemodel.Component{Name: "EVSE", EVSE: e.ID}, cmp.Or(state, ConnectorAvailable), !evseOff)
	}
}
