package station

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// validator checks frames against the project's OCPP schemas.
type validator struct{}

func (validator) ValidateRequest(action string, payload []byte) error {
	return ocpp.ValidateRequest(action, payload)
}

func (validator) ValidateResponse(action string, payload []byte) error {
	return ocpp.ValidateResponse(action, payload)
}

// call sends one CALL and decodes its CALLRESULT into resp. The connection
// validates both against the schemas (rpc.Options.Validator): the station
// never sends what the schema forbids, nor takes an invalid answer.
func call(ctx context.Context, c *rpc.Conn, action string, req, resp any) error {
	raw, err := c.Call(ctx, action, req)
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		return fmt.Errorf("%s: decode answer: %w", action, err)
	}
	return nil
}

// session serves one connection: boot until accepted, then heartbeats,
// connector status and the follow-ups of CSMS requests, until the
// connection ends.
func (s *Station) session(ctx context.Context, c *rpc.Conn, accepted func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := s.bootUntilAccepted(ctx, c); err != nil {
		return err
	}
	s.backoff.Accepted(time.Now())
	accepted()
	if err := s.survive(ctx, c, s.afterAccepted(ctx, c)); err != nil {
		return err
	}
	s.setOnline(true)
	defer s.setOnline(false)
	return s.serve(ctx, c)
}

// serve is the session loop of an accepted station. It waits on channels
// only; the times it waits for (the next heartbeat, the outbox's next
// retry, the next clock-aligned boundary) are kept by a sessionClock,
// whose one timer rings the loop's tick. Its frame is small: the loop
// rests on the connection's long-lived goroutine, whose stack the
// collector can then keep small, and what it calls pops off again.
func (s *Station) serve(ctx context.Context, c *rpc.Conn) error {
	clock := newSessionClock(s)
	defer clock.stop()
	for {
		if err := s.drainOutbox(ctx, c); err != nil {
			return err
		}
		clock.arm(s)
		var err error
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.Done():
			return c.Err()
		case <-s.wake:
			err = s.sendChanged(ctx, c)
		case act := <-s.actions:
			err = act(ctx, c)
		case <-s.ss.ready:
		case <-clock.tick:
			err = clock.due(ctx, c, s)
		}
		if err := s.survive(ctx, c, err); err != nil {
			return err
		}
	}
}

// survive decides whether a failure ends the session. The link closes only
// when it is broken (the Conn closed: a broken frame stream, a ping
// timeout) or the station asked for it (reboot, reconnect); a CALLERROR, a
// timeout or an invalid answer is the CSMS's verdict on one message, which
// the caller has already handled, and is only logged.
func (s *Station) survive(ctx context.Context, c *rpc.Conn, err error) error {
	if err == nil || !oneCallFailed(ctx, c, err) {
		return err
	}
	s.log.Warn("CALL failed; the connection stays up", "err", err)
	return nil
}

// oneCallFailed reports whether err is the failure of one CALL on a link
// that is still up, rather than the end of the link or of the station.
func oneCallFailed(ctx context.Context, c *rpc.Conn, err error) bool {
	return err != nil && c.Err() == nil && ctx.Err() == nil &&
		!errors.Is(err, errReboot) && !errors.Is(err, errReconnect)
}

func (s *Station) heartbeatInterval() time.Duration {
	n := s.model.Int(devicemodel.Component{Name: "OCPPCommCtrlr"}, devicemodel.Variable{Name: "HeartbeatInterval"}, 300)
	return time.Duration(max(n, 1)) * time.Second
}

// bootUntilAccepted sends BootNotification and, while the CSMS answers
// Pending or Rejected, again after the interval it gives (B01–B03). While
// waiting it serves the follow-ups of what the CSMS asks meanwhile (a
// Pending CSMS may configure the station and trigger a BootNotification).
func (s *Station) bootUntilAccepted(ctx context.Context, c *rpc.Conn) error {
	s.mu.Lock()
	booted := s.booted
	s.mu.Unlock()
	if booted {
		// A reconnect, not a reboot: no BootNotification (B04), and the
		// station is registered again.
		s.setState(v1alpha1.OCPPStateRegistered, ReasonAccepted, "reconnected; the BootNotification was accepted before")
		return nil
	}
	for {
		s.mu.Lock()
		reason := s.bootReason
		s.mu.Unlock()
		interval, err := s.boot(ctx, c, reason)
		if err != nil || interval == 0 {
			return err
		}
		t := time.NewTimer(interval)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-c.Done():
				t.Stop()
				return c.Err()
			case act := <-s.actions:
				if err := s.survive(ctx, c, act(ctx, c)); err != nil {
					t.Stop()
					return err
				}
				if s.isBooted() {
					t.Stop()
					return nil // a triggered BootNotification was accepted
				}
			case <-t.C:
				break wait
			}
		}
	}
}

func (s *Station) isBooted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.booted
}

