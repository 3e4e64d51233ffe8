package main

// Smart charging (OCPP 2.0.1 block K, issue 10) end to end: gwsim's KEBA
// P30 chargers and gwd as processes, every flow against both CSMS peers
// on a charger and station of its own (runFlows). The current a flow
// expects is read from gwsim's control API, the device's own state, never
// from gwd. The expectations come from the specification (K01 set, K05
// remote start with a profile, K08 composite schedule, K09 get, K10
// clear), not from the station's code.
//
// OCTT cases covered (Part 6 ids, as a 2.1 CS results table lists the
// 2.0.1 ones), by flow:
//   stacking        TC_K_02, TC_K_03, TC_K_04, TC_K_10, TC_K_60
//   clear           TC_K_05, TC_K_06, TC_K_07, TC_K_08, TC_K_09, TC_K_24
//   composite       TC_K_40, TC_K_41, TC_K_47
//   recurring       TC_K_19, TC_K_28
//   midnight        TC_K_19 (across midnight UTC by the station's clock)
//   (restart test)  TC_K_13, TC_K_105
//   remote-start    TC_K_37
//   get-profiles    TC_K_01, TC_K_29 to TC_K_36
//   bad-input       TC_K_02, TC_K_11, TC_K_14, TC_K_16, and K01.FR.06
//   watts           K01 chargingRateUnit W (no OCTT case of its own)
//   validity        TC_K_21, TC_K_22
//   site-limit      K12 and K13 (NotifyChargingLimit, ClearedChargingLimit;
//                   TC_K_52 is the EMS variant), K08, K10

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/profilereports"
)

var smartChargingFlows = []sessionFlow{
	{name: "stacking", run: scStacking},
	{name: "clear", run: scClear},
	{name: "composite", run: scComposite},
	{name: "recurring", run: scRecurring},
	{name: "midnight", run: scMidnight, ownCSMS: true}, // sets its CSMS's clock
	{name: "remote-start", run: scRemoteStart},
	{name: "get-profiles", run: scGetProfiles},
	{name: "bad-input", run: scBadInput},
	{name: "site-limit", run: scSiteLimit},
	{name: "watts", run: scWatts},
	{name: "validity", run: scValidity},
}

// TestSmartCharging runs every smart-charging flow against every peer.
func TestSmartCharging(t *testing.T) { runFlows(t, smartChargingFlows) }

// scChargerMaxA is the limit with no profile: the Charger's
// spec.electrical.maxCurrentA default, and the KEBA's own maximum.
const scChargerMaxA = 32

// scPeriod is one chargingSchedulePeriod: from start seconds, limit.
type scPeriod struct {
	start int
	limit float64
}

// scProfile is a ChargingProfileType as a CSMS sends it, one schedule in
// A; startSchedule is left out when start is zero (Relative).
type scProfile map[string]any

func newProfile(id, stackLevel int, purpose, kind string, start time.Time, periods ...scPeriod) scProfile {
	ps := make([]map[string]any, len(periods))
	for i, p := range periods {
		ps[i] = map[string]any{"startPeriod": p.start, "limit": p.limit}
	}
	schedule := map[string]any{"id": 1, "chargingRateUnit": "A", "chargingSchedulePeriod": ps}
	if !start.IsZero() {
		schedule["startSchedule"] = scTime(start)
	}
	return scProfile{"id": id, "stackLevel": stackLevel, "chargingProfilePurpose": purpose,
		"chargingProfileKind": kind, "chargingSchedule": []map[string]any{schedule}}
}

// with returns p with field set to v; "duration" sets the schedule's.
func (p scProfile) with(field string, v any) scProfile {
	if field == "duration" {
		p["chargingSchedule"].([]map[string]any)[0][field] = v
		return p
	}
	p[field] = v
	return p
}

