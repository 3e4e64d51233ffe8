package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rawcsms"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// value is the gathered value of the series of name whose labels include
// want: a counter's or gauge's value, a histogram's sample count; -1 when
// there is no such series.
func value(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if matches(m, want) {
				switch {
				case m.Counter != nil:
					return m.GetCounter().GetValue()
				case m.Gauge != nil:
					return m.GetGauge().GetValue()
				case m.Histogram != nil:
					return float64(m.GetHistogram().GetSampleCount())
				}
			}
		}
	}
	return -1
}

func matches(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := want[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(want)
}

// heartbeatFaults answers the first Heartbeats with a CALLERROR, nothing,
// an invalid payload, and a dropped connection; everything else is OK.
func heartbeatFaults(action string, n int) rawcsms.Fault {
	faults := []rawcsms.Fault{rawcsms.CallError, rawcsms.NoAnswer, rawcsms.Invalid, rawcsms.Close}
	if action == "Heartbeat" && n < len(faults) {
		return faults[n]
	}
	return rawcsms.OK
}

// result is the rpc result the station's metrics give a CALL the CSMS
// answered with f.
var result = map[rawcsms.Fault]string{rawcsms.OK: "ok", rawcsms.CallError: "callerror",
	rawcsms.NoAnswer: "timeout", rawcsms.Invalid: "invalid", rawcsms.Close: "failed"}

// TestScenario drives polls against a simonvetter/modbus server that
// answers, then refuses with an exception, then answers too late, then
// answers again; a device command; and OCPP traffic with a CSMS that
// answers Heartbeats with each kind of failure and sends CALLs of its own.
// Each metric is then checked against what happened.
func TestScenario(t *testing.T) {
	p := &peer{mode: "ok", late: 600 * time.Millisecond}
	host, port := startPeer(t, p)
	link := net.JoinHostPort(host, strconv.Itoa(port))
	cs := rawcsms.Start(heartbeatFaults)
	t.Cleanup(cs.Stop)
	g := startGateway(t)
	gat := g.reg.Gatherer()

	g.apply(t, "Template", "t", `{"protocol":"modbus","manufacturer":"ACME","model":"M1",
		"read":{"modbus":{"blocks":[{"name":"b","function":"holding","address":0,"count":2}]}},
		"signals":{"powerW":"double(regs[\"b\"][0])"}}`)
	g.apply(t, "CSMS", "csms", fmt.Sprintf(`{"url":%q,"securityProfile":1,"messageTimeout":"1s",
		"retryBackOff":{"waitMinimum":"1s","randomRange":"1s","repeatTimes":1}}`, cs.URL))

	ch := map[string]string{"charger": "ch1"}
	polls := func(n float64, reachable float64) func() string {
		return func() string {
			got, r := value(t, gat, "ocppgw_charger_poll_duration_seconds", ch), value(t, gat, "ocppgw_charger_device_reachable", ch)
			if got != n || r != reachable {
				return fmt.Sprintf("%v polls, reachable %v; want %v, %v", got, r, n, reachable)
			}
			return ""
		}
	}
	// Each new pollInterval starts a new poller, which polls at once; an
	// hour-long interval leaves it at that one poll.
	for i, phase := range []struct {
		mode      string
		reachable float64
	}{{"ok", 1}, {"exception", 1}, {"silent", 0}, {"ok", 1}} {
		p.set(phase.mode)
		g.apply(t, "Charger", "ch1", chargerSpec(host, port, fmt.Sprintf("%dm", 60-i)))
		fixture.Eventually(t, "poll "+phase.mode, polls(float64(i+1), phase.reachable))
	}
	// An exception is an answer: the device stays reachable, but the data is not valid.
	checkValues(t, gat, map[string]float64{
		`ocppgw_charger_poll_failures_total{charger="ch1",cause="DeviceError"}`:                   1,
		`ocppgw_charger_poll_failures_total{charger="ch1",cause="NotResponding"}`:                 1,
		`ocppgw_modbus_exceptions_total{link="` + link + `",code="0x02"}`:                         1,
		`ocppgw_modbus_timeouts_total{link="` + link + `"}`:                                       1,
		`ocppgw_modbus_requests_total{link="` + link + `",transport="tcp"}`:                       float64(p.count()),
		`ocppgw_modbus_late_replies_total{link="` + link + `"}`:                                   0, // the timed-out socket was dropped
		`ocppgw_charger_poll_failures_total{charger="ch1",cause="MalformedAnswer"}`:               -1,
		`ocppgw_charger_commands_total{charger="ch1",command="unlock",outcome="Unsupported"}`:     -1,
		`ocppgw_ocpp_call_errors_total{charger="ch1",direction="received",code="NotImplemented"}`: -1,
	})

	err := g.chargers.Command(context.Background(), "ch1", "unlock", 1, cel.Args{})
	if !errors.Is(err, charger.ErrUnsupported) {
		t.Fatalf("unlock on a template without it: %v", err)
	}
	checkValues(t, gat, map[string]float64{
		`ocppgw_charger_commands_total{charger="ch1",command="unlock",outcome="Unsupported"}`: 1})

	checkOCPP(t, g, cs)
	checkStore(t, g)

	problems, err := testutil.GatherAndLint(gat)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}
