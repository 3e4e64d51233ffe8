package station

import (
	"cmp"
	"context"
	"errors"
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

func (s *Station) inoperativeLocked(ref ConnectorRef) bool {
	for t, st := range s.availability {
		if st == ocpp.OperationalStatusInoperative && covers(t, ref) {
			return true
		}
	}
	return false
}

// connectorStatuses derives every connector's OCPP status now.
func (s *Station) connectorStatuses() map[ConnectorRef]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[ConnectorRef]string{}
	for _, ref := range s.connectors() {
		out[ref] = ConnectorStatus(ConnectorInput{Signals: s.obs.Signals[ref], DeviceReachable: s.obs.Reachable,
			Inoperative: s.inoperativeLocked(ref)})
	}
	return out
}

// inUseLocked reports whether a connector of target is charging: a session
// runs there, so an Inoperative request or an OnIdle reset waits for it.
func (s *Station) inUseLocked(target ConnectorRef) bool {
	for _, ref := range s.connectors() {
		if covers(target, ref) && flag(s.obs.Signals[ref], "charging", false) {
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

// onChangeAvailability (G03–G05): Accepted when applied (or already so),
// Scheduled when a session runs on the target, Rejected for an unknown one.
func (s *Station) onChangeAvailability(ctx context.Context, r *ocpp.ChangeAvailabilityRequest) (any, error) {
	target := ConnectorRef{}
	if r.EVSE != nil {
		target.EVSE = r.EVSE.ID
		if r.EVSE.ConnectorID != nil {
			target.Connector = *r.EVSE.ConnectorID
		}
	}
	if !s.knownTarget(target) {
		return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusRejected,
			StatusInfo: statusInfo("UnknownEvse", "no such EVSE or connector")}, nil
	}
	s.mu.Lock()
	busy := r.OperationalStatus == ocpp.OperationalStatusInoperative && s.inUseLocked(target)
	if busy {
		s.scheduled[target] = r.OperationalStatus
	}
	s.mu.Unlock()
	if busy {
		return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusScheduled}, nil
	}
	if err := s.setAvailability(ctx, target, r.OperationalStatus); err != nil {
		return nil, err
	}
	return &ocpp.ChangeAvailabilityResponse{Status: ocpp.ChangeAvailabilityStatusAccepted}, nil
}

// setAvailability records, persists and enforces an availability change.
// The charger is told through its setAvailable command where the template
// has one; StatusNotifications follow from the session loop.
func (s *Station) setAvailability(ctx context.Context, target ConnectorRef, st ocpp.OperationalStatusEnumType) error {
	s.mu.Lock()
	delete(s.scheduled, target)
	if st == ocpp.OperationalStatusInoperative {
		s.availability[target] = st
	} else {
		for t := range s.availability {
			if covers(target, t) {
				delete(s.availability, t) // Operative on a parent clears what is below it
			}
		}
	}
	s.mu.Unlock()
	s.syncModel()
	if err := s.persist(); err != nil {
		return err
	}
	for _, ref := range s.connectors() {
		if !covers(target, ref) {
			continue
		}
		s.mu.Lock()
		operative := !s.inoperativeLocked(ref)
		s.mu.Unlock()
		err := s.host.Command(ctx, "setAvailable", ref.Connector, cel.Args{Available: operative})
		if err != nil && !errors.Is(err, cel.ErrUnsupported) {
			s.log.Warn("charger did not take the availability change", "connector", ref, "err", err)
		}
	}
	s.poke()
	return nil
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
