package gocsms

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/smartcharging"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/drivers/ocpp/profilereports"
)

// The smart-charging CALLs a station sends are answered as the spec asks
// (empty answers; Accepted for the ISO 15118 ones) and recorded like every
// other CALL; this CSMS's smart-charging requests follow.

func (h handlers) OnClearedChargingLimit(string, *smartcharging.ClearedChargingLimitRequest) (*smartcharging.ClearedChargingLimitResponse, error) {
	return smartcharging.NewClearedChargingLimitResponse(), nil
}

func (h handlers) OnNotifyChargingLimit(string, *smartcharging.NotifyChargingLimitRequest) (*smartcharging.NotifyChargingLimitResponse, error) {
	return smartcharging.NewNotifyChargingLimitResponse(), nil
}

func (h handlers) OnNotifyEVChargingNeeds(string, *smartcharging.NotifyEVChargingNeedsRequest) (*smartcharging.NotifyEVChargingNeedsResponse, error) {
	return smartcharging.NewNotifyEVChargingNeedsResponse(smartcharging.EVChargingNeedsStatusAccepted), nil
}

func (h handlers) OnNotifyEVChargingSchedule(string, *smartcharging.NotifyEVChargingScheduleRequest) (*smartcharging.NotifyEVChargingScheduleResponse, error) {
	return smartcharging.NewNotifyEVChargingScheduleResponse(types.GenericStatusAccepted), nil
}

func (h handlers) OnReportChargingProfiles(string, *smartcharging.ReportChargingProfilesRequest) (*smartcharging.ReportChargingProfilesResponse, error) {
	return smartcharging.NewReportChargingProfilesResponse(), nil
}

// SetChargingProfile installs profile on evseID (0: the whole station).
func (c *CSMS) SetChargingProfile(ctx context.Context, station string, evseID int, profile *types.ChargingProfile) (*smartcharging.SetChargingProfileResponse, error) {
	return Send[*smartcharging.SetChargingProfileResponse](ctx, c, station, smartcharging.NewSetChargingProfileRequest(evseID, profile))
}

// ClearChargingProfile clears profiles by id or by criteria.
func (c *CSMS) ClearChargingProfile(ctx context.Context, station string, req *smartcharging.ClearChargingProfileRequest) (*smartcharging.ClearChargingProfileResponse, error) {
	return Send[*smartcharging.ClearChargingProfileResponse](ctx, c, station, req)
}

// GetChargingProfiles asks station for its profiles matching req and, when
// it answers Accepted, waits for every ReportChargingProfiles of
// req.RequestID up to the one without tbc, returned in arrival order.
func (c *CSMS) GetChargingProfiles(ctx context.Context, station string, req *smartcharging.GetChargingProfilesRequest) (*smartcharging.GetChargingProfilesResponse, []*smartcharging.ReportChargingProfilesRequest, error) {
	from := c.Mark()
	res, err := Send[*smartcharging.GetChargingProfilesResponse](ctx, c, station, req)
	if err != nil || res.Status != smartcharging.GetChargingProfileStatusAccepted {
		return res, nil, err
	}
	reports, err := c.WaitChargingProfileReports(ctx, from, station, req.RequestID)
	return res, reports, err
}

// ChargingProfileReports returns the ReportChargingProfiles station sent
// for requestID at or after position from, in arrival order, and whether
// the last one (tbc false) is among them.
func (c *CSMS) ChargingProfileReports(from int, station string, requestID int) ([]*smartcharging.ReportChargingProfilesRequest, bool, error) {
	var payloads []json.RawMessage
	for _, m := range c.Since(from) {
		if m.Station == station && m.Action == smartcharging.ReportChargingProfilesFeatureName {
			payloads = append(payloads, m.Payload)
		}
	}
	idx, complete, err := profilereports.Of(payloads, requestID)
	if err != nil {
		return nil, false, fmt.Errorf("gocsms: from %s: %w", station, err)
	}
	out := make([]*smartcharging.ReportChargingProfilesRequest, len(idx))
	for i, j := range idx {
		out[i] = new(smartcharging.ReportChargingProfilesRequest)
		if err := json.Unmarshal(payloads[j], out[i]); err != nil {
			return nil, false, fmt.Errorf("gocsms: ReportChargingProfiles from %s: %w", station, err)
		}
	}
	return out, complete, nil
}

// WaitChargingProfileReports waits until station has sent the last
// ReportChargingProfiles (tbc false) for requestID at or after position
// from, and returns them all in arrival order.
func (c *CSMS) WaitChargingProfileReports(ctx context.Context, from int, station string, requestID int) ([]*smartcharging.ReportChargingProfilesRequest, error) {
	for {
		c.mu.Lock()
		changed := c.changed
		c.mu.Unlock()
		reports, done, err := c.ChargingProfileReports(from, station, requestID)
		if done || err != nil {
			return reports, err
		}
		select {
		case <-changed:
		case <-c.done:
			return reports, errStopped
		case <-ctx.Done():
			return reports, fmt.Errorf("gocsms: %d ReportChargingProfiles for request %d from %s, none with tbc false: %w",
				len(reports), requestID, station, ctx.Err())
		}
	}
}

// CompositeScheduleAnswer is a GetCompositeScheduleResponse as OCPP 2.0.1
// defines it. ocpp-go v0.19.0's own type carries the schedule of an OCPP
// 2.0 draft (startDateTime, chargingSchedule) and loses the 2.0.1 one, so
// GetCompositeSchedule decodes the answer's bytes into this instead.
type CompositeScheduleAnswer struct {
	Status     string             `json:"status"`
	StatusInfo *types.StatusInfo  `json:"statusInfo,omitempty"`
	Schedule   *CompositeSchedule `json:"schedule,omitempty"`
}

// CompositeSchedule is the OCPP 2.0.1 CompositeScheduleType.
type CompositeSchedule struct {
	EvseID                 int               `json:"evseId"`
	Duration               int               `json:"duration"`
	ScheduleStart          time.Time         `json:"scheduleStart"`
	ChargingRateUnit       string            `json:"chargingRateUnit"`
	ChargingSchedulePeriod []CompositePeriod `json:"chargingSchedulePeriod"`
}

// CompositePeriod is one ChargingSchedulePeriodType of a composite schedule.
type CompositePeriod struct {
	StartPeriod  int     `json:"startPeriod"`
	Limit        float64 `json:"limit"`
	NumberPhases *int    `json:"numberPhases,omitempty"`
	PhaseToUse   *int    `json:"phaseToUse,omitempty"`
}

// GetCompositeSchedule asks station for its composite schedule on evseID
// over duration seconds, in unit ("" lets the station choose).
func (c *CSMS) GetCompositeSchedule(ctx context.Context, station string, evseID, duration int, unit types.ChargingRateUnitType) (*CompositeScheduleAnswer, error) {
	req := smartcharging.NewGetCompositeScheduleRequest(duration, evseID)
	req.ChargingRateUnit = unit
	_, raw, err := SendRaw[*smartcharging.GetCompositeScheduleResponse](ctx, c, station, req)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("gocsms: the bytes of %s's GetCompositeSchedule answer were not seen", station)
	}
	var a CompositeScheduleAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("gocsms: %s's GetCompositeSchedule answer %s: %w", station, raw, err)
	}
	return &a, nil
}
