package station

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
)

// TestUnlockConnector (F05, TC_F_05..07 where a lock exists): Unlocked only
// when the charger took the template's unlock; UnknownConnector for a
// connector the station lacks; OngoingAuthorizedTransaction while it
// charges; UnlockFailed with the reason when the template has no unlock or
// the charger refuses. Every answer passes the strict CSMS.
func TestUnlockConnector(t *testing.T) {
	cs := startStrict(t)
	cmd := &recordingCommander{}
	f := stationFixtureWith(t, cs.URL, csmsSpec(), cmd)
	f.Create(Kind, "ch1", charger("GW-UNLOCK", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	unlock := func(evse, connector int) string {
		t.Helper()
		res, err := cs.Call(ctxT(t), "GW-UNLOCK", "UnlockConnector", map[string]any{"evseId": evse, "connectorId": connector})
		if err != nil {
			t.Fatalf("UnlockConnector %d/%d: %v", evse, connector, err)
		}
		return string(res)
	}
	if got := unlock(1, 1); !strings.Contains(got, `"Unlocked"`) || !slices.Contains(cmd.log(), "ch1 unlock 1") {
		t.Fatalf("unlock: %s, commands %v", got, cmd.log())
	}
	if got := unlock(9, 1); !strings.Contains(got, `"UnknownConnector"`) {
		t.Fatalf("unlock of an unknown connector: %s", got)
	}
	cmd.setRefuse("unlock", fmt.Errorf("charger %q: %w", "ch1", cel.ErrUnsupported))
	if got := unlock(1, 1); !strings.Contains(got, `"UnlockFailed"`) || !strings.Contains(got, "NoCableLock") {
		t.Fatalf("unlock without an unlock command: %s", got)
	}
	cmd.setRefuse("unlock", nil)
	controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
		return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1,
			Signals: map[string]any{"evConnected": true, "charging": true}}})
	})
	f.Store.Flush()
	waitCall(t, cs, "GW-UNLOCK", "StatusNotification", has(`"connectorStatus":"Occupied"`))
	before := len(cmd.log())
	if got := unlock(1, 1); !strings.Contains(got, `"OngoingAuthorizedTransaction"`) || len(cmd.log()) != before {
		t.Fatalf("unlock while charging: %s, commands %v", got, cmd.log())
	}
	noFailures(t, cs)
}
