package station

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// smartFixture runs one charger authorized by mode (default CSMS) whose
// template can hold, release and (with commands) limit it, against cs (which answers the smart-charging
// CALLs a station sends).
func smartFixture(t *testing.T, cs *strictcsms.CSMS, cmd *recordingCommander, id string, commands bool, mode string) *fixture.Fixture {
	if err := cs.Set(ctxT(t), strictcsms.Settings{Replies: map[string]any{"ReportChargingProfiles": map[string]any{},
		"NotifyChargingLimit": map[string]any{}, "ClearedChargingLimit": map[string]any{}}}); err != nil {
		t.Fatal(err)
	}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	spec := v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Wallbox 22",
		Signals:  map[string]string{"evConnected": "false", "charging": "false", "suspended": "false", "energyWh": "0.0", "powerW": "0.0"},
		Commands: map[string]v1alpha1.TemplateCommand{"start": {Expr: "[]"}, "stop": {Expr: "[]"}}}
	if commands {
		spec.Commands["setCurrentLimit"] = v1alpha1.TemplateCommand{Expr: "[]"}
	}
	f.Create(template.Kind, "sc", spec)
	ch := charger(id, 1)
	ch.TemplateRef = "sc"
	if mode != "" {
		ch.OCPP.Authorization = &v1alpha1.Authorization{Mode: mode}
	}
	f.Create(Kind, "ch1", ch)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	setEV(f, "ch1", ev{})
	return f
}

func csmsCall(t *testing.T, cs *strictcsms.CSMS, id, action string, payload any) map[string]any {
	t.Helper()
	raw, err := cs.Call(ctxT(t), id, action, payload)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s answer %s: %v", action, raw, err)
	}
	return m
}

// statusOf renders an answer's status and reasonCode, "Accepted" or
// "Rejected/DuplicateProfile".
func answerStatus(m map[string]any) string {
	s := fmt.Sprint(m["status"])
	if info, ok := m["statusInfo"].(map[string]any); ok {
		s += "/" + fmt.Sprint(info["reasonCode"])
	}
	return s
}

func profile(id, stack int, purpose string, limit float64, extra map[string]any) map[string]any {
	start := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	p := map[string]any{"id": id, "stackLevel": stack, "chargingProfilePurpose": purpose, "chargingProfileKind": "Absolute",
		"chargingSchedule": []any{map[string]any{"id": 1, "startSchedule": start, "chargingRateUnit": "A",
			"chargingSchedulePeriod": []any{map[string]any{"startPeriod": 0, "limit": limit}}}}}
	for k, v := range extra {
		p[k] = v
	}
	return p
}

func waitLimit(t *testing.T, cmd *recordingCommander, want string) {
	t.Helper()
	fixture.Within(t, 20*time.Second, "the charger offers "+want+" A", func() string {
		if got := cmd.lastLimit(); got != want {
			cmd.mu.Lock()
			defer cmd.mu.Unlock()
			return fmt.Sprintf("it offers %q; told %v", got, cmd.limits)
		}
		return ""
	})
}

// limitShown is the first EVSE's status.ocpp.limits entry.
func limitShown(f *fixture.Fixture) v1alpha1.EVSELimit {
	obj, err := f.Store.Get(Kind, "ch1")
	if err != nil {
		return v1alpha1.EVSELimit{}
	}
	var st v1alpha1.ChargerStatus
	if json.Unmarshal(obj.Status, &st) != nil || st.OCPP == nil || len(st.OCPP.Limits) == 0 {
		return v1alpha1.EVSELimit{}
	}
	return st.OCPP.Limits[0]
}

func profileNames(f *fixture.Fixture) []string {
	objs, _ := f.Store.List(profileKind)
	var out []string
	for _, o := range objs {
		out = append(out, o.Metadata.Name)
	}
	return out
}