// boot sends one BootNotification with reason. It returns 0 when accepted,
// or how long to wait before the next one.
func (s *Station) boot(ctx context.Context, c *rpc.Conn, reason ocpp.BootReasonEnumType) (time.Duration, error) {
	req := ocpp.BootNotificationRequest{ChargingStation: s.cfg.Boot, Reason: reason}
	var resp ocpp.BootNotificationResponse
	sent := time.Now()
	if err := call(ctx, c, ocpp.ActionBootNotification, req, &resp); err != nil {
		if oneCallFailed(ctx, c, err) {
			// A CALLERROR, a timeout or an invalid answer: try again
			// later, as for Pending, on the same connection.
			s.log.Warn("BootNotification not accepted; will retry", "err", err)
			return 30 * time.Second, nil
		}
		return 0, err
	}
	s.setClock(resp.CurrentTime.Time, sent)
	interval := time.Duration(resp.Interval) * time.Second
	s.mu.Lock()
	s.registration = resp.Status
	s.mu.Unlock()
	switch resp.Status {
	case ocpp.RegistrationStatusAccepted:
		if resp.Interval > 0 {
			// The interval of an accepted boot is the heartbeat interval (B01.FR.04).
			_ = s.model.Update(devicemodel.Key{Component: devicemodel.Component{Name: "OCPPCommCtrlr"},
				Variable: devicemodel.Variable{Name: "HeartbeatInterval"}}, fmt.Sprint(resp.Interval))
		}
		s.mu.Lock()
		s.booted = true
		s.state.LastBootTime = time.Now().UTC().Format(time.RFC3339)
		s.state.HeartbeatInterval = int(s.heartbeatInterval().Seconds())
		s.mu.Unlock()
		s.setState(v1alpha1.OCPPStateRegistered, ReasonAccepted, "BootNotification accepted")
		return 0, nil
	case ocpp.RegistrationStatusPending:
		s.setState(v1alpha1.OCPPStatePending, ReasonPending, "the CSMS answered Pending"+statusInfoText(resp.StatusInfo))
	default:
		s.setState(v1alpha1.OCPPStateRejected, ReasonRejected, "the CSMS answered Rejected"+statusInfoText(resp.StatusInfo))
	}
	if interval <= 0 {
		interval = 30 * time.Second // the CSMS gave none; do not hammer it
	}
	return interval, nil
}

func statusInfoText(si *ocpp.StatusInfoType) string {
	if si == nil {
		return ""
	}
	if si.AdditionalInfo != "" {
		return fmt.Sprintf(" (%s: %s)", si.ReasonCode, si.AdditionalInfo)
	}
	return " (" + si.ReasonCode + ")"
}

// setClock takes the CSMS's time, corrected by half the round trip.
func (s *Station) setClock(csms, sent time.Time) {
	if csms.IsZero() {
		return
	}
	rtt := time.Since(sent)
	s.mu.Lock()
	s.offset = time.Until(csms.Add(rtt / 2))
	s.mu.Unlock()
}

func (s *Station) heartbeat(ctx context.Context, c *rpc.Conn) error {
	var resp ocpp.HeartbeatResponse
	sent := time.Now()
	if err := call(ctx, c, ocpp.ActionHeartbeat, ocpp.HeartbeatRequest{}, &resp); err != nil {
		return err // the next heartbeat is the retry
	}
	s.setClock(resp.CurrentTime.Time, sent)
	return nil
}

// afterAccepted sends what waited for the connection: security events
// raised while offline, then connector status per B04.
func (s *Station) afterAccepted(ctx context.Context, c *rpc.Conn) error {
	s.mu.Lock()
	events := s.events
	s.events = nil
	s.mu.Unlock()
	for i, e := range events {
		err := call(ctx, c, ocpp.ActionSecurityEventNotification, e, &ocpp.SecurityEventNotificationResponse{})
		if err != nil && !oneCallFailed(ctx, c, err) {
			s.mu.Lock()
			s.events = append(events[i:], s.events...)
			s.mu.Unlock()
			return err
		}
		if err != nil {
			// The CSMS refused it or did not answer: told once is all a
			// security event gets (Part 4 §4.2 retries only TransactionEvent).
			s.log.Warn("SecurityEventNotification not acknowledged", "type", e.Type, "err", err)
		}
	}
	threshold := time.Duration(s.model.Int(commCtrlr, devicemodel.Variable{Name: "OfflineThreshold"}, 60)) * time.Second
	return s.sendStatuses(ctx, c, s.reporter.Connected(time.Now(), threshold, false, s.connectorStatuses()))
}

// sendChanged reports connectors whose status changed, and applies
// availability changes that waited for a connector to become idle.
func (s *Station) sendChanged(ctx context.Context, c *rpc.Conn) error {
	s.applyScheduled(ctx)
	s.resetIfIdle()
	return s.sendStatuses(ctx, c, s.reporter.Changed(s.connectorStatuses()))
}

func (s *Station) sendStatuses(ctx context.Context, c *rpc.Conn, refs []ConnectorRef) error {
	s.syncModel()
	current := s.connectorStatuses()
	var err error
	sent := 0
	for _, ref := range refs {
		status := current[ref]
		req := ocpp.StatusNotificationRequest{Timestamp: ocpp.NewDateTime(s.now()), ConnectorStatus: ocpp.ConnectorStatusEnumType(status),
			EVSEID: ref.EVSE, ConnectorID: ref.Connector}
		if err = call(ctx, c, ocpp.ActionStatusNotification, req, &ocpp.StatusNotificationResponse{}); err != nil {
			// Not Sent: the reporter still owes the CSMS this status, and
			// the next change or heartbeat sends it again. The rest wait
			// too, so a CSMS that does not answer costs one MessageTimeout.
			break
		}
		s.reporter.Sent(ref, status)
		s.mu.Lock()
		s.reported[ref] = status
		s.mu.Unlock()
		sent++
	}
	if sent > 0 {
		s.writeStatus()
	}
	return err
}

func (s *Station) setOnline(on bool) {
	s.mu.Lock()
	s.online = on
	s.mu.Unlock()
	if on {
		s.ss.wake.kick() // the limits the CSMS has not been told yet are notified
	}
}
