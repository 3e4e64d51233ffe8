package station

import (
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestObservationBeforeAnyDeviceReport: a charger the charger controller
// has not reported on yet (a status without DeviceReachable, as right
// after an apply) is connecting, so its connector is Unavailable and never
// Available on signals nobody has read. With DeviceReachable True and no
// EV it is Available; with False it is Faulted.
func TestObservationBeforeAnyDeviceReport(t *testing.T) {
	status := func(o Observation) string {
		return ConnectorStatus(ConnectorInput{DeviceReachable: o.Reachable, DeviceConnecting: o.Connecting})
	}
	if o := observation(v1alpha1.ChargerStatus{}); !o.Connecting || status(o) != ConnectorUnavailable {
		t.Errorf("no device report: %+v gives %s, want connecting and Unavailable", o, status(o))
	}
	for _, c := range []struct {
		cond v1alpha1.ConditionStatus
		want string
	}{
		{v1alpha1.ConditionUnknown, ConnectorUnavailable},
		{v1alpha1.ConditionTrue, ConnectorAvailable},
		{v1alpha1.ConditionFalse, ConnectorFaulted},
	} {
		var st v1alpha1.ChargerStatus
		st.Conditions = []v1alpha1.Condition{{Type: "DeviceReachable", Status: c.cond}}
		if got := status(observation(st)); got != c.want {
			t.Errorf("DeviceReachable %s: %s, want %s", c.cond, got, c.want)
		}
	}
}