// TestSmartChargingProfiles (K01, K08, K09, K10): a TxDefaultProfile
// limits the charger, a ChargingStationMaxProfile caps it, the composite
// says so, bad profiles are refused with a reason and nothing stored,
// GetChargingProfiles reports what is installed, and clearing by id and
// by criteria lifts the limits again.
func TestSmartChargingProfiles(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := smartFixture(t, cs, cmd, "GW-SC-1", true, v1alpha1.AuthAutoStart)
	waitLimit(t, cmd, "32")

	set := func(evse int, p map[string]any) string {
		return answerStatus(csmsCall(t, cs, "GW-SC-1", "SetChargingProfile", map[string]any{"evseId": evse, "chargingProfile": p}))
	}
	if got := set(0, profile(1, 0, "TxDefaultProfile", 16, nil)); got != "Accepted" {
		t.Fatalf("TxDefaultProfile: %s", got)
	}
	waitLimit(t, cmd, "16")
	if got := set(0, profile(2, 0, "ChargingStationMaxProfile", 10, nil)); got != "Accepted" {
		t.Fatalf("ChargingStationMaxProfile: %s", got)
	}
	waitLimit(t, cmd, "10")
	fixture.Within(t, 10*time.Second, "the status shows the CSMS's 10 A", func() string {
		if l := limitShown(f); l.LimitA != 10 || l.Source != v1alpha1.LimitSourceCSMS || l.WrittenA == nil || *l.WrittenA != 10 {
			return fmt.Sprintf("%+v", l)
		}
		return ""
	})
	comp := csmsCall(t, cs, "GW-SC-1", "GetCompositeSchedule", map[string]any{"evseId": 1, "duration": 600, "chargingRateUnit": "A"})
	periods := comp["schedule"].(map[string]any)["chargingSchedulePeriod"].([]any)
	if len(periods) != 1 || periods[0].(map[string]any)["limit"] != 10.0 {
		t.Errorf("composite = %v, want one period at 10 A", comp)
	}

	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	many := profile(5, 1, "TxDefaultProfile", 6, nil)
	var periodsList []any
	for i := range 25 {
		periodsList = append(periodsList, map[string]any{"startPeriod": i * 60, "limit": 6})
	}
	many["chargingSchedule"].([]any)[0].(map[string]any)["chargingSchedulePeriod"] = periodsList
	negative := profile(6, 2, "TxDefaultProfile", -1, nil)
	for _, c := range []struct {
		name string
		evse int
		p    map[string]any
		want string
	}{
		{"same purpose, stack level and EVSE", 0, profile(3, 0, "TxDefaultProfile", 8, nil), "Rejected/DuplicateProfile"},
		{"external constraints", 0, profile(4, 0, "ChargingStationExternalConstraints", 8, nil), "Rejected/InvalidProfile"},
		{"unknown EVSE", 7, profile(4, 1, "TxDefaultProfile", 8, nil), "Rejected/UnknownEvse"},
		{"validTo in the past", 1, profile(4, 1, "TxDefaultProfile", 8, map[string]any{"validTo": past}), "Rejected/InvalidSchedule"},
		{"more periods than PeriodsPerSchedule", 1, many, "Rejected/InvalidSchedule"},
		{"negative limit", 1, negative, "Rejected/InvalidSchedule"},
		{"TxProfile without a transaction", 1, profile(4, 1, "TxProfile", 8, map[string]any{"transactionId": "no-such-tx"}), "Rejected/TxNotFound"},
		{"stack level above ProfileStackLevel", 1, profile(4, 11, "TxDefaultProfile", 8, nil), "Rejected/InvalidStackLevel"},
	} {
		if got := set(c.evse, c.p); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	if names := profileNames(f); len(names) != 2 {
		t.Errorf("stored profiles after refusals: %v, want the 2 accepted", names)
	}

	if got := answerStatus(csmsCall(t, cs, "GW-SC-1", "GetChargingProfiles", map[string]any{"requestId": 7, "chargingProfile": map[string]any{}})); got != "Accepted" {
		t.Fatalf("GetChargingProfiles: %s", got)
	}
	rep := waitCall(t, cs, "GW-SC-1", "ReportChargingProfiles", nil)
	var report struct {
		RequestID       int              `json:"requestId"`
		Source          string           `json:"chargingLimitSource"`
		EVSEID          int              `json:"evseId"`
		Tbc             bool             `json:"tbc"`
		ChargingProfile []map[string]any `json:"chargingProfile"`
	}
	if err := json.Unmarshal(rep.Params, &report); err != nil || report.RequestID != 7 || report.Source != "CSO" ||
		report.EVSEID != 0 || report.Tbc || len(report.ChargingProfile) != 2 {
		t.Errorf("ReportChargingProfiles = %s (%v)", rep.Params, err)
	}
	if got := answerStatus(csmsCall(t, cs, "GW-SC-1", "GetChargingProfiles", map[string]any{"requestId": 8, "evseId": 1,
		"chargingProfile": map[string]any{}})); got != "NoProfiles" {
		t.Errorf("GetChargingProfiles for EVSE 1: %s, want NoProfiles", got)
	}

	clear := func(req map[string]any) string {
		return answerStatus(csmsCall(t, cs, "GW-SC-1", "ClearChargingProfile", req))
	}
	if got := clear(map[string]any{"chargingProfileId": 99}); got != "Unknown" {
		t.Errorf("clearing an unknown id: %s", got)
	}
	if got := clear(map[string]any{"chargingProfileId": 2}); got != "Accepted" {
		t.Errorf("clearing by id: %s", got)
	}
	waitLimit(t, cmd, "16")
	if got := clear(map[string]any{"chargingProfileCriteria": map[string]any{"chargingProfilePurpose": "TxDefaultProfile", "stackLevel": 0}}); got != "Accepted" {
		t.Errorf("clearing by criteria: %s", got)
	}
	waitLimit(t, cmd, "32")
	if names := profileNames(f); len(names) != 0 {
		t.Errorf("stored profiles after clearing: %v", names)
	}

	// 4140 W meant for one phase: the three-phase charger cannot switch,
	// so it gets 4140 W over its three phases, 6 A each.
	watts := profile(9, 0, "TxDefaultProfile", 4140, nil)
	sched := watts["chargingSchedule"].([]any)[0].(map[string]any)
	sched["chargingRateUnit"] = "W"
	sched["chargingSchedulePeriod"].([]any)[0].(map[string]any)["numberPhases"] = 1
	if got := set(1, watts); got != "Accepted" {
		t.Fatalf("a W profile: %s", got)
	}
	waitLimit(t, cmd, "6")
	// 4 A is below what an IEC 61851 charger can offer: it pauses at 0 A.
	if got := set(1, profile(9, 0, "TxDefaultProfile", 4, nil)); got != "Accepted" {
		t.Fatalf("a 4 A profile: %s", got)
	}
	waitLimit(t, cmd, "0")
	fixture.Within(t, 10*time.Second, "the status shows 4 A in force and 0 A written", func() string {
		if l := limitShown(f); l.LimitA != 4 || l.WrittenA == nil || *l.WrittenA != 0 {
			return fmt.Sprintf("%+v", l)
		}
		return ""
	})
}

// TestSmartChargingSiteShare (K12, K13): the charger's share of a site
// limit, written by the site-limit controller, limits it as an external
// constraint, is told to the CSMS with NotifyChargingLimit, shows in the
// composite, and is reported cleared when it goes.
func TestSmartChargingSiteShare(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := smartFixture(t, cs, cmd, "GW-SC-2", true, v1alpha1.AuthAutoStart)
	waitLimit(t, cmd, "32")
	share := fixture.Object(profileKind, "north-ch1", v1alpha1.ChargingProfileSpec{ChargerRef: "ch1", Source: v1alpha1.ProfileSourceSite,
		SiteRef: "north", ID: 1000, ChargingProfilePurpose: "ChargingStationExternalConstraints",
		Limit: &v1alpha1.ConstantLimit{Value: 12, Unit: "A"}})
	share.Metadata.Labels = map[string]string{v1alpha1.ChargerLabel: "ch1", v1alpha1.ProfileSourceLabel: v1alpha1.ProfileSourceSite}
	if _, err := f.Store.Create(share); err != nil {
		t.Fatal(err)
	}
	waitLimit(t, cmd, "12")
	notify := waitCall(t, cs, "GW-SC-2", "NotifyChargingLimit", nil)
	var n struct {
		EVSEID int `json:"evseId"`
		Limit  struct {
			Source string `json:"chargingLimitSource"`
		} `json:"chargingLimit"`
	}
	if err := json.Unmarshal(notify.Params, &n); err != nil || n.EVSEID != 1 || n.Limit.Source != "EMS" {
		t.Errorf("NotifyChargingLimit = %s (%v)", notify.Params, err)
	}
	fixture.Within(t, 10*time.Second, "the status shows the site share", func() string {
		if l := limitShown(f); l.Source != v1alpha1.LimitSourceSite || l.SiteShareA == nil || *l.SiteShareA != 12 || l.CSMSLimitA != nil {
			return fmt.Sprintf("%+v", l)
		}
		return ""
	})
	// The site limit controller counts the shares stored since writtenAt
	// as possibly in flight: it is when the device took the limit, to the
	// nanosecond, never before.
	fixture.Within(t, 10*time.Second, "the status shows the share written", func() string {
		l := limitShown(f)
		at, err := time.Parse(time.RFC3339Nano, l.WrittenAt)
		cmd.mu.Lock()
		took := cmd.limitAt
		cmd.mu.Unlock()
		if l.WrittenA == nil || *l.WrittenA != 12 || err != nil || at.Before(took) {
			return fmt.Sprintf("writtenA %s at %q (%v); the device took it at %s", fmtA(l.WrittenA), l.WrittenAt, err, took.UTC().Format(time.RFC3339Nano))
		}
		return ""
	})
	comp := csmsCall(t, cs, "GW-SC-2", "GetCompositeSchedule", map[string]any{"evseId": 1, "duration": 60, "chargingRateUnit": "W"})
	p0 := comp["schedule"].(map[string]any)["chargingSchedulePeriod"].([]any)[0].(map[string]any)
	if p0["limit"] != 12.0*230*3 {
		t.Errorf("composite in W = %v, want 12 A at 230 V on 3 phases", comp)
	}
	if got := answerStatus(csmsCall(t, cs, "GW-SC-2", "ClearChargingProfile", map[string]any{})); got != "Unknown" {
		t.Errorf("the CSMS cleared the site share: %s", got)
	}
	f.Delete(profileKind, "north-ch1")
	waitLimit(t, cmd, "32")
	waitCall(t, cs, "GW-SC-2", "ClearedChargingLimit", nil)
}

// TestSmartChargingRemoteStartProfile (F01, K05): the chargingProfile of
// a RequestStartTransaction becomes the session's TxProfile, limits it,
// and goes when the session ends.
func TestSmartChargingRemoteStartProfile(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := smartFixture(t, cs, cmd, "GW-SC-3", true, "")
	setEV(f, "ch1", ev{plugged: true, suspended: true})
	evs := waitTxEvents(t, cs, "GW-SC-3", 1)
	txID := evs[0]["transactionInfo"].(map[string]any)["transactionId"].(string)
	p := profile(30, 1, "TxProfile", 12, nil)
	p["chargingProfileKind"] = "Relative"
	delete(p["chargingSchedule"].([]any)[0].(map[string]any), "startSchedule")
	res := csmsCall(t, cs, "GW-SC-3", "RequestStartTransaction", map[string]any{"remoteStartId": 5, "evseId": 1,
		"idToken": map[string]any{"idToken": "RFID-9", "type": "ISO14443"}, "chargingProfile": p})
	if answerStatus(res) != "Accepted" {
		t.Fatalf("RequestStartTransaction: %v", res)
	}
	waitLimit(t, cmd, "12")
	fixture.Within(t, 10*time.Second, "the TxProfile stored with the session's transactionId", func() string {
		obj, err := f.Store.Get(profileKind, profileName("ch1", 30))
		if err != nil {
			return err.Error()
		}
		var spec v1alpha1.ChargingProfileSpec
		if json.Unmarshal(obj.Spec, &spec) != nil || spec.TransactionID != txID || spec.EVSEID != 1 {
			return string(obj.Spec)
		}
		return ""
	})
	setEV(f, "ch1", ev{})
	fixture.Within(t, 20*time.Second, "the TxProfile removed with its session", func() string {
		if names := profileNames(f); len(names) != 0 {
			return fmt.Sprint(names)
		}
		return ""
	})
}

// TestSmartChargingUnavailable: a template without a limit command gives
// a station without smart charging. SetChargingProfile is NotSupported,
// the device model says so, and a remote start with a profile starts
// with the profile ignored (TC_K_38).
func TestSmartChargingUnavailable(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	smartFixture(t, cs, cmd, "GW-SC-4", false, v1alpha1.AuthAutoStart)
	_, err := cs.Call(ctxT(t), "GW-SC-4", "SetChargingProfile", map[string]any{"evseId": 0, "chargingProfile": profile(1, 0, "TxDefaultProfile", 16, nil)})
	if err == nil || !strings.Contains(err.Error(), "NotSupported") {
		t.Errorf("SetChargingProfile without a limit command: %v, want a NotSupported CALLERROR", err)
	}
	got := csmsCall(t, cs, "GW-SC-4", "GetVariables", map[string]any{"getVariableData": []any{
		map[string]any{"component": map[string]any{"name": "SmartChargingCtrlr"}, "variable": map[string]any{"name": "Available"}}}})
	res := got["getVariableResult"].([]any)[0].(map[string]any)
	if res["attributeValue"] != "false" {
		t.Errorf("SmartChargingCtrlr.Available = %v, want false", res)
	}
	p := profile(30, 1, "TxProfile", 12, nil)
	start := csmsCall(t, cs, "GW-SC-4", "RequestStartTransaction", map[string]any{"remoteStartId": 6, "evseId": 1,
		"idToken": map[string]any{"idToken": "RFID-9", "type": "ISO14443"}, "chargingProfile": p})
	if answerStatus(start) != "Accepted" {
		t.Errorf("RequestStartTransaction with a profile on a station without smart charging: %v", start)
	}
}

// TestSmartChargingStationLimitSplit: a ChargingStationMaxProfile bounds
// what the whole station draws, so on a charger with two EVSEs each gets
// half of it, and the station's composite is their sum.
func TestSmartChargingStationLimitSplit(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{Replies: map[string]any{"ReportChargingProfiles": map[string]any{}}}); err != nil {
		t.Fatal(err)
	}
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	f.Create(template.Kind, "sc", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Twin",
		Signals:  map[string]string{"evConnected": "false", "charging": "false", "energyWh": "0.0"},
		Commands: map[string]v1alpha1.TemplateCommand{"start": {Expr: "[]"}, "stop": {Expr: "[]"}, "setCurrentLimit": {Expr: "[]"}}})
	ch := charger("GW-SC-5", 2)
	ch.TemplateRef = "sc"
	ch.OCPP.Authorization = &v1alpha1.Authorization{Mode: v1alpha1.AuthAutoStart}
	f.Create(Kind, "ch1", ch)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	setEV(f, "ch1", ev{})
	if got := answerStatus(csmsCall(t, cs, "GW-SC-5", "SetChargingProfile", map[string]any{"evseId": 0,
		"chargingProfile": profile(1, 0, "ChargingStationMaxProfile", 20, nil)})); got != "Accepted" {
		t.Fatalf("SetChargingProfile: %s", got)
	}
	fixture.Within(t, 20*time.Second, "each EVSE limited to half the station maximum", func() string {
		obj, err := f.Store.Get(Kind, "ch1")
		if err != nil {
			return err.Error()
		}
		var st v1alpha1.ChargerStatus
		if json.Unmarshal(obj.Status, &st) != nil || st.OCPP == nil || len(st.OCPP.Limits) != 2 {
			return string(obj.Status)
		}
		for _, l := range st.OCPP.Limits {
			if l.LimitA != 10 || l.Source != v1alpha1.LimitSourceCSMS {
				return fmt.Sprintf("%+v", st.OCPP.Limits)
			}
		}
		return ""
	})
	comp := csmsCall(t, cs, "GW-SC-5", "GetCompositeSchedule", map[string]any{"evseId": 0, "duration": 300, "chargingRateUnit": "A"})
	periods := comp["schedule"].(map[string]any)["chargingSchedulePeriod"].([]any)
	if len(periods) != 1 || periods[0].(map[string]any)["limit"] != 20.0 {
		t.Errorf("station composite = %v, want 20 A throughout", comp)
	}
}

// fmtA shows an optional current, "none" when absent.
func fmtA(a *float64) string {
	if a == nil {
		return "none"
	}
	return fmt.Sprintf("%g A", *a)
}