// scTime is an RFC 3339 UTC time of whole seconds.
func scTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// scAnswer is a CSMS's view of a station's answer with a status.
type scAnswer struct {
	Status     string `json:"status"`
	StatusInfo *struct {
		ReasonCode string `json:"reasonCode"`
	} `json:"statusInfo"`
}

func scAnswerOf(t *testing.T, res json.RawMessage) scAnswer {
	t.Helper()
	var a scAnswer
	if err := json.Unmarshal(res, &a); err != nil {
		t.Fatalf("answer %s: %v", res, err)
	}
	return a
}

// setProfile sends SetChargingProfile for evse and returns the answer.
func (f *flowEnv) setProfile(t *testing.T, evse int, p scProfile) scAnswer {
	t.Helper()
	return scAnswerOf(t, f.call(t, "SetChargingProfile", map[string]any{"evseId": evse, "chargingProfile": p}))
}

func (f *flowEnv) setAccepted(t *testing.T, evse int, p scProfile) {
	t.Helper()
	if a := f.setProfile(t, evse, p); a.Status != "Accepted" {
		t.Fatalf("SetChargingProfile %v on EVSE %d: %+v, want Accepted", p["id"], evse, a)
	}
}

// setRefused expects a SetChargingProfile answered with status and a
// reasonCode saying why.
func (f *flowEnv) setRefused(t *testing.T, what string, evse int, p scProfile, status string) {
	t.Helper()
	a := f.setProfile(t, evse, p)
	if a.Status != status || a.StatusInfo == nil || a.StatusInfo.ReasonCode == "" {
		t.Errorf("SetChargingProfile with %s: %+v (statusInfo %+v), want %s with a reasonCode", what, a, a.StatusInfo, status)
	}
}

// clearProfiles sends ClearChargingProfile and returns its status.
func (f *flowEnv) clearProfiles(t *testing.T, req map[string]any) string {
	t.Helper()
	return scAnswerOf(t, f.call(t, "ClearChargingProfile", req)).Status
}

// waitLimit waits until the simulated charger was written a and has it
// in force.
func (f *flowEnv) waitLimit(t *testing.T, a float64) { f.waitLimitWithin(t, a, 30*time.Second) }

// waitLimitWithin is waitLimit for a change that may be d away.
func (f *flowEnv) waitLimitWithin(t *testing.T, a float64, d time.Duration) {
	t.Helper()
	fixture.Within(t, d, fmt.Sprintf("the charger limited to %g A at the device", a), func() string {
		if s := f.simState(t); s.SetpointA != a || s.LimitA != a {
			return fmt.Sprintf("%+v", s)
		}
		return ""
	})
}

// transactionID is the id of the station's first session.
func (f *flowEnv) transactionID(t *testing.T) string {
	t.Helper()
	start, _ := f.waitType(t, "Started", "")
	return start.Info.ID
}

// scReport is a ReportChargingProfilesRequest as the CSMS reads it.
type scReport struct {
	RequestID           int    `json:"requestId"`
	ChargingLimitSource string `json:"chargingLimitSource"`
	Tbc                 bool   `json:"tbc"`
	EvseID              int    `json:"evseId"`
	ChargingProfile     []struct {
		ID               int    `json:"id"`
		StackLevel       int    `json:"stackLevel"`
		Purpose          string `json:"chargingProfilePurpose"`
		Kind             string `json:"chargingProfileKind"`
		TransactionID    string `json:"transactionId"`
		ChargingSchedule []struct {
			Unit    string `json:"chargingRateUnit"`
			Periods []struct {
				StartPeriod int     `json:"startPeriod"`
				Limit       float64 `json:"limit"`
			} `json:"chargingSchedulePeriod"`
		} `json:"chargingSchedule"`
	} `json:"chargingProfile"`
}

