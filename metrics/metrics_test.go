package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonetdev"
	"github.com/ocppgw/ocppgw/drivers/modbus"
	"github.com/ocppgw/ocppgw/drivers/modbusdev"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// counted is the Modbus and ECHONET Lite drivers' metrics for fixed
// counters, handed over as gwd hands over its drivers.Set: the families'
// input, so the test can check what the registry exports of them.
type counted struct{}

func (counted) Describe(ch chan<- *prometheus.Desc) {
	for _, name := range []string{v1alpha1.ProtocolModbus, v1alpha1.ProtocolEchonet} {
		p, _ := drivers.Lookup(name)
		for _, d := range p.Metrics {
			ch <- d
		}
	}
}

func (counted) Collect(ch chan<- prometheus.Metric) {
	modbusdev.Metrics{
		TCP: []modbus.ConnStats{{Addr: "10.0.0.5:502", Counters: modbus.Counters{Requests: 7, OK: 4, NoResponse: 2,
			LateReplies: 1, Exceptions: map[modbus.ExceptionCode]uint64{modbus.IllegalDataAddress: 1}}}},
		RTU: []modbus.BusStats{{Device: "/dev/ttyUSB0", Retries: 3, Counters: modbus.Counters{Requests: 9, CRCErrors: 2}}},
	}.Collect(ch)
	echonetdev.Metrics{Sent: 5, Retransmits: 2, SNAs: 1}.Collect(ch)
}

// populate touches every family once, so lint and the name list see all.
func populate(t *testing.T, r *Registry) {
	t.Helper()
	r.Chargers().Polled("c1", "modbus-tcp", 20*time.Millisecond, "NotResponding")
	r.Chargers().SetReachable("c1", true)
	r.Chargers().CommandDone("c1", "start", "Done")
	if err := r.WatchDrivers(counted{}); err != nil {
		t.Fatal(err)
	}
	st := r.OCPP().Station("c1")
	st.SetState("Registered")
	st.Reconnected()
	st.CallEnded("BootNotification", "ok", "", 30*time.Millisecond)
	st.CallEnded("Heartbeat", "callerror", "InternalError", 10*time.Millisecond)
	st.Served("GetVariables", "callerror", "NotSupported")
	st.EnergyDelivered(1.5)
	r.OCPP().WatchStations(func() []StationState { return []StationState{{Charger: "c1", Outbox: 2, SessionsRunning: 1}} })
	r.Store().Committed(time.Millisecond)
	r.Store().WatchStore(func() StoreStats { return StoreStats{Revision: 42, Watchers: 3, Compactions: 1} })
}

// TestDriverFamiliesAsDeclared: the Modbus and ECHONET Lite collectors send
// every family their registrations declare, and no other. A pedantic
// registry checks each metric against its descriptor, which gwd's does not.
func TestDriverFamiliesAsDeclared(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(counted{}); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, name := range []string{v1alpha1.ProtocolModbus, v1alpha1.ProtocolEchonet} {
		p, _ := drivers.Lookup(name)
		declared += len(p.Metrics)
	}
	if len(mfs) != declared || declared < 15 {
		t.Errorf("%d families gathered, %d declared, want the 9 Modbus and 6 ECHONET Lite families", len(mfs), declared)
	}
}

func TestLint(t *testing.T) {
	r := New()
	populate(t, r)
	problems, err := testutil.GatherAndLint(r.Gatherer())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestCollectedValues(t *testing.T) {
	r := New()
	populate(t, r)
	want := `
# HELP ocppgw_modbus_exceptions_total Modbus exception responses, by exception code (0x01 to 0x0B).
# TYPE ocppgw_modbus_exceptions_total counter
ocppgw_modbus_exceptions_total{code="0x02",link="10.0.0.5:502",transport="tcp"} 1
# HELP ocppgw_modbus_crc_errors_total Modbus RTU frames with a bad checksum.
# TYPE ocppgw_modbus_crc_errors_total counter
ocppgw_modbus_crc_errors_total{link="/dev/ttyUSB0",transport="rtu"} 2
# HELP ocppgw_echonet_retransmissions_total ECHONET Lite requests sent again after a try went unanswered.
# TYPE ocppgw_echonet_retransmissions_total counter
ocppgw_echonet_retransmissions_total 2
# HELP ocppgw_energy_delivered_joules_total Energy delivered in charging sessions, from the chargers' meters, as the sessions record it (at each TransactionEvent and at most every 10 s between; 1 kWh = 3.6e6 J).
# TYPE ocppgw_energy_delivered_joules_total counter
ocppgw_energy_delivered_joules_total{charger="c1"} 5400
# HELP ocppgw_store_revision The store's current revision: it grows by one with every write.
# TYPE ocppgw_store_revision gauge
ocppgw_store_revision 42
`
	if err := testutil.GatherAndCompare(r.Gatherer(), strings.NewReader(want), "ocppgw_modbus_exceptions_total",
		"ocppgw_modbus_crc_errors_total", "ocppgw_echonet_retransmissions_total", "ocppgw_energy_delivered_joules_total",
		"ocppgw_store_revision"); err != nil {
		t.Error(err)
	}
	state := `
# HELP ocppgw_ocpp_connection_state 1 for the station's current OCPP connection state (Offline, Pending, Registered, Rejected), 0 for the others.
# TYPE ocppgw_ocpp_connection_state gauge
ocppgw_ocpp_connection_state{charger="c1",state="Offline"} 0
ocppgw_ocpp_connection_state{charger="c1",state="Pending"} 0
ocppgw_ocpp_connection_state{charger="c1",state="Registered"} 1
ocppgw_ocpp_connection_state{charger="c1",state="Rejected"} 0
`
	if err := testutil.GatherAndCompare(r.Gatherer(), strings.NewReader(state), "ocppgw_ocpp_connection_state"); err != nil {
		t.Error(err)
	}
}

func TestForget(t *testing.T) {
	r := New()
	populate(t, r)
	r.Chargers().Forget("c1")
	r.OCPP().Forget("c1")
	mfs, err := r.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "ocppgw_charger_") || mf.GetName() == "ocppgw_ocpp_messages_total" {
			t.Errorf("%s still has %d series after Forget", mf.GetName(), len(mf.GetMetric()))
		}
	}
}

func TestNilHandles(t *testing.T) {
	var r *Registry
	populate(t, r) // must not panic: nil means no metrics
}
