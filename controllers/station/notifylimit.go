package station

import (
	"context"
	"math"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// The CSMS learns of the site's external limit (K12, K13): the charger's
// share of a site limit is set by the gateway's energy management, so a
// new share, or one that changed by more than LimitChangeSignificance, is
// sent in NotifyChargingLimit, and a share that is gone in
// ClearedChargingLimit. Offline, nothing is queued: at reconnect the
// share in force then is compared with the one last told.

// notifyExternal tells the CSMS about evse's site share when it differs
// enough from what it was last told.
func (s *Station) notifyExternal(evse int, share *float64) {
	s.mu.Lock()
	online := s.online
	s.mu.Unlock()
	if !online {
		return
	}
	s.lim.mu.Lock()
	told, known := s.lim.notified[evse]
	busy := s.lim.notifying[evse]
	s.lim.mu.Unlock()
	sig := s.model.Float(smartCtrlr, devicemodel.Variable{Name: "LimitChangeSignificance"}, 10)
	switch {
	case busy:
		return
	case share == nil && !known:
		return
	case share != nil && known && math.Abs(*share-told) <= told*sig/100 && (*share == 0) == (told == 0):
		return
	}
	s.lim.mu.Lock()
	s.lim.notifying[evse] = true
	s.lim.mu.Unlock()
	send := func(ctx context.Context, c *rpc.Conn) error {
		err := s.sendExternal(ctx, c, evse, share)
		s.lim.mu.Lock()
		defer s.lim.mu.Unlock()
		delete(s.lim.notifying, evse)
		switch {
		case err != nil:
			// Told again at a later step; a CSMS that refuses the
			// notification is no reason to drop the connection.
			s.log.Warn("the site limit was not notified to the CSMS", "evse", evse, "err", err)
		case share == nil:
			delete(s.lim.notified, evse)
		default:
			s.lim.notified[evse] = *share
		}
		return nil
	}
	select {
	case s.actions <- send:
	default:
		s.lim.mu.Lock()
		delete(s.lim.notifying, evse)
		s.lim.mu.Unlock()
	}
}

// sendExternal sends NotifyChargingLimit for a share, or
// ClearedChargingLimit when there is none any more.
func (s *Station) sendExternal(ctx context.Context, c *rpc.Conn, evse int, share *float64) error {
	id := evse
	if share == nil {
		var resp ocpp.ClearedChargingLimitResponse
		return call(ctx, c, ocpp.ActionClearedChargingLimit,
			ocpp.ClearedChargingLimitRequest{ChargingLimitSource: ocpp.ChargingLimitSourceEMS, EVSEID: &id}, &resp)
	}
	critical := true // the site limit protects the grid connection
	req := ocpp.NotifyChargingLimitRequest{EVSEID: &id,
		ChargingLimit: ocpp.ChargingLimitType{ChargingLimitSource: ocpp.ChargingLimitSourceEMS, IsGridCritical: &critical}}
	if s.model.Value(smartCtrlr, devicemodel.Variable{Name: "NotifyChargingLimitWithSchedules"}) == "true" {
		start := ocpp.NewDateTime(s.now().Truncate(1e9))
		req.ChargingSchedule = []ocpp.ChargingScheduleType{{ID: 1, StartSchedule: &start, ChargingRateUnit: ocpp.ChargingRateUnitA,
			ChargingSchedulePeriod: []ocpp.ChargingSchedulePeriodType{{StartPeriod: 0, Limit: *share}}}}
	}
	var resp ocpp.NotifyChargingLimitResponse
	return call(ctx, c, ocpp.ActionNotifyChargingLimit, req, &resp)
}
