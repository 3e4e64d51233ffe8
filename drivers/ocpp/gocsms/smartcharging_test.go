package gocsms

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/smartcharging"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// report is a schema-valid ReportChargingProfilesRequest for one TxDefaultProfile.
func report(requestID, profileID int, tbc bool) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"requestId":%d,"chargingLimitSource":"CSO","tbc":%t,"evseId":0,"chargingProfile":[`+
		`{"id":%d,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",`+
		`"chargingSchedule":[{"id":1,"startSchedule":"2026-12-03T10:00:00Z","chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}]}]}`,
		requestID, tbc, profileID))
}

const compositeAnswer = `{"status":"Accepted","schedule":{"evseId":1,"duration":3600,"scheduleStart":"2026-12-03T10:00:00Z",` +
	`"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16,"numberPhases":3},{"startPeriod":1800,"limit":8}]}}`

// TestSmartChargingRequests: the requests are sent and answered; the
// composite schedule comes back whole although ocpp-go's type cannot hold
// it; the reports of one requestId are collected up to tbc false, those
// of another request left out.
func TestSmartChargingRequests(t *testing.T) {
	c, v := startCSMS(t)
	var conn *rpc.Conn
	sent := make(chan struct{}) // the reports are answered: the station may go
	fixed := answering(map[string]string{
		"SetChargingProfile":   `{"status":"Rejected","statusInfo":{"reasonCode":"TxNotFound"}}`,
		"ClearChargingProfile": `{"status":"Unknown"}`,
		"GetCompositeSchedule": compositeAnswer,
	})
	conn = station(t, c, v, "GO-SC", 0, func(ctx context.Context, action string, p json.RawMessage) (any, error) {
		if action != "GetChargingProfiles" {
			return fixed(ctx, action, p)
		}
		go func() { // after the answer, as the station does (K09)
			defer close(sent)
			for _, r := range []json.RawMessage{report(9, 1, true), report(8, 5, false), report(9, 2, false)} {
				if _, err := conn.Call(context.Background(), "ReportChargingProfiles", r); err != nil {
					t.Errorf("ReportChargingProfiles: %v", err)
				}
			}
		}()
		return json.RawMessage(`{"status":"Accepted"}`), nil
	})
	ctx := ctxT(t)
	profile := types.NewChargingProfile(3, 1, types.ChargingProfilePurposeTxProfile, types.ChargingProfileKindAbsolute,
		[]types.ChargingSchedule{*types.NewChargingSchedule(1, types.ChargingRateUnitAmperes, types.NewChargingSchedulePeriod(0, 10))})
	if res, err := c.SetChargingProfile(ctx, "GO-SC", 1, profile); err != nil || res.Status != smartcharging.ChargingProfileStatusRejected ||
		res.StatusInfo == nil || res.StatusInfo.ReasonCode != "TxNotFound" {
		t.Errorf("SetChargingProfile: %+v, %v", res, err)
	}
	id := 77
	if res, err := c.ClearChargingProfile(ctx, "GO-SC", &smartcharging.ClearChargingProfileRequest{ChargingProfileID: &id}); err != nil ||
		res.Status != smartcharging.ClearChargingProfileStatusUnknown {
		t.Errorf("ClearChargingProfile: %+v, %v", res, err)
	}
	a, err := c.GetCompositeSchedule(ctx, "GO-SC", 1, 3600, types.ChargingRateUnitAmperes)
	if err != nil || a.Status != "Accepted" || a.Schedule == nil {
		t.Fatalf("GetCompositeSchedule: %+v, %v", a, err)
	}
	s := a.Schedule
	if s.EvseID != 1 || s.Duration != 3600 || !s.ScheduleStart.Equal(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) || s.ChargingRateUnit != "A" ||
		len(s.ChargingSchedulePeriod) != 2 || s.ChargingSchedulePeriod[1].StartPeriod != 1800 || s.ChargingSchedulePeriod[1].Limit != 8 ||
		s.ChargingSchedulePeriod[0].NumberPhases == nil || *s.ChargingSchedulePeriod[0].NumberPhases != 3 {
		t.Errorf("composite schedule %+v", s)
	}
	res, reports, err := c.GetChargingProfiles(ctx, "GO-SC", &smartcharging.GetChargingProfilesRequest{RequestID: 9,
		ChargingProfile: smartcharging.ChargingProfileCriterion{ChargingProfilePurpose: types.ChargingProfilePurposeTxDefaultProfile}})
	if err != nil || res.Status != smartcharging.GetChargingProfileStatusAccepted {
		t.Fatalf("GetChargingProfiles: %+v, %v", res, err)
	}
	<-sent
	if len(reports) != 2 || !reports[0].Tbc || reports[1].Tbc || reports[0].ChargingProfile[0].ID != 1 || reports[1].ChargingProfile[0].ID != 2 {
		t.Errorf("reports %+v, want profiles 1 (tbc) and 2 of request 9", reports)
	}
	if got, done, err := c.ChargingProfileReports(0, "GO-SC", 8); err != nil || !done || len(got) != 1 {
		t.Errorf("reports of request 8: %+v, %t, %v", got, done, err)
	}
}

