package station

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// handle answers one CALL from the CSMS. It runs on the connection's
// goroutine, so it only answers and hands anything that sends CALLs to the
// session loop through the handler's then, which runs once the CALLRESULT
// is on the wire: a triggered message never overtakes the answer.
func (s *Station) handle(ctx context.Context, action string, payload json.RawMessage) (any, error) {
	s.mu.Lock()
	reg := s.registration
	s.mu.Unlock()
	if reg != ocpp.RegistrationStatusAccepted && reg != ocpp.RegistrationStatusPending {
		// B03.FR.07 / TC_B_30: a rejected (or not yet registered) station
		// answers nothing but SecurityError.
		return nil, rpc.Errorf(rpc.SecurityError, "%s refused: the station is not registered (%s)", action, orNone(string(reg)))
	}
	return dispatch.Serve(s, ctx, action, payload)
}

func orNone(s string) string {
	if s == "" {
		return "no BootNotification answered yet"
	}
	return s
}

// reconnect ends a session made with an old password; Run connects again
// at once, without a reboot. A password that changed while offline was
// used for the connection already, so it is not dropped again.
func (s *Station) reconnect(context.Context, *rpc.Conn) error {
	s.mu.Lock()
	stale := s.connPassword != s.cfg.Password
	s.mu.Unlock()
	if stale {
		return errReconnect
	}
	return nil
}

// later queues follow-up work for the session loop, to run after the answer.
func (s *Station) later(a action) func() {
	return func() {
		select {
		case s.actions <- a:
		default:
			s.log.Warn("station busy: follow-up dropped")
		}
	}
}

// itemLimit enforces ItemsPerMessage[instance] of DeviceDataCtrlr (B05.FR.?/
// B06.FR.?): more items than the station takes is an occurrence violation.
func (s *Station) itemLimit(instance string, n int) error {
	limit := s.model.Int(devicemodel.Component{Name: "DeviceDataCtrlr"}, devicemodel.Variable{Name: "ItemsPerMessage", Instance: instance}, 20)
	if n > limit {
		return rpc.Errorf(rpc.OccurrenceConstraintViolation, "%d items exceed ItemsPerMessage%s of %d", n, "["+instance+"]", limit)
	}
	return nil
}

func (s *Station) onGetVariables(_ context.Context, r *ocpp.GetVariablesRequest) (*ocpp.GetVariablesResponse, func(), error) {
	if err := s.itemLimit("GetVariables", len(r.GetVariableData)); err != nil {
		return nil, nil, err
	}
	return getVariables(s.model, r), nil, nil
}

// onSetVariables applies, persists before answering, and then acts on what
// changed: a new Basic-auth password makes the station reconnect with it.
func (s *Station) onSetVariables(_ context.Context, r *ocpp.SetVariablesRequest) (*ocpp.SetVariablesResponse, func(), error) {
	if err := s.itemLimit("SetVariables", len(r.SetVariableData)); err != nil {
		return nil, nil, err
	}
	// What the CSMS sets is answered Accepted only once stored; if it cannot
	// be, the CSMS gets a CALLERROR and the station shows none of it.
	before := s.model.Snapshot()
	s.mu.Lock()
	oldRef, oldPassword := s.passwordRef, s.cfg.Password
	s.mu.Unlock()
	undo := func() {
		s.model.Undo(before)
		s.mu.Lock()
		s.passwordRef, s.cfg.Password = oldRef, oldPassword
		s.persisted.Variables = s.model.Overrides()
		s.mu.Unlock()
		s.writeStatus() // replaces the queued patch that carried the values
	}
	resp, changed := setVariables(s.model, r)
	if len(changed) == 0 {
		return resp, nil, nil
	}
	passwordKey := devicemodel.Key{Component: devicemodel.Component{Name: "SecurityCtrlr"}, Variable: devicemodel.Variable{Name: "BasicAuthPassword"}, Attribute: devicemodel.Actual}
	newPassword := slices.ContainsFunc(changed, func(k devicemodel.Key) bool {
		return k.Component == passwordKey.Component && k.Variable == passwordKey.Variable
	})
	if newPassword {
		password := s.model.Secret(passwordKey.Component, passwordKey.Variable)
		ref, err := s.host.SavePassword(password)
		if err != nil {
			undo()
			return nil, nil, fmt.Errorf("store the new password: %w", err)
		}
		s.mu.Lock()
		s.passwordRef, s.cfg.Password = ref, password
		s.mu.Unlock()
		s.log.Info("the CSMS changed the Basic-auth password; the station reconnects with it", "secret", ref.Name)
	}
	if err := s.persist(); err != nil {
		undo()
		return nil, nil, err
	}
	s.poke() // the loop takes a new HeartbeatInterval or AlignedDataCtrlr.Interval
	if newPassword {
		// A01: reconnect with the new password, once the answer is sent.
		return resp, s.later(s.reconnect), nil
	}
	return resp, nil, nil
}

// persist stores the CSMS's variables and availability, durably.
func (s *Station) persist() error {
	s.mu.Lock()
	s.persisted.Variables = s.model.Overrides()
	s.persisted.Availability = s.availabilityList()
	p := s.persisted
	s.mu.Unlock()
	s.writeStatus() // queues the patch that carries p; Persist makes it durable
	if err := s.host.Persist(p); err != nil {
		return fmt.Errorf("persist what the CSMS set: %w", err)
	}
	return nil
}

// onGetBaseReport answers at once and sends the report afterwards in
// NotifyReport parts of ItemsPerMessage[GetReport] items (B07).
func (s *Station) onGetBaseReport(_ context.Context, r *ocpp.GetBaseReportRequest) (*ocpp.GetBaseReportResponse, func(), error) {
	items, err := s.model.Report(string(r.ReportBase))
	if err != nil {
		return &ocpp.GetBaseReportResponse{Status: ocpp.GenericDeviceModelStatusNotSupported}, nil, nil
	}
	if len(items) == 0 {
		return &ocpp.GetBaseReportResponse{Status: ocpp.GenericDeviceModelStatusEmptyResultSet}, nil, nil
	}
	per := s.model.Int(devicemodel.Component{Name: "DeviceDataCtrlr"}, devicemodel.Variable{Name: "ItemsPerMessage", Instance: "GetReport"}, 20)
	parts := devicemodel.Chunk(reportData(items), per)
	send := func(ctx context.Context, c *rpc.Conn) error {
		generated := ocpp.NewDateTime(s.now())
		for i, part := range parts {
			tbc := i < len(parts)-1
			req := ocpp.NotifyReportRequest{RequestID: r.RequestID, GeneratedAt: generated, ReportData: part, SeqNo: i}
			if tbc {
				req.Tbc = &tbc
			}
			if err := call(ctx, c, ocpp.ActionNotifyReport, req, &ocpp.NotifyReportResponse{}); err != nil {
				return err
			}
		}
		return nil
	}
	return &ocpp.GetBaseReportResponse{Status: ocpp.GenericDeviceModelStatusAccepted}, s.later(send), nil
}
