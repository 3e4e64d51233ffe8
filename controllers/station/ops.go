package station

import (
	"context"
	"errors"
	"slices"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// onReset is a virtual reboot (B11/B12): the connection closes and the
// station boots again with reason RemoteReset. OnIdle waits while a session
// runs (Scheduled). A reset of one EVSE re-reports its connectors.
func (s *Station) onReset(_ context.Context, r *ocpp.ResetRequest) (*ocpp.ResetResponse, func(), error) {
	if r.EVSEID != nil && *r.EVSEID != 0 {
		target := ConnectorRef{EVSE: *r.EVSEID}
		if !s.knownTarget(target) {
			return &ocpp.ResetResponse{Status: ocpp.ResetStatusRejected, StatusInfo: statusInfo("UnknownEvse", "no such EVSE")}, nil, nil
		}
		return &ocpp.ResetResponse{Status: ocpp.ResetStatusAccepted}, s.later(s.resendEVSE(target)), nil
	}
	s.mu.Lock()
	busy := s.inUseLocked(ConnectorRef{})
	if r.Type == ocpp.ResetOnIdle && busy {
		s.resetPending = true
		s.mu.Unlock()
		return &ocpp.ResetResponse{Status: ocpp.ResetStatusScheduled}, nil, nil
	}
	s.mu.Unlock()
	return &ocpp.ResetResponse{Status: ocpp.ResetStatusAccepted}, s.later(s.reboot), nil
}

// reboot ends the connection as a reboot: the next connection boots
// again. Open sessions end first (ImmediateReset, B12) and their Ended
// events are sent while the connection is still up, as far as it goes.
func (s *Station) reboot(ctx context.Context, c *rpc.Conn) error {
	s.log.Info("station reset by the CSMS: open sessions end, then it boots again")
	s.stopAllSessions(ocpp.TriggerReasonResetCommand, ocpp.ReasonImmediateReset)
	for _, evse := range s.evseIDs() {
		s.enforce(ctx, evse)
	}
	if err := s.drainOutbox(ctx, c); err != nil {
		s.log.Warn("Ended events not sent before the reset: they stay queued", "err", err)
	}
	s.mu.Lock()
	s.booted, s.registration, s.bootReason, s.resetPending = false, "", ocpp.BootReasonRemoteReset, false
	s.mu.Unlock()
	s.reporter = NewReporter() // after a boot every connector is reported again
	return errReboot
}

// resetIfIdle performs a scheduled OnIdle reset once nothing charges.
func (s *Station) resetIfIdle() {
	s.mu.Lock()
	due := s.resetPending && !s.inUseLocked(ConnectorRef{})
	s.mu.Unlock()
	if due {
		s.later(s.reboot)()
	}
}

// resendEVSE reports the connectors of one EVSE again, whatever was sent.
func (s *Station) resendEVSE(target ConnectorRef) action {
	return func(ctx context.Context, c *rpc.Conn) error {
		var refs []ConnectorRef
		for _, ref := range s.connectors() {
			if covers(target, ref) {
				refs = append(refs, ref)
			}
		}
		return s.sendStatuses(ctx, c, refs)
	}
}

// onTriggerMessage (F06): what the station can send is Accepted and sent
// after the answer; the rest is NotImplemented (TC_F_27).
func (s *Station) onTriggerMessage(_ context.Context, r *ocpp.TriggerMessageRequest) (*ocpp.TriggerMessageResponse, func(), error) {
	accepted := func(a action) (*ocpp.TriggerMessageResponse, func(), error) {
		return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusAccepted}, s.later(a), nil
	}
	switch r.RequestedMessage {
	case ocpp.MessageTriggerBootNotification:
		s.mu.Lock()
		accepted := s.registration == ocpp.RegistrationStatusAccepted
		s.mu.Unlock()
		if accepted {
			// F06.FR.17: no BootNotification once accepted.
			return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected,
				StatusInfo: statusInfo("AlreadyAccepted", "the BootNotification was accepted already")}, nil, nil
		}
		return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusAccepted}, s.later(func(ctx context.Context, c *rpc.Conn) error {
			_, err := s.boot(ctx, c, ocpp.BootReasonTriggered) // F06: the CSMS asked for it
			return err
		}), nil
	case ocpp.MessageTriggerMeterValues:
		evse := 0
		if r.EVSE != nil {
			evse = r.EVSE.ID
			if !s.knownTarget(ConnectorRef{EVSE: evse}) {
				return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected, StatusInfo: statusInfo("UnknownEvse", "no such EVSE")}, nil, nil
			}
		}
		if !s.hasMeterValues(evse) {
			// Accepted would promise a MeterValues that cannot be sent.
			return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected,
				StatusInfo: statusInfo("NoMeterValues", "the charger has reported none of AlignedDataCtrlr.Measurands")}, nil, nil
		}
		return accepted(s.sendMeterValues(evse, ocpp.ReadingContextTrigger))
	case ocpp.MessageTriggerHeartbeat:
		return accepted(s.heartbeat)
	case ocpp.MessageTriggerTransactionEvent:
		evse := 0
		if r.EVSE != nil {
			evse = r.EVSE.ID
			if !s.knownTarget(ConnectorRef{EVSE: evse}) {
				return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected, StatusInfo: statusInfo("UnknownEvse", "no such EVSE")}, nil, nil
			}
		}
		return s.triggerTransactionEvent(evse)
	case ocpp.MessageTriggerStatusNotification:
		target := ConnectorRef{}
		if r.EVSE != nil {
			target.EVSE = r.EVSE.ID
			if r.EVSE.ConnectorID != nil {
				target.Connector = *r.EVSE.ConnectorID
			}
		}
		if !s.knownTarget(target) {
			return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusRejected, StatusInfo: statusInfo("UnknownEvse", "no such EVSE or connector")}, nil, nil
		}
		return accepted(s.resendEVSE(target))
	case ocpp.MessageTriggerFirmwareStatusNotification:
		return accepted(func(ctx context.Context, c *rpc.Conn) error {
			return call(ctx, c, ocpp.ActionFirmwareStatusNotification, ocpp.FirmwareStatusNotificationRequest{Status: ocpp.FirmwareStatusIdle},
				&ocpp.FirmwareStatusNotificationResponse{})
		})
	case ocpp.MessageTriggerLogStatusNotification:
		return accepted(func(ctx context.Context, c *rpc.Conn) error {
			return call(ctx, c, ocpp.ActionLogStatusNotification, ocpp.LogStatusNotificationRequest{Status: ocpp.UploadLogStatusIdle},
				&ocpp.LogStatusNotificationResponse{})
		})
	}
	return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusNotImplemented}, nil, nil
}

