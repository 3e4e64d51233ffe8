package station

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// TestBootPendingThenAccepted (B02): while Pending the station boots again
// after the CSMS's interval and answers configuration requests; once
// Accepted it is Registered.
func TestBootPendingThenAccepted(t *testing.T) {
	cs := startStrict(t)
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{BootStatus: "Pending", Interval: 1}); err != nil {
		t.Fatal(err)
	}
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-PENDING", 1))
	waitCall(t, cs, "GW-PENDING", "BootNotification", nil)
	c := f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonPending)
	if !strings.Contains(c.Message, "Pending") {
		t.Fatalf("condition %+v", c)
	}
	res, err := cs.Call(ctx, "GW-PENDING", "SetVariables", map[string]any{"setVariableData": []map[string]any{
		{"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "HeartbeatInterval"}, "attributeValue": "45"}}})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("SetVariables while Pending: %s %v", res, err)
	}
	// Nothing but BootNotification goes out while Pending.
	for _, e := range cs.Events() {
		if e.Ev == "call" && e.Method != "BootNotification" {
			t.Fatalf("sent %s while Pending", e.Method)
		}
	}
	if err := cs.Set(ctx, strictcsms.Settings{BootStatus: "Accepted", Interval: 300}); err != nil {
		t.Fatal(err)
	}
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitCall(t, cs, "GW-PENDING", "StatusNotification", nil)
	noFailures(t, cs)
}

// TestBootRejectedAnswersSecurityError (B03, TC_B_30).
func TestBootRejectedAnswersSecurityError(t *testing.T) {
	cs := startStrict(t)
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{BootStatus: "Rejected", Interval: 60}); err != nil {
		t.Fatal(err)
	}
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-REJECTED", 1))
	waitCall(t, cs, "GW-REJECTED", "BootNotification", nil)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonRejected)
	_, err := cs.Call(ctx, "GW-REJECTED", "GetVariables", map[string]any{"getVariableData": []map[string]any{
		{"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "OfflineThreshold"}}}})
	if err == nil || !strings.Contains(err.Error(), "SecurityError") {
		t.Fatalf("a request while Rejected: %v, want SecurityError", err)
	}
	obj, _ := f.Store.Get(Kind, "ch1")
	if !strings.Contains(string(obj.Status), `"state":"Rejected"`) {
		t.Fatalf("status %s", obj.Status)
	}
	noFailures(t, cs)
}
