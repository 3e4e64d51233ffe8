package station

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/availability"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
)

// Availability, reset and reconnect against ocpp-go's CSMS.

func changeAvailability(t *testing.T, g *gocsms.CSMS, id string, op availability.OperationalStatus, evse *types.EVSE) availability.ChangeAvailabilityStatus {
	t.Helper()
	req := availability.NewChangeAvailabilityRequest(op)
	req.Evse = evse
	return must[*availability.ChangeAvailabilityResponse](t, g, id, req).Status
}

func availabilityIs(t *testing.T, f *fixture.Fixture, want ...v1alpha1.AvailabilityStatus) {
	t.Helper()
	if got := storedOCPP(t, f, "ch1").Availability; !slices.Equal(got, want) {
		t.Fatalf("status.ocpp.availability %+v, want %+v", got, want)
	}
}

// TestOcppGoAvailabilityAndReset (TC_G_03..19, TC_B_22, TC_B_23):
// ChangeAvailability of a connector, an EVSE and the station is answered
// once persisted and reported by StatusNotification; it survives the
// station being rebuilt (as by a restart) and a Reset Immediate, after
// which the station boots with reason RemoteReset.
func TestOcppGoAvailabilityAndReset(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	f := stationFixture(t, g.URL, csmsSpec())
	spec := charger("GO-AVAIL", 2)
	f.Create(Kind, "ch1", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, statusOf(2, availability.ConnectorStatusAvailable))
	const id = "GO-AVAIL"
	inop, op := availability.OperationalStatusInoperative, availability.OperationalStatusOperative
	connector := 1
	accepted := availability.ChangeAvailabilityStatusAccepted

	from := g.Mark()
	if s := changeAvailability(t, g, id, inop, &types.EVSE{ID: 1, ConnectorID: &connector}); s != accepted {
		t.Fatalf("connector 1/1 Inoperative: %s", s)
	}
	availabilityIs(t, f, v1alpha1.AvailabilityStatus{EVSEID: 1, ConnectorID: 1, OperationalStatus: "Inoperative"})
	waitFor(t, g, from, statusOf(1, availability.ConnectorStatusUnavailable))
	if s := changeAvailability(t, g, id, inop, &types.EVSE{ID: 2}); s != accepted {
		t.Fatalf("EVSE 2 Inoperative: %s", s)
	}
	waitFor(t, g, from, statusOf(2, availability.ConnectorStatusUnavailable))
	availabilityIs(t, f, v1alpha1.AvailabilityStatus{EVSEID: 1, ConnectorID: 1, OperationalStatus: "Inoperative"},
		v1alpha1.AvailabilityStatus{EVSEID: 2, OperationalStatus: "Inoperative"})
	got := goGetVariables(t, g, id, getVar(comp("EVSE", 2), "AvailabilityState"), getVar(comp("EVSE", 2), "Available"),
		getVar(comp("Connector", 1, 1), "AvailabilityState"), getVar(comp("Connector", 1, 1), "Available"),
		getVar(comp("EVSE", 1), "Available"), getVar(comp("ChargingStation"), "Available"))
	for i, want := range []string{"Unavailable", "false", "Unavailable", "false", "true", "true"} {
		if got[i].AttributeValue != want {
			t.Errorf("%s %+v %s: %q, want %q", got[i].Component.Name, got[i].Component.EVSE, got[i].Variable.Name, got[i].AttributeValue, want)
		}
	}
	if s := changeAvailability(t, g, id, op, &types.EVSE{ID: 9}); s != availability.ChangeAvailabilityStatusRejected {
		t.Fatalf("unknown EVSE 9: %s, want Rejected", s)
	}

	from = g.Mark()
	if s := changeAvailability(t, g, id, op, nil); s != accepted {
		t.Fatalf("station Operative: %s", s)
	}
	availabilityIs(t, f)
	waitFor(t, g, from, statusOf(1, availability.ConnectorStatusAvailable))
	waitFor(t, g, from, statusOf(2, availability.ConnectorStatusAvailable))
	if s := changeAvailability(t, g, id, inop, nil); s != accepted {
		t.Fatalf("station Inoperative: %s", s)
	}
	availabilityIs(t, f, v1alpha1.AvailabilityStatus{OperationalStatus: "Inoperative"})
	waitFor(t, g, from, statusOf(1, availability.ConnectorStatusUnavailable))
	waitFor(t, g, from, statusOf(2, availability.ConnectorStatusUnavailable))
	if got := goGetVariables(t, g, id, getVar(comp("ChargingStation"), "AvailabilityState"), getVar(comp("EVSE", 1), "Available")); got[0].AttributeValue != "Unavailable" || got[1].AttributeValue != "false" {
		t.Fatalf("station Inoperative: ChargingStation.AvailabilityState %q, EVSE 1 Available %q", got[0].AttributeValue, got[1].AttributeValue)
	}

	// A new firmware version rebuilds the station from the stored Charger,
	// as a gwd restart would: it boots, and its connectors stay Unavailable.
	from = g.Mark()
	spec.OCPP.FirmwareVersion = "2.0"
	f.Update(Kind, "ch1", spec)
	boot := waitFor(t, g, from, func(r *provisioning.BootNotificationRequest) bool { return r.ChargingStation.FirmwareVersion == "2.0" })
	if boot.Reason != provisioning.BootReasonPowerUp {
		t.Fatalf("rebuilt station booted with reason %s", boot.Reason)
	}
	waitFor(t, g, from, statusOf(1, availability.ConnectorStatusUnavailable))
	waitFor(t, g, from, statusOf(2, availability.ConnectorStatusUnavailable))

	from = g.Mark()
	res := must[*provisioning.ResetResponse](t, g, id, provisioning.NewResetRequest(provisioning.ResetTypeImmediate))
	if res.Status != provisioning.ResetStatusAccepted {
		t.Fatalf("Reset Immediate: %s", res.Status)
	}
	waitFor(t, g, from, func(r *provisioning.BootNotificationRequest) bool {
		return r.Reason == provisioning.BootReasonRemoteReset
	})
	waitFor(t, g, from, statusOf(1, availability.ConnectorStatusUnavailable))
	waitFor(t, g, from, statusOf(2, availability.ConnectorStatusUnavailable))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	availabilityIs(t, f, v1alpha1.AvailabilityStatus{OperationalStatus: "Inoperative"})
}

// TestOcppGoReconnect (B04, TC_B_57): when the CSMS drops the connection
// the station dials again after its back-off, without a BootNotification,
// is Registered again, and after an outage shorter than OfflineThreshold
// reports no connector whose status did not change.
func TestOcppGoReconnect(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-RECONNECT", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, statusOf(1, availability.ConnectorStatusAvailable))
	from := g.Mark()
	if err := g.Disconnect("GO-RECONNECT", websocket.CloseGoingAway, "maintenance"); err != nil {
		t.Fatal(err)
	}
	fixture.Eventually(t, "a second connection", func() string {
		if n := len(handshakes(g)); n < 2 {
			return fmt.Sprintf("%d connections", n)
		}
		return ""
	})
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	heartbeat(t, g, "GO-RECONNECT")
	for _, m := range g.Since(from) {
		if m.Action != actHeartbeat {
			t.Fatalf("sent %s after a short outage", m.Action)
		}
	}
}