// getProfiles sends GetChargingProfiles and returns its status and, when
// Accepted, the reports of requestID up to the one with tbc false (K09),
// each checked to carry no other tbc. requestID must be new to the station.
func (f *flowEnv) getProfiles(t *testing.T, requestID int, evse *int, criterion map[string]any) (string, []scReport) {
	t.Helper()
	req := map[string]any{"requestId": requestID, "chargingProfile": criterion}
	if evse != nil {
		req["evseId"] = *evse
	}
	status := scAnswerOf(t, f.call(t, "GetChargingProfiles", req)).Status
	if status != "Accepted" {
		return status, nil
	}
	var payloads []json.RawMessage
	var idx []int
	fixture.Within(t, 30*time.Second, fmt.Sprintf("the last ReportChargingProfiles of request %d", requestID), func() string {
		payloads = f.payloads("ReportChargingProfiles", func(json.RawMessage) bool { return true })
		var complete bool
		var err error
		if idx, complete, err = profilereports.Of(payloads, requestID); err != nil {
			t.Fatal(err)
		} else if !complete {
			return fmt.Sprintf("%d reports so far", len(idx))
		}
		return ""
	})
	reports := make([]scReport, len(idx))
	for i, j := range idx {
		if err := json.Unmarshal(payloads[j], &reports[i]); err != nil {
			t.Fatalf("ReportChargingProfiles %s: %v", payloads[j], err)
		}
		if reports[i].Tbc != (i < len(idx)-1) {
			t.Errorf("report %d of %d for request %d has tbc %t", i+1, len(idx), requestID, reports[i].Tbc)
		}
	}
	return status, reports
}

// reportedIDs are the profile ids in reports, sorted, with the EVSE each
// was reported on; every report must be the CSMS's (CSO).
func reportedIDs(t *testing.T, reports []scReport) ([]int, map[int]int) {
	t.Helper()
	var ids []int
	evse := map[int]int{}
	for _, r := range reports {
		if r.ChargingLimitSource != "CSO" {
			t.Errorf("report of request %d: chargingLimitSource %q, want CSO", r.RequestID, r.ChargingLimitSource)
		}
		for _, p := range r.ChargingProfile {
			ids = append(ids, p.ID)
			evse[p.ID] = r.EvseID
		}
	}
	slices.Sort(ids)
	return ids, evse
}

// expectIDs gets the profiles matching criterion and checks their ids.
func (f *flowEnv) expectIDs(t *testing.T, requestID int, evse *int, criterion map[string]any, want ...int) map[int]int {
	t.Helper()
	status, reports := f.getProfiles(t, requestID, evse, criterion)
	if len(want) == 0 {
		if status != "NoProfiles" {
			t.Errorf("GetChargingProfiles %v on EVSE %v: %s %+v, want NoProfiles", criterion, scIntOf(evse), status, reports)
		}
		return nil
	}
	ids, on := reportedIDs(t, reports)
	if status != "Accepted" || !slices.Equal(ids, want) {
		t.Errorf("GetChargingProfiles %v on EVSE %v: %s with profiles %v, want Accepted with %v", criterion, scIntOf(evse), status, ids, want)
	}
	return on
}

func scIntOf(n *int) string {
	if n == nil {
		return "(none)"
	}
	return fmt.Sprint(*n)
}

// variable reads one device-model variable's Actual value.
func (f *flowEnv) variable(t *testing.T, component, name string) string {
	t.Helper()
	res := f.call(t, "GetVariables", map[string]any{"getVariableData": []map[string]any{{
		"component": map[string]any{"name": component}, "variable": map[string]any{"name": name}}}})
	var r struct {
		Results []struct {
			Status string `json:"attributeStatus"`
			Value  string `json:"attributeValue"`
		} `json:"getVariableResult"`
	}
	if err := json.Unmarshal(res, &r); err != nil || len(r.Results) != 1 || r.Results[0].Status != "Accepted" {
		t.Fatalf("GetVariables %s.%s: %s, %v", component, name, res, err)
	}
	return r.Results[0].Value
}

// near: a and b differ by less than tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) < tol }
