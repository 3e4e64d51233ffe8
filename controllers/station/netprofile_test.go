package station

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

func setVariable(t *testing.T, cs *strictcsms.CSMS, id, component, variable, value string) string {
	t.Helper()
	res, err := cs.Call(ctxT(t), id, "SetVariables", map[string]any{"setVariableData": []map[string]any{{
		"component": map[string]any{"name": component}, "variable": map[string]any{"name": variable}, "attributeValue": value}}})
	if err != nil {
		t.Fatalf("SetVariables %s.%s: %v", component, variable, err)
	}
	return string(res)
}

// TestNetworkProfileMigration (B09/B10, TC_B_45 and TC_B_43/A_22): the CSMS
// adds a profile in slot 1 pointing at another CSMS, puts it first in
// NetworkConfigurationPriority and resets the station, which then boots at
// the new CSMS. A profile below the security profile in use, or for slot 0,
// is rejected.
func TestNetworkProfileMigration(t *testing.T) {
	first, second := startStrict(t), startStrict(t)
	f := stationFixture(t, first.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-MIGRATE", 1))
	waitCall(t, first, "GW-MIGRATE", "BootNotification", nil)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	ctx := ctxT(t)
	profile := func(slot, security int, url string) map[string]any {
		return map[string]any{"configurationSlot": slot, "connectionData": map[string]any{
			"ocppVersion": "OCPP20", "ocppTransport": "JSON", "ocppCsmsUrl": url, "messageTimeout": 30,
			"securityProfile": security, "ocppInterface": "Wired0"}}
	}
	for _, bad := range []map[string]any{profile(0, 1, second.URL), profile(1, 0, second.URL), profile(2, 2, "ws://127.0.0.1:1/ocpp")} {
		res, err := first.Call(ctx, "GW-MIGRATE", "SetNetworkProfile", bad)
		if err == nil && !strings.Contains(string(res), "Rejected") {
			t.Errorf("SetNetworkProfile %v: %s, want Rejected", bad["connectionData"], res)
		}
	}
	res, err := first.Call(ctx, "GW-MIGRATE", "SetNetworkProfile", profile(1, 1, second.URL))
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("SetNetworkProfile slot 1: %s %v", res, err)
	}
	if got := setVariable(t, first, "GW-MIGRATE", "OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0"); !strings.Contains(got, "Accepted") {
		t.Fatalf("NetworkConfigurationPriority: %s", got)
	}
	if got := setVariable(t, first, "GW-MIGRATE", "OCPPCommCtrlr", "NetworkConfigurationPriority", "3"); !strings.Contains(got, "Rejected") {
		t.Fatalf("a slot that does not exist: %s", got)
	}
	if res, err := first.Call(ctx, "GW-MIGRATE", "Reset", map[string]any{"type": "Immediate"}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset: %s %v", res, err)
	}
	waitCall(t, second, "GW-MIGRATE", "BootNotification", has(`"reason":"RemoteReset"`))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	obj, _ := f.Store.Get(Kind, "ch1")
	if !strings.Contains(string(obj.Status), `"slot":1,"url":"`+second.URL+`"`) {
		t.Fatalf("status.ocpp.networkProfiles not persisted: %s", obj.Status)
	}
	noFailures(t, first)
	noFailures(t, second)
}

// TestNetworkProfileFallback (TC_B_46/50): a first-priority profile that
// cannot be reached gives way, after NetworkProfileConnectionAttempts
// failures, to the next slot.
func TestNetworkProfileFallback(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-FALLBACK", 1))
	waitCall(t, cs, "GW-FALLBACK", "BootNotification", nil)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	ctx := ctxT(t)
	dead := "ws://127.0.0.1:9/ocpp" // the discard port: nothing listens there
	res, err := cs.Call(ctx, "GW-FALLBACK", "SetNetworkProfile", map[string]any{"configurationSlot": 1, "connectionData": map[string]any{
		"ocppVersion": "OCPP20", "ocppTransport": "JSON", "ocppCsmsUrl": dead, "messageTimeout": 30, "securityProfile": 1, "ocppInterface": "Wired0"}})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("SetNetworkProfile: %s %v", res, err)
	}
	setVariable(t, cs, "GW-FALLBACK", "OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "1")
	setVariable(t, cs, "GW-FALLBACK", "OCPPCommCtrlr", "NetworkConfigurationPriority", "1,0")
	if res, err := cs.Call(ctx, "GW-FALLBACK", "Reset", map[string]any{"type": "Immediate"}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset: %s %v", res, err)
	}
	c := f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonOffline)
	if !strings.Contains(c.Message, "slot 1") {
		t.Fatalf("offline message %q does not name the slot it tried", c.Message)
	}
	waitCall(t, cs, "GW-FALLBACK", "BootNotification", has(`"reason":"RemoteReset"`))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	noFailures(t, cs)
}
