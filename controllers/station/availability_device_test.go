package station

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// TestChangeAvailabilityFollowsTheCharger: Inoperative is Accepted only
// after the charger took setAvailable(false); a template without
// setAvailable, or a charger that refuses it, gets Rejected with the reason,
// nothing is persisted and the connector stays Available. Checked against
// the strict CSMS, so every answer is also schema-valid.
func TestChangeAvailabilityFollowsTheCharger(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	f.Create(Kind, "ch1", charger("GW-AVAIL-1", 2))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitCall(t, cs, "GW-AVAIL-1", "StatusNotification", has(`"evseId":2`))
	ctx := ctxT(t)
	change := func(status string, evse int) string {
		t.Helper()
		res, err := cs.Call(ctx, "GW-AVAIL-1", "ChangeAvailability", map[string]any{"operationalStatus": status, "evse": map[string]any{"id": evse}})
		if err != nil {
			t.Fatal(err)
		}
		return string(res)
	}

	cmd.setRefuse("setAvailable", fmt.Errorf("charger %q: %w", "ch1", cel.ErrUnsupported))
	if got := change("Inoperative", 1); !strings.Contains(got, `"status":"Rejected"`) || !strings.Contains(got, `"reasonCode":"NotSupported"`) {
		t.Fatalf("Inoperative without setAvailable: %s", got)
	}
	cmd.setRefuse("setAvailable", fmt.Errorf("rejected by the device: modbus: exception 0x02 illegal data address"))
	if got := change("Inoperative", 1); !strings.Contains(got, `"status":"Rejected"`) || !strings.Contains(got, "exception 0x02") {
		t.Fatalf("Inoperative the charger refused: %s", got)
	}
	if o := storedOCPP(t, f, "ch1"); len(o.Availability) != 0 {
		t.Fatalf("a refused change was persisted: %+v", o.Availability)
	}

	cmd.setRefuse("setAvailable", nil)
	if got := change("Inoperative", 2); !strings.Contains(got, `"status":"Accepted"`) {
		t.Fatalf("Inoperative the charger took: %s", got)
	}
	waitCall(t, cs, "GW-AVAIL-1", "StatusNotification", has(`"connectorStatus":"Unavailable","evseId":2`))
	if o := storedOCPP(t, f, "ch1"); len(o.Availability) != 1 || o.Availability[0].EVSEID != 2 {
		t.Fatalf("persisted availability %+v", o.Availability)
	}
	// Already inoperative: nothing changes, nothing is sent, Accepted (G03).
	avail := func() int {
		return len(slices.DeleteFunc(cmd.log(), func(c string) bool { return !strings.Contains(c, "setAvailable") }))
	}
	before := avail()
	if got := change("Inoperative", 2); !strings.Contains(got, `"status":"Accepted"`) || avail() != before {
		t.Fatalf("repeated Inoperative: %s, commands %v", got, cmd.log())
	}
	// Sessions hold the charger too (stop); only the availability commands
	// are counted here.
	calls := slices.DeleteFunc(cmd.log(), func(c string) bool { return !strings.Contains(c, "setAvailable") })
	want := []string{"ch1 setAvailable 1 false", "ch1 setAvailable 1 false", "ch1 setAvailable 1 false"}
	if !slices.Equal(calls, want) {
		t.Fatalf("commands %v, want %v (connector 1 of EVSE 1 twice, refused; connector 1 of EVSE 2 once)", calls, want)
	}
}
