package station

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// Remote control (F01–F04, E14, F06 TransactionEvent). A remote start is
// Accepted only once the charger took the release (unless the CSMS asked
// for an Authorize first, AuthorizeRemoteStart, which can only follow the
// answer); a remote stop only once it took the hold. The events a request
// causes wait until its answer is on the wire.

// holdOutbox keeps the outbox from sending until release is called.
func (s *Station) holdOutbox() (release func()) {
	s.ss.mu.Lock()
	s.ss.holds++
	s.ss.mu.Unlock()
	return func() {
		s.ss.mu.Lock()
		s.ss.holds--
		s.ss.mu.Unlock()
		signal(s.ss.ready)
	}
}

func startRejected(reason, detail string) *ocpp.RequestStartTransactionResponse {
	return &ocpp.RequestStartTransactionResponse{Status: ocpp.RequestStartStopStatusRejected, StatusInfo: statusInfo(reason, detail)}
}

// startEVSE picks the EVSE of a remote start: the one asked for, or the
// first whose connector could take a session. It returns a rejection when
// there is none.
func (s *Station) startEVSE(r *ocpp.RequestStartTransactionRequest) (int, *ocpp.RequestStartTransactionResponse) {
	statuses := s.connectorStatuses()
	free := func(evse int) (bool, string) {
		if s.busyAuthorized(evse) {
			return false, "Occupied"
		}
		for ref, st := range statuses {
			if ref.EVSE == evse && (st == ConnectorUnavailable || st == ConnectorFaulted) {
				return false, st
			}
		}
		return true, ""
	}
	if r.EVSEID != nil {
		evse := *r.EVSEID
		if !s.knownTarget(ConnectorRef{EVSE: evse}) || evse == 0 {
			return 0, startRejected("UnknownEvse", "no such EVSE")
		}
		if ok, why := free(evse); !ok {
			return 0, startRejected(why, "the EVSE cannot take a session now")
		}
		return evse, nil
	}
	for _, evse := range s.evseIDs() {
		if ok, _ := free(evse); ok {
			return evse, nil
		}
	}
	return 0, startRejected("NoFreeEvse", "no EVSE can take a session now")
}

// busyAuthorized reports whether the EVSE has an authorization already (a
// session being charged, or a start waiting for the EV). A session opened
// by a plugged-in EV without authorization is what a remote start is for.
func (s *Station) busyAuthorized(evse int) bool {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	m := s.ss.machine(evse)
	return m == nil || m.Authorization() != nil
}

func (s *Station) onRequestStart(ctx context.Context, r *ocpp.RequestStartTransactionRequest) (*ocpp.RequestStartTransactionResponse, func(), error) {
	s.mu.Lock()
	reg := s.registration
	s.mu.Unlock()
	if reg != ocpp.RegistrationStatusAccepted {
		s.log.Info("RequestStartTransaction rejected: the boot is not accepted", "registration", reg)
		return startRejected("NotAccepted", "the CSMS has not accepted the BootNotification"), nil, nil
	}
	evse, rejected := s.startEVSE(r)
	if rejected != nil {
		s.log.Info("RequestStartTransaction rejected", "reason", rejected.StatusInfo.ReasonCode, "evseId", r.EVSEID)
		return rejected, nil, nil
	}
	auth := tx.Auth{IDToken: r.IDToken, Source: tx.SourceRemote, RemoteStartID: &r.RemoteStartID, At: s.now()}
	if reason, detail := s.checkStartProfile(evse, r.ChargingProfile); reason != "" {
		s.log.Info("RequestStartTransaction rejected: its charging profile", "reason", reason, "detail", detail)
		return startRejected(reason, detail), nil, nil
	}
	if r.ChargingProfile != nil && s.cfg.Layout.SmartCharging {
		raw, _ := json.Marshal(r.ChargingProfile)
		s.ss.mu.Lock()
		s.ss.evses[evse].profile = raw
		s.ss.mu.Unlock()
	}
	release := s.holdOutbox()
	if s.model.Value(authCtrlr, devicemodel.Variable{Name: "AuthorizeRemoteStart"}) == "true" {
		// F02: Authorize follows the answer; the charger is released when
		// the CSMS accepts the token.
		return s.startAccepted(evse), func() {
			release()
			s.later(func(ctx context.Context, c *rpc.Conn) error {
				ok, err := s.authorize(ctx, c, r.IDToken)
				if ok {
					s.grant(evse, auth)
				}
				return err
			})()
		}, nil
	}
	if err := s.releaseFor(ctx, evse, auth); err != nil {
		release()
		reason := "DeviceError"
		if errors.Is(err, cel.ErrUnsupported) {
			reason = "NotSupported"
		}
		s.log.Warn("RequestStartTransaction rejected: the charger was not released", "evse", evse, "err", err)
		return startRejected(reason, err.Error()), nil, nil
	}
	return s.startAccepted(evse), func() { release(); s.ss.wake.kick() }, nil
}

