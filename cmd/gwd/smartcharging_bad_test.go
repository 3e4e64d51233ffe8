package main

// GetChargingProfiles by criteria (K09), and the profiles a station must
// refuse, each with a reasonCode and nothing stored (K01).

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// scGetProfiles (K09, TC_K_29 to TC_K_36): three profiles on the station
// and on EVSE 1, reported by EVSE, purpose, stackLevel, id and source;
// evseId 0 means the profiles installed on the station itself, an absent
// evseId every profile; criteria matching nothing answer NoProfiles. Every
// report carries the requestId, CSO, and tbc false on the last only.
func scGetProfiles(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	f.setAccepted(t, 0, newProfile(701, 0, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 16}))
	f.setAccepted(t, 1, newProfile(702, 1, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 14}, scPeriod{3600, 12}))
	f.setAccepted(t, 0, newProfile(703, 0, "ChargingStationMaxProfile", "Absolute", ago, scPeriod{0, 24}))
	zero, one := 0, 1
	for i, c := range []struct {
		evse      *int
		criterion map[string]any
		want      []int
	}{
		{&zero, map[string]any{"chargingProfilePurpose": "TxDefaultProfile"}, []int{701}},
		{&one, map[string]any{"chargingProfilePurpose": "TxDefaultProfile"}, []int{702}},
		{nil, map[string]any{"stackLevel": 0}, []int{701, 703}},
		{nil, map[string]any{"chargingProfileId": []int{703}}, []int{703}},
		{&one, map[string]any{"chargingLimitSource": []string{"CSO"}}, []int{702}},
		{&one, map[string]any{"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 1}, []int{702}},
		{&one, map[string]any{"stackLevel": 0}, nil},
		{nil, map[string]any{"chargingProfileId": []int{799}}, nil},
		{nil, map[string]any{"chargingLimitSource": []string{"EMS"}}, nil},
	} {
		f.expectIDs(t, 7001+i, c.evse, c.criterion, c.want...)
	}
	status, reports := f.getProfiles(t, 7100, nil, map[string]any{"chargingLimitSource": []string{"CSO"}})
	ids, on := reportedIDs(t, reports)
	if status != "Accepted" || fmt.Sprint(ids) != "[701 702 703]" || on[701] != 0 || on[702] != 1 || on[703] != 0 {
		t.Fatalf("every profile: %s %v on EVSEs %v, want 701 and 703 on 0, 702 on 1", status, ids, on)
	}
	for _, r := range reports {
		for _, p := range r.ChargingProfile {
			if p.ID != 702 {
				continue
			}
			if p.StackLevel != 1 || p.Purpose != "TxDefaultProfile" || p.Kind != "Absolute" || len(p.ChargingSchedule) != 1 ||
				fmt.Sprintf("%+v", p.ChargingSchedule[0].Periods) != "[{StartPeriod:0 Limit:14} {StartPeriod:3600 Limit:12}]" {
				t.Errorf("profile 702 reported as %+v", p)
			}
		}
	}
}

// scBadInput (K01): each profile is Rejected with a reasonCode, and
// afterwards only the one valid profile is there. The duplicate is the
// rule of K01.FR.06: no two profiles of one purpose and stackLevel on one
// EVSE with overlapping validity (none given: always). A TxProfile for
// every EVSE (TC_K_11) and for an unknown transaction (TC_K_16), an EVSE
// that does not exist (TC_K_14), more periods than
// SmartChargingCtrlr.PeriodsPerSchedule, a validTo already past, a
// ChargingStationExternalConstraints profile (not the CSMS's to set) and
// a negative limit (the schema allows it) are refused too.
func scBadInput(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	f.setAccepted(t, 0, newProfile(801, 2, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 16}))
	n, err := strconv.Atoi(f.variable(t, "SmartChargingCtrlr", "PeriodsPerSchedule"))
	// The schema allows 1024 periods: a station cannot declare more.
	if err != nil || n < 1 || n >= 1024 {
		t.Fatalf("SmartChargingCtrlr.PeriodsPerSchedule: %d, %v; want 1 to 1023", n, err)
	}
	many := make([]scPeriod, n+1)
	for i := range many {
		many[i] = scPeriod{i * 60, float64(10 + i%2)}
	}
	tx := func(id int, txID string) scProfile {
		return newProfile(id, 0, "TxProfile", "Absolute", ago, scPeriod{0, 10}).with("transactionId", txID)
	}
	for _, c := range []struct {
		what string
		evse int
		p    scProfile
	}{
		{"the purpose, stackLevel and EVSE of profile 801", 0, newProfile(802, 2, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 10})},
		{fmt.Sprintf("%d periods, PeriodsPerSchedule being %d", n+1, n), 0, newProfile(803, 3, "TxDefaultProfile", "Absolute", ago, many...)},
		{"a validTo an hour ago", 0, newProfile(804, 4, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 10}).
			with("validTo", scTime(time.Now().Add(-time.Hour)))},
		{"EVSE 99, which does not exist", 99, newProfile(805, 0, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 10})},
		{"purpose ChargingStationExternalConstraints", 0, newProfile(806, 0, "ChargingStationExternalConstraints", "Absolute", ago, scPeriod{0, 10})},
		{"a negative limit", 0, newProfile(807, 5, "TxDefaultProfile", "Absolute", ago, scPeriod{0, -6})},
		{"a TxProfile on EVSE 0", 0, tx(808, "SC-BAD-TX")},
		{"a TxProfile for an unknown transaction", 1, tx(809, "SC-BAD-TX")},
	} {
		f.setRefused(t, c.what, c.evse, c.p, "Rejected")
	}
	f.expectIDs(t, 8001, nil, map[string]any{"chargingLimitSource": []string{"CSO"}}, 801)
}