// TestStationSmartChargingCalls: what a station sends for smart charging
// is answered per the OCA schemas (the station's rpc client validates the
// answers) and recorded as sent.
func TestStationSmartChargingCalls(t *testing.T) {
	c, v := startCSMS(t)
	conn := station(t, c, v, "GO-LIMITS", 0, nil)
	for _, tc := range []struct{ action, payload, answer string }{
		{"NotifyChargingLimit", `{"evseId":1,"chargingLimit":{"chargingLimitSource":"EMS","isGridCritical":false}}`, `{}`},
		{"ClearedChargingLimit", `{"chargingLimitSource":"EMS","evseId":1}`, `{}`},
		{"ReportChargingProfiles", string(report(4, 1, false)), `{}`},
		{"NotifyEVChargingNeeds", `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"AC_three_phase"}}`, `{"status":"Accepted"}`},
	} {
		res, err := conn.Call(ctxT(t), tc.action, json.RawMessage(tc.payload))
		if err != nil || string(res) != tc.answer {
			t.Errorf("%s answered %s, %v; want %s", tc.action, res, err, tc.answer)
		}
		if m := c.Messages("GO-LIMITS", tc.action); len(m) != 1 || string(m[0].Payload) != tc.payload {
			t.Errorf("%s recorded %+v", tc.action, m)
		}
	}
	if _, done, err := c.ChargingProfileReports(0, "GO-LIMITS", 4); !done || err != nil {
		t.Errorf("the report of request 4 is not complete: %v", err)
	}
}

// TestClockOffset: the time a station takes from its CSMS (BootNotification,
// Heartbeat) follows SetClockOffset, so a test can put a station's clock
// just before midnight.
func TestClockOffset(t *testing.T) {
	c, v := startCSMS(t)
	conn := station(t, c, v, "GO-CLOCK", 0, nil)
	currentTime := func(action, payload string) time.Time {
		res, err := conn.Call(ctxT(t), action, json.RawMessage(payload))
		var a struct{ CurrentTime time.Time }
		if err != nil || json.Unmarshal(res, &a) != nil {
			t.Fatalf("%s: %s, %v", action, res, err)
		}
		return a.CurrentTime
	}
	const boot = `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`
	for _, d := range []time.Duration{7 * time.Hour, -90 * time.Minute, 0} {
		c.SetClockOffset(d)
		before := time.Now().Add(d)
		hb, bn := currentTime("Heartbeat", `{}`), currentTime("BootNotification", boot)
		after := time.Now().Add(d)
		for _, got := range []time.Time{hb, bn} {
			// The answers carry whole seconds at most.
			if got.Before(before.Add(-time.Second)) || got.After(after.Add(time.Second)) {
				t.Errorf("offset %v: currentTime %v, want between %v and %v", d, got, before, after)
			}
		}
	}
}
