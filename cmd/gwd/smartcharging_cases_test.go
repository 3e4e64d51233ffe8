package main

// Smart-charging flows that end in a current at the device: profiles
// stacked and capped, cleared by id and by criteria, a daily recurring
// profile wrapping to its next day, and a remote start with a profile.

import (
	"testing"
	"time"
)

// scStacking (K01): a TxProfile with no transaction is Rejected (TC_K_02);
// a station-wide TxDefaultProfile of 16 A limits a session to 16 A
// (TC_K_10); a TxProfile of 10 A for the running transaction
// replaces it although its stackLevel is lower, since a TxProfile
// overrides the TxDefaultProfile whatever the levels (TC_K_60); a
// ChargingStationMaxProfile of 8 A caps both (TC_K_03); a TxProfile
// replaced by one of its id at 20 A stays capped, and lifting the cap
// lets the 20 A through (TC_K_04).
func scStacking(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	f.setRefused(t, "a TxProfile and no transaction", 1,
		newProfile(201, 0, "TxProfile", "Absolute", ago, scPeriod{0, 10}).with("transactionId", "SC-NO-SUCH-TX"), "Rejected")
	f.setAccepted(t, 0, newProfile(202, 5, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 16}))
	f.flowCharging(t, "SC-STACK", 1)
	f.waitLimit(t, 16)
	tx := f.transactionID(t)
	f.setAccepted(t, 1, newProfile(203, 0, "TxProfile", "Absolute", ago, scPeriod{0, 10}).with("transactionId", tx))
	f.waitLimit(t, 10)
	f.setAccepted(t, 0, newProfile(204, 0, "ChargingStationMaxProfile", "Absolute", ago, scPeriod{0, 8}))
	f.waitLimit(t, 8)
	f.setAccepted(t, 1, newProfile(203, 0, "TxProfile", "Absolute", ago, scPeriod{0, 20}).with("transactionId", tx))
	if st := f.clearProfiles(t, map[string]any{"chargingProfileId": 204}); st != "Accepted" {
		t.Fatalf("ClearChargingProfile 204: %s, want Accepted", st)
	}
	f.waitLimit(t, 20)
	one := 1
	f.expectIDs(t, 2001, &one, map[string]any{"chargingProfilePurpose": "TxProfile"}, 203)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// scClear (K10): profiles cleared by id (TC_K_05, TC_K_09 with a session
// running), by purpose and stackLevel (TC_K_06), and two at once by EVSE
// and purpose (TC_K_24); the limit goes back to what the profiles left
// give, and to the charger's maximum with none. Criteria or an id
// matching nothing answer Unknown (TC_K_07, TC_K_08).
func scClear(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	f.setAccepted(t, 0, newProfile(301, 0, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 16}))
	f.setAccepted(t, 0, newProfile(302, 1, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 12}))
	f.setAccepted(t, 0, newProfile(304, 2, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 14}))
	f.setAccepted(t, 0, newProfile(303, 0, "ChargingStationMaxProfile", "Absolute", ago, scPeriod{0, 10}))
	f.flowCharging(t, "SC-CLEAR", 2)
	f.waitLimit(t, 10) // the highest stack's 14 A, capped at 10 A
	tx := f.transactionID(t)
	criteria := func(c map[string]any) map[string]any { return map[string]any{"chargingProfileCriteria": c} }
	steps := []struct {
		what   string
		req    map[string]any
		status string
		limit  float64 // 0: unchanged, not waited for
	}{
		{"the Max profile by id", map[string]any{"chargingProfileId": 303}, "Accepted", 14},
		{"the TxDefault of stackLevel 2", criteria(map[string]any{"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 2}), "Accepted", 12},
		{"a stackLevel nothing has", criteria(map[string]any{"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 7}), "Unknown", 0},
		{"an id nothing has", map[string]any{"chargingProfileId": 9999}, "Unknown", 0},
		{"both TxDefaults left on the station", criteria(map[string]any{"evseId": 0, "chargingProfilePurpose": "TxDefaultProfile"}), "Accepted", scChargerMaxA},
		{"an id just cleared", map[string]any{"chargingProfileId": 301}, "Unknown", 0},
	}
	for _, s := range steps {
		if st := f.clearProfiles(t, s.req); st != s.status {
			t.Errorf("ClearChargingProfile of %s: %s, want %s", s.what, st, s.status)
		}
		if s.limit != 0 {
			f.waitLimit(t, s.limit)
		}
	}
	f.expectIDs(t, 3001, nil, map[string]any{"chargingLimitSource": []string{"CSO"}})
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// scRecurring (K01, TC_K_19; set during a session, TC_K_28): a Daily
// Recurring TxDefaultProfile whose startSchedule is a day less 20 s ago. It is 14 A
// in the second half of its day and 10 A from the start of the next,
// which comes 20 s after it is set: the day's wrap, the schedule's
// midnight. The charger goes to 14 A, then to 10 A; only the order is
// asserted, never when.
func scRecurring(t *testing.T, f *flowEnv) {
	f.flowCharging(t, "SC-RECUR", 4)
	tx := f.transactionID(t)
	f.waitLimit(t, scChargerMaxA)
	start := time.Now().Add(-24*time.Hour + 20*time.Second)
	f.setAccepted(t, 0, newProfile(401, 0, "TxDefaultProfile", "Recurring", start,
		scPeriod{0, 10}, scPeriod{12 * 3600, 14}).with("recurrencyKind", "Daily"))
	f.waitLimit(t, 14)
	f.waitLimit(t, 10)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// scRemoteStart (K05, TC_K_37): a RequestStartTransaction carrying a
// Relative TxProfile of 12 A starts a session that charges at 12 A, and
// GetChargingProfiles reports that profile as the TxProfile of EVSE 1.
func scRemoteStart(t *testing.T, f *flowEnv) {
	profile := newProfile(501, 0, "TxProfile", "Relative", time.Time{}, scPeriod{0, 12})
	res := f.call(t, "RequestStartTransaction", map[string]any{"evseId": 1, "remoteStartId": 5,
		"idToken": map[string]any{"idToken": "SC-REMOTE", "type": "Central"}, "chargingProfile": profile})
	if a := scAnswerOf(t, res); a.Status != "Accepted" {
		t.Fatalf("RequestStartTransaction with a TxProfile: %s", res)
	}
	f.ctl(t, "plug")
	f.waitCharging(t)
	f.waitLimit(t, 12)
	tx := f.transactionID(t)
	one := 1
	status, reports := f.getProfiles(t, 5001, &one, map[string]any{"chargingProfilePurpose": "TxProfile"})
	if ids, on := reportedIDs(t, reports); status != "Accepted" || len(ids) != 1 || ids[0] != 501 || on[501] != 1 {
		t.Fatalf("GetChargingProfiles of EVSE 1's TxProfile: %s, profiles %v on EVSEs %v; want 501 on EVSE 1", status, ids, on)
	}
	p := reports[len(reports)-1].ChargingProfile[0]
	if p.Purpose != "TxProfile" || p.Kind != "Relative" || len(p.ChargingSchedule) != 1 || len(p.ChargingSchedule[0].Periods) != 1 ||
		p.ChargingSchedule[0].Periods[0].Limit != 12 || p.ChargingSchedule[0].Unit != "A" {
		t.Errorf("reported profile %+v, want the remote start's", p)
	}
	if p.TransactionID != "" && p.TransactionID != tx {
		t.Errorf("reported profile of transaction %q, the session is %s", p.TransactionID, tx)
	}
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}
