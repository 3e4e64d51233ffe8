package strictcsms

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// report is a schema-valid ReportChargingProfilesRequest for one TxDefaultProfile.
func report(requestID, profileID int, tbc bool) string {
	return fmt.Sprintf(`{"requestId":%d,"chargingLimitSource":"CSO","tbc":%t,"evseId":0,"chargingProfile":[`+
		`{"id":%d,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute",`+
		`"chargingSchedule":[{"id":1,"startSchedule":"2026-12-03T10:00:00Z","chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}]}]}`,
		requestID, tbc, profileID)
}

// TestStationSmartChargingCalls: the station's smart-charging CALLs are
// answered as the schemas ask; one that breaks its schema is refused and
// reported.
func TestStationSmartChargingCalls(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-SC", "")
	roundTrip(t, ws, boot)
	for i, tc := range []struct{ action, payload, answer string }{
		{"NotifyChargingLimit", `{"evseId":1,"chargingLimit":{"chargingLimitSource":"EMS","isGridCritical":false}}`, `{}`},
		{"ClearedChargingLimit", `{"chargingLimitSource":"EMS","evseId":1}`, `{}`},
		{"ReportChargingProfiles", report(4, 1, false), `{}`},
		{"NotifyEVChargingNeeds", `{"evseId":1,"chargingNeeds":{"requestedEnergyTransfer":"AC_three_phase"}}`, `{"status":"Accepted"}`},
	} {
		if msg := roundTrip(t, ws, call(fmt.Sprint("s", i), tc.action, tc.payload)); string(msg[0]) != "3" || string(msg[2]) != tc.answer {
			t.Errorf("%s answered %s, want %s", tc.action, msg, tc.answer)
		}
	}
	if f := c.Failures(); len(f) != 0 {
		t.Fatalf("failures %+v", f)
	}
	// chargingLimitSource is required.
	if msg := roundTrip(t, ws, call("bad", "ReportChargingProfiles", `{"requestId":5,"evseId":0,"chargingProfile":[]}`)); string(msg[0]) != "4" {
		t.Fatalf("an invalid ReportChargingProfiles answered %s", msg)
	}
	if e, err := c.WaitEvent(ctxT(t), func(e Event) bool { return e.Ev == "strictValidationFailure" }); err != nil ||
		e.Method != "ReportChargingProfiles" || e.Outbound {
		t.Fatalf("failure %+v, %v; want the invalid report", e, err)
	}
	if r, done, err := c.ChargingProfileReports("ST-SC", 5); len(r) != 0 || done || err != nil {
		t.Fatalf("the refused report was recorded: %+v, %v", r, err)
	}
}

// TestGetChargingProfilesCollectsReports: the reports of the request's id
// are collected up to tbc false, in order; another request's are not.
func TestGetChargingProfilesCollectsReports(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-GCP", "")
	roundTrip(t, ws, boot)
	type result struct {
		res     json.RawMessage
		reports []Report
		err     error
	}
	done := make(chan result, 1)
	go func() {
		evse := 0
		res, reports, err := c.GetChargingProfiles(ctxT(t), "ST-GCP", 9, &evse, map[string]any{"chargingProfilePurpose": "TxDefaultProfile"})
		done <- result{res, reports, err}
	}()
	if got := <-answerNext(t, ws, `{"status":"Accepted"}`); got != "GetChargingProfiles" {
		t.Fatalf("the station was called %q", got)
	}
	for i, r := range []string{report(9, 1, true), report(8, 5, false), report(9, 2, false)} {
		roundTrip(t, ws, call(fmt.Sprint("r", i), "ReportChargingProfiles", r))
	}
	r := <-done
	if r.err != nil || string(r.res) != `{"status":"Accepted"}` {
		t.Fatalf("GetChargingProfiles: %s, %v", r.res, r.err)
	}
	if len(r.reports) != 2 || !r.reports[0].Tbc || r.reports[1].Tbc || string(r.reports[1].Payload) != report(9, 2, false) {
		t.Fatalf("reports %+v, want request 9's two", r.reports)
	}
	var p struct{ ID int }
	if json.Unmarshal(r.reports[0].ChargingProfile[0], &p); p.ID != 1 {
		t.Fatalf("first report's profile %s", r.reports[0].ChargingProfile[0])
	}
}

// TestClockOffset: the time a station takes from its CSMS (BootNotification,
// Heartbeat) follows Settings.ClockOffsetMs.
func TestClockOffset(t *testing.T) {
	c := start(t)
	ws := dial(t, c, "ST-CLOCK", "")
	currentTime := func(msg []json.RawMessage) time.Time {
		var a struct{ CurrentTime time.Time }
		if string(msg[0]) != "3" || json.Unmarshal(msg[2], &a) != nil {
			t.Fatalf("answer %s", msg)
		}
		return a.CurrentTime
	}
	for i, d := range []time.Duration{7 * time.Hour, -90 * time.Minute, 0} {
		ms := d.Milliseconds()
		set(t, c, Settings{ClockOffsetMs: &ms})
		before := time.Now().Add(d)
		bn := currentTime(roundTrip(t, ws, boot))
		hb := currentTime(roundTrip(t, ws, call(fmt.Sprint("h", i), "Heartbeat", `{}`)))
		after := time.Now().Add(d)
		for _, got := range []time.Time{hb, bn} {
			if got.Before(before.Add(-time.Second)) || got.After(after.Add(time.Second)) {
				t.Errorf("offset %v: currentTime %v, want between %v and %v", d, got, before, after)
			}
		}
	}
}