// startAccepted answers Accepted, with the transactionId when a session
// runs on the EVSE already (the cable came first).
func (s *Station) startAccepted(evse int) *ocpp.RequestStartTransactionResponse {
	return &ocpp.RequestStartTransactionResponse{Status: ocpp.RequestStartStopStatusAccepted, TransactionID: s.openSession(evse)}
}

// releaseFor authorizes the EVSE and releases its charger, as one step
// against the session loop's holds; when the charger does not take it the
// authorization is withdrawn unreported.
func (s *Station) releaseFor(ctx context.Context, evse int, auth tx.Auth) error {
	s.ss.cmdMu.Lock()
	defer s.ss.cmdMu.Unlock()
	s.ss.mu.Lock()
	s.ss.machine(evse).Authorize(auth)
	s.ss.mu.Unlock()
	if !s.released(evse) {
		s.ss.mu.Lock()
		s.ss.machine(evse).Withdraw()
		s.ss.mu.Unlock()
		return errors.New("the EVSE is inoperative")
	}
	if err := s.commandEVSE(ctx, evse, true); err != nil {
		s.ss.mu.Lock()
		s.ss.machine(evse).Withdraw()
		s.ss.mu.Unlock()
		return err
	}
	s.ss.mu.Lock()
	s.ss.evses[evse].command(true)
	s.ss.mu.Unlock()
	return nil
}

func (s *Station) onRequestStop(ctx context.Context, r *ocpp.RequestStopTransactionRequest) (*ocpp.RequestStopTransactionResponse, func(), error) {
	evse := s.sessionEVSE(r.TransactionID)
	if evse == 0 {
		return &ocpp.RequestStopTransactionResponse{Status: ocpp.RequestStartStopStatusRejected,
			StatusInfo: statusInfo("UnknownTransaction", "no ongoing transaction with this id")}, nil, nil
	}
	s.ss.cmdMu.Lock()
	err := s.commandEVSE(ctx, evse, false)
	if err == nil {
		s.ss.mu.Lock()
		s.ss.evses[evse].command(false)
		s.ss.mu.Unlock()
	}
	s.ss.cmdMu.Unlock()
	if err != nil {
		reason := "DeviceError"
		if errors.Is(err, cel.ErrUnsupported) {
			reason = "NotSupported"
		}
		s.log.Warn("RequestStopTransaction rejected: the charger did not stop", "transactionId", r.TransactionID, "err", err)
		return &ocpp.RequestStopTransactionResponse{Status: ocpp.RequestStartStopStatusRejected, StatusInfo: statusInfo(reason, err.Error())}, nil, nil
	}
	release := s.holdOutbox()
	s.ss.mu.Lock()
	if t := s.ss.machine(evse).Session(); t != nil && t.ID == r.TransactionID {
		s.ss.machine(evse).Revoke(ocpp.TriggerReasonRemoteStop, ocpp.ReasonRemote)
	}
	s.ss.mu.Unlock()
	return &ocpp.RequestStopTransactionResponse{Status: ocpp.RequestStartStopStatusAccepted}, func() { release(); s.ss.wake.kick() }, nil
}

// onGetTransactionStatus (E14): with an id, whether that session goes on
// and has events queued; without, whether any event is queued.
func (s *Station) onGetTransactionStatus(_ context.Context, r *ocpp.GetTransactionStatusRequest) (*ocpp.GetTransactionStatusResponse, func(), error) {
	if r.TransactionID == "" {
		return &ocpp.GetTransactionStatusResponse{MessagesInQueue: s.queuedFor("")}, nil, nil
	}
	ongoing := s.sessionEVSE(r.TransactionID) != 0
	return &ocpp.GetTransactionStatusResponse{OngoingIndicator: &ongoing, MessagesInQueue: s.queuedFor(r.TransactionID)}, nil, nil
}

// triggerTransactionEvent (F06): an Updated event with triggerReason
// Trigger for the open session of the EVSE (or of each), made once the
// answer is sent; Rejected without a session.
func (s *Station) triggerTransactionEvent(evse int) (*ocpp.TriggerMessageResponse, func(), error) {
	var targets []int
	for _, id := range s.evseIDs() {
		if (evse == 0 || id == evse) && s.openSession(id) != "" {
			targets = append(targets, id)
		}
	}
	if len(targets) == 0 {
		return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected,
			StatusInfo: statusInfo("NoTransaction", "no ongoing transaction")}, nil, nil
	}
	release := s.holdOutbox()
	return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusAccepted}, func() {
		defer release()
		for _, id := range targets {
			_, sig := s.observed(id, false)
			s.ss.mu.Lock()
			ev := s.ss.machine(id).Meter(ocpp.TriggerReasonTrigger, ocpp.ReadingContextTrigger)
			s.ss.mu.Unlock()
			if ev != nil {
				s.record(id, []tx.Event{*ev}, sig)
			}
		}
	}, nil
}
