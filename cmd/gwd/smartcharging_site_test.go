package main

// A site limit declared by the operator, as the CSMS sees it: an external
// constraint (K12, K13) that caps the session, appears in the composite
// schedule (K08) and that the CSMS can neither clear (K10) nor raise.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// scLimitNotice is a NotifyChargingLimit or ClearedChargingLimit as sent.
type scLimitNotice struct {
	EvseID        *int   `json:"evseId"`
	Source        string `json:"chargingLimitSource"`
	ChargingLimit *struct {
		Source string `json:"chargingLimitSource"`
	} `json:"chargingLimit"`
}

// waitNotice waits for a CALL of action after the first n of them and
// returns it decoded.
func (f *flowEnv) waitNotice(t *testing.T, action string, n int) scLimitNotice {
	t.Helper()
	var got scLimitNotice
	fixture.Within(t, 30*time.Second, "a "+action, func() string {
		ps := f.payloads(action, func(json.RawMessage) bool { return true })
		if len(ps) <= n {
			return fmt.Sprintf("%d so far", len(ps))
		}
		if err := json.Unmarshal(ps[n], &got); err != nil {
			t.Fatalf("%s %s: %v", action, ps[n], err)
		}
		return ""
	})
	return got
}

// scSiteLimit (K12, K13, K08, K10): the operator declares a site limit of
// 8 A on the flow's charger alone. Its one session gets all of it: the
// charger goes to 8 A, and the station tells the CSMS with
// NotifyChargingLimit from a source other than the CSMS. The composite
// schedule holds it; clearing ChargingStationExternalConstraints from the
// CSMS finds nothing to clear and leaves it; a TxDefaultProfile below it
// lowers the charger and, cleared, gives the 8 A back. Deleting the site
// limit sends ClearedChargingLimit from that same source and lets the
// charger up to its maximum.
func scSiteLimit(t *testing.T, f *flowEnv) {
	f.flowCharging(t, "SC-SITE", 11)
	tx := f.transactionID(t)
	name := "site-" + f.charger
	doc := fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: ChargingProfile
metadata: {name: %s}
spec:
  source: operator
  chargerRef: %s
  evseId: 0
  id: 1
  stackLevel: 0
  limit: {value: 8, unit: A}
`, name, f.charger)
	if out, errOut, code := f.d.gwctl(t, strings.NewReader(doc), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply the site limit: exit %d\n%s%s", code, out, errOut)
	}
	f.waitLimit(t, 8)
	notice := f.waitNotice(t, "NotifyChargingLimit", 0)
	if notice.ChargingLimit == nil || notice.ChargingLimit.Source == "" || notice.ChargingLimit.Source == "CSO" {
		t.Errorf("NotifyChargingLimit %+v, want an external chargingLimitSource", notice)
	}
	f.compositeFlat(t, 8)
	criteria := map[string]any{"chargingProfileCriteria": map[string]any{"chargingProfilePurpose": "ChargingStationExternalConstraints"}}
	if st := f.clearProfiles(t, criteria); st != "Unknown" {
		t.Errorf("ClearChargingProfile of ChargingStationExternalConstraints by the CSMS: %s, want Unknown", st)
	}
	f.compositeFlat(t, 8)
	f.setAccepted(t, 0, newProfile(1101, 0, "TxDefaultProfile", "Absolute", time.Now().Add(-time.Minute), scPeriod{0, 6}))
	f.waitLimit(t, 6)
	if st := f.clearProfiles(t, map[string]any{"chargingProfileId": 1101}); st != "Accepted" {
		t.Fatalf("ClearChargingProfile 1101: %s", st)
	}
	f.waitLimit(t, 8)
	if out, errOut, code := f.d.gwctl(t, nil, "delete", "chargingprofile", name); code != 0 {
		t.Fatalf("delete the site limit: exit %d\n%s%s", code, out, errOut)
	}
	cleared := f.waitNotice(t, "ClearedChargingLimit", 0)
	if notice.ChargingLimit != nil && cleared.Source != notice.ChargingLimit.Source {
		t.Errorf("ClearedChargingLimit %+v, want source %s as notified", cleared, notice.ChargingLimit.Source)
	}
	f.waitLimit(t, scChargerMaxA)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// compositeFlat expects EVSE 1's composite over the next 10 minutes to be
// a steady limit.
func (f *flowEnv) compositeFlat(t *testing.T, limit float64) {
	t.Helper()
	a := f.composite(t, 1, 600, "A")
	if a.Status != "Accepted" || a.Schedule == nil || len(a.Schedule.Periods) != 1 || a.Schedule.Periods[0].Limit != limit {
		t.Errorf("GetCompositeSchedule of EVSE 1: %+v, schedule %+v; want %g A throughout", a, a.Schedule, limit)
	}
}
