package station

import (
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// TestScheduledWhileCharging (G03.FR.05, B12): while the EV charges, an
// Inoperative ChangeAvailability and an OnIdle Reset are Scheduled; when
// charging stops, the EVSE becomes Unavailable and the station reboots.
func TestScheduledWhileCharging(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-SCHED", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	signals := func(charging bool) {
		controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
			return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1,
				Signals: map[string]any{"evConnected": true, "charging": charging}}})
		})
		f.Store.Flush()
	}
	signals(true)
	waitCall(t, cs, "GW-SCHED", "StatusNotification", has(`"connectorStatus":"Occupied"`))
	charging := len(cs.Events()) // what came before (a device not reported on yet) does not count
	ctx := ctxT(t)
	res, err := cs.Call(ctx, "GW-SCHED", "ChangeAvailability", map[string]any{"operationalStatus": "Inoperative", "evse": map[string]any{"id": 1}})
	if err != nil || !strings.Contains(string(res), "Scheduled") {
		t.Fatalf("ChangeAvailability while charging: %s %v", res, err)
	}
	if res, err = cs.Call(ctx, "GW-SCHED", "Reset", map[string]any{"type": "OnIdle"}); err != nil || !strings.Contains(string(res), "Scheduled") {
		t.Fatalf("Reset OnIdle while charging: %s %v", res, err)
	}
	for _, e := range cs.Events()[charging:] {
		if e.Method == "StatusNotification" && strings.Contains(string(e.Params), "Unavailable") {
			t.Fatal("the EVSE went Unavailable while charging")
		}
	}
	signals(false)
	waitCall(t, cs, "GW-SCHED", "StatusNotification", has(`"connectorStatus":"Unavailable"`))
	waitCall(t, cs, "GW-SCHED", "BootNotification", has(`"reason":"RemoteReset"`))
	noFailures(t, cs)
}

// TestResetOfOneEVSE (B11 for an EVSE): the station stays up and reports
// the EVSE's connectors again; an unknown EVSE is Rejected.
func TestResetOfOneEVSE(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-EVSE-RESET", 2))
	waitCall(t, cs, "GW-EVSE-RESET", "StatusNotification", has(`"evseId":2`))
	ctx := ctxT(t)
	before := len(cs.Events())
	if res, err := cs.Call(ctx, "GW-EVSE-RESET", "Reset", map[string]any{"type": "Immediate", "evseId": 2}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset of EVSE 2: %s %v", res, err)
	}
	seen := 0
	if _, err := cs.WaitEvent(ctx, func(e strictcsms.Event) bool {
		seen++
		return seen > before && e.Method == "StatusNotification" && strings.Contains(string(e.Params), `"evseId":2`)
	}); err != nil {
		t.Fatalf("EVSE 2 not reported again after its reset: %v", err)
	}
	if res, err := cs.Call(ctx, "GW-EVSE-RESET", "Reset", map[string]any{"type": "Immediate", "evseId": 9}); err != nil || !strings.Contains(string(res), "Rejected") {
		t.Fatalf("Reset of an unknown EVSE: %s %v", res, err)
	}
	for _, e := range cs.Events()[before:] {
		if e.Method == "BootNotification" {
			t.Fatal("an EVSE reset rebooted the station")
		}
	}
	noFailures(t, cs)
}