// onUnlockConnector (F05): an unknown connector is UnknownConnector; one
// that is charging is OngoingAuthorizedTransaction (the session must be
// stopped first); otherwise the template's unlock command runs, and the
// answer is Unlocked only when the charger took it. A charger whose
// template has no unlock (a fixed cable, or a lock the gateway cannot
// reach) answers UnlockFailed with the reason.
func (s *Station) onUnlockConnector(ctx context.Context, r *ocpp.UnlockConnectorRequest) (*ocpp.UnlockConnectorResponse, func(), error) {
	ref := ConnectorRef{EVSE: r.EVSEID, Connector: r.ConnectorID}
	if !slices.Contains(s.connectors(), ref) {
		return &ocpp.UnlockConnectorResponse{Status: ocpp.UnlockStatusUnknownConnector}, nil, nil
	}
	s.mu.Lock()
	busy := s.inUseLocked(ref)
	s.mu.Unlock()
	if busy {
		return &ocpp.UnlockConnectorResponse{Status: ocpp.UnlockStatusOngoingAuthorizedTransaction}, nil, nil
	}
	err := s.host.Command(ctx, "unlock", ref.Connector, cel.Args{})
	switch {
	case err == nil:
		return &ocpp.UnlockConnectorResponse{Status: ocpp.UnlockStatusUnlocked}, nil, nil
	case errors.Is(err, cel.ErrUnsupported):
		return &ocpp.UnlockConnectorResponse{Status: ocpp.UnlockStatusUnlockFailed,
			StatusInfo: statusInfo("NoCableLock", "the charger's template has no unlock command (a fixed cable, or no lock the gateway can reach)")}, nil, nil
	}
	s.log.Warn("unlock failed", "connector", ref, "err", err)
	return &ocpp.UnlockConnectorResponse{Status: ocpp.UnlockStatusUnlockFailed, StatusInfo: statusInfo("DeviceError", err.Error())}, nil, nil
}
