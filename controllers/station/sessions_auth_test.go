package station

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// TestSessionInvalidTokenDeauthorizes (C01/E05, TC_E_38 family): the CSMS
// answers the session's token Invalid in a TransactionEvent; with
// StopTxOnInvalidId the charger is held and the session ends Deauthorized.
func TestSessionInvalidTokenDeauthorizes(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-7")
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{TransactionEventStatus: map[string]string{"STOLEN": "Invalid"}}); err != nil {
		t.Fatal(err)
	}
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 10, powerW: 7000})
	if res, err := cs.Call(ctx, "GW-TX-7", "RequestStartTransaction", map[string]any{"remoteStartId": 9, "evseId": 1,
		"idToken": map[string]any{"idToken": "STOLEN", "type": "Central"}}); err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("RequestStartTransaction: %s %v", res, err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-7", 3)
	if got := summary(evs)[2]; got != "2:Ended/Deauthorized/SuspendedEVSE/DeAuthorized" && got != "2:Ended/Deauthorized/Charging/DeAuthorized" {
		t.Fatalf("events %v, want the session ended Deauthorized", summary(evs))
	}
	waitHeld(t, cmd)
	noFailures(t, cs)
}

// TestSessionResetAndAvailability (B12, G03.FR.05, TC_B_21/22): with a
// session open, Reset OnIdle and Inoperative are Scheduled; Reset
// Immediate ends the session with ImmediateReset (trigger ResetCommand)
// before the station reboots, and the charger is held.
func TestSessionResetAndAvailability(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := sessionFixture(t, cs, cmd, "GW-TX-8")
	setEV(f, "ch1", ev{plugged: true, suspended: true, energyWh: 10})
	waitTxEvents(t, cs, "GW-TX-8", 1)
	ctx := ctxT(t)
	for _, c := range []struct{ action, want string }{
		{"Reset", `{"type":"OnIdle"}`},
		{"ChangeAvailability", `{"operationalStatus":"Inoperative","evse":{"id":1}}`},
	} {
		res, err := cs.Call(ctx, "GW-TX-8", c.action, json.RawMessage(c.want))
		if err != nil || !strings.Contains(string(res), "Scheduled") {
			t.Fatalf("%s %s with a session open: %s %v", c.action, c.want, res, err)
		}
	}
	res, err := cs.Call(ctx, "GW-TX-8", "Reset", map[string]any{"type": "Immediate"})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("Reset Immediate: %s %v", res, err)
	}
	evs := waitTxEvents(t, cs, "GW-TX-8", 2)
	if got := summary(evs)[1]; !strings.HasPrefix(got, "1:Ended/ResetCommand/") || !strings.HasSuffix(got, "/ImmediateReset") {
		t.Fatalf("events %v, want the session ended by the reset", summary(evs))
	}
	waitCall(t, cs, "GW-TX-8", "BootNotification", has(`"reason":"RemoteReset"`))
	noFailures(t, cs)
}

// TestRequestStartWhilePending (B02, TC_B_02 step): a station whose boot
// the CSMS left Pending rejects RequestStartTransaction.
func TestRequestStartWhilePending(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{BootStatus: "Pending", Interval: 60}); err != nil {
		t.Fatal(err)
	}
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	sessionTemplate(f)
	spec := charger("GW-TX-9", 1)
	spec.TemplateRef = "ev"
	f.Create(Kind, "ch1", spec)
	waitCall(t, cs, "GW-TX-9", "BootNotification", nil)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonPending)
	res, err := cs.Call(ctxT(t), "GW-TX-9", "RequestStartTransaction", map[string]any{"remoteStartId": 1,
		"idToken": map[string]any{"idToken": "T", "type": "Central"}})
	if err != nil || !strings.Contains(string(res), `"status":"Rejected"`) {
		t.Fatalf("RequestStartTransaction while Pending: %s %v", res, err)
	}
	if slices.Contains(cmd.log(), "ch1 start 1") {
		t.Fatalf("a Pending station released the charger: %v", cmd.log())
	}
	noFailures(t, cs)
}

// TestSessionLocalReader (C01, E07): a charger whose template maps idToken
// sends the card shown in an Authorize; a refused card leaves the charger
// held, an accepted one releases it and the session carries the token; the
// same card shown again stops the session (StopAuthorized, Local).
func TestSessionLocalReader(t *testing.T) {
	cs := startStrict(t)
	ctx := ctxT(t)
	if err := cs.Set(ctx, strictcsms.Settings{AuthorizeStatus: map[string]string{"BADCARD1": "Blocked"}}); err != nil {
		t.Fatal(err)
	}
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	f.Create(template.Kind, "reader", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Reader 11",
		Signals: map[string]string{"evConnected": "false", "charging": "false", "energyWh": "0.0", "idToken": `""`}})
	spec := charger("GW-TX-10", 1)
	spec.TemplateRef = "reader"
	f.Create(Kind, "ch1", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	card := func(tok string, plugged, charging bool) {
		controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
			s.SetCondition(v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionTrue, Reason: "Polled"}, time.Now())
			return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1, Signals: map[string]any{
				"evConnected": plugged, "charging": charging, "energyWh": 50.0, "idToken": tok}}})
		})
		if err := f.Store.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	card("", true, false)
	waitTxEvents(t, cs, "GW-TX-10", 1)
	card("BADCARD1", true, false)
	waitCall(t, cs, "GW-TX-10", "Authorize", has("BADCARD1"))
	card("", true, false)
	f.Settle()
	card("CARD0001", true, false)
	waitCall(t, cs, "GW-TX-10", "Authorize", has("CARD0001"))
	evs := waitTxEvents(t, cs, "GW-TX-10", 2)
	if tok, _ := evs[1]["idToken"].(map[string]any); tok["idToken"] != "CARD0001" || tok["type"] != "ISO14443" {
		t.Fatalf("the Authorized event carries %v, want CARD0001 (ISO14443)", evs[1]["idToken"])
	}
	if n := strings.Count(strings.Join(cmd.log(), "\n"), "ch1 start 1"); n != 1 {
		t.Fatalf("released %d times, want once, for the accepted card only: %v", n, cmd.log())
	}
	card("CARD0001", true, true)
	f.Settle()
	card("", true, true)
	f.Settle()
	card("CARD0001", true, true)
	evs = waitTxEvents(t, cs, "GW-TX-10", 4)
	want := []string{"0:Started/CablePluggedIn/EVConnected", "1:Updated/Authorized/EVConnected",
		"2:Updated/ChargingStateChanged/Charging", "3:Ended/StopAuthorized/Charging/Local"}
	if got := summary(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	noFailures(t, cs)
}
