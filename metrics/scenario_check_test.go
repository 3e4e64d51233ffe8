package metrics_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rawcsms"
	"github.com/prometheus/client_golang/prometheus"
)

var seriesRE = regexp.MustCompile(`^(\w+)\{(.*)\}$`)
var labelRE = regexp.MustCompile(`(\w+)="([^"]*)"`)

// checkValues compares series written name{label="value",...} with the
// values gathered; -1 means the series must not exist.
func checkValues(t *testing.T, g prometheus.Gatherer, want map[string]float64) {
	t.Helper()
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := seriesRE.FindStringSubmatch(k)
		if m == nil {
			t.Fatalf("bad series %q", k)
		}
		labels := map[string]string{}
		for _, l := range labelRE.FindAllStringSubmatch(m[2], -1) {
			labels[l[1]] = l[2]
		}
		if got := value(t, g, m[1], labels); got != want[k] {
			t.Errorf("%s = %v, want %v", k, got, want[k])
		}
	}
}

// checkOCPP compares the station's metrics with what the CSMS saw.
func checkOCPP(t *testing.T, g *gateway, cs *rawcsms.CSMS) {
	t.Helper()
	gat := g.reg.Gatherer()
	fixture.Eventually(t, "every Heartbeat fault met and the station registered again", func() string {
		ok := 0
		for _, c := range cs.Calls() {
			if c.Action == "Heartbeat" && c.Fault == rawcsms.OK {
				ok++
			}
		}
		if ok < 2 {
			return fmt.Sprintf("%d Heartbeats accepted", ok)
		}
		if v := value(t, gat, "ocppgw_ocpp_connection_state", map[string]string{"charger": "ch1", "state": "Registered"}); v != 1 {
			return fmt.Sprintf("Registered state gauge %v", v)
		}
		return ""
	})
	if err := cs.Send("GW-MET-1", `[2,"m1","GetVariables",{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},`+
		`"variable":{"name":"HeartbeatInterval"}}]}]`); err != nil {
		t.Fatal(err)
	}
	if err := cs.Send("GW-MET-1", `[2,"m2","Reset",{"type":"Sometimes"}]`); err != nil {
		t.Fatal(err)
	}
	fixture.Eventually(t, "the sent CALLs' metrics match what the CSMS answered", func() string {
		// Heartbeats keep flowing: the comparison counts only when no
		// metric moved while it ran, so both sides describe one moment.
		before := familiesText(t, gat, "ocppgw_ocpp_")
		diff := ocppMismatch(t, gat, cs)
		if familiesText(t, gat, "ocppgw_ocpp_") != before {
			return "traffic during the comparison"
		}
		return diff
	})
	checkValues(t, gat, map[string]float64{
		`ocppgw_ocpp_messages_total{charger="ch1",direction="received",action="GetVariables",result="ok"}`: 1,
		`ocppgw_ocpp_messages_total{charger="ch1",direction="received",action="Reset",result="callerror"}`: 1,
		`ocppgw_ocpp_outbox_messages{charger="ch1"}`:                                                       0,
		`ocppgw_sessions_running{charger="ch1"}`:                                                           0,
		`ocppgw_ocpp_connection_state{charger="ch1",state="Offline"}`:                                      0,
	})
	if n := sum(t, gat, "ocppgw_ocpp_call_errors_total", map[string]string{"direction": "received"}); n != 1 {
		t.Errorf("%v CALLERRORs sent to the CSMS, want 1 (the invalid Reset)", n)
	}
}

// ocppMismatch says how the station's metrics differ from the CSMS's
// record of CALLs, or "" when they agree.
func ocppMismatch(t *testing.T, gat prometheus.Gatherer, cs *rawcsms.CSMS) string {
	want := map[string]float64{}
	answered, callErrors := 0.0, 0.0
	for _, c := range cs.Calls() {
		want[c.Action+" "+result[c.Fault]]++
		switch c.Fault {
		case rawcsms.OK, rawcsms.Invalid:
			answered++
		case rawcsms.CallError:
			answered++
			callErrors++
		}
	}
	var diffs []string
	for k, n := range want {
		action, res, _ := strings.Cut(k, " ")
		got := value(t, gat, "ocppgw_ocpp_messages_total", map[string]string{"charger": "ch1", "direction": "sent",
			"action": action, "result": res})
		if got != n {
			diffs = append(diffs, fmt.Sprintf("%s: metric %v, CSMS %v", k, got, n))
		}
	}
	if got := sum(t, gat, "ocppgw_ocpp_messages_total", map[string]string{"direction": "sent"}); got != float64(len(cs.Calls())) {
		diffs = append(diffs, fmt.Sprintf("%v CALLs counted, the CSMS got %d", got, len(cs.Calls())))
	}
	if got := value(t, gat, "ocppgw_ocpp_call_duration_seconds", map[string]string{"charger": "ch1"}); got != answered {
		diffs = append(diffs, fmt.Sprintf("%v round trips, %v CALLs answered", got, answered))
	}
	if got := value(t, gat, "ocppgw_ocpp_call_errors_total", map[string]string{"direction": "sent", "code": "InternalError"}); got != callErrors {
		diffs = append(diffs, fmt.Sprintf("%v CALLERRORs counted, the CSMS sent %v", got, callErrors))
	}
	opened, _ := cs.Connections("GW-MET-1")
	if got := value(t, gat, "ocppgw_ocpp_reconnects_total", map[string]string{"charger": "ch1"}); got != float64(opened-1) {
		diffs = append(diffs, fmt.Sprintf("%v reconnects, %d connections", got, opened))
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// sum adds the values of every series of name whose labels include want.
func sum(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				if matches(m, want) {
					total += m.GetCounter().GetValue() + m.GetGauge().GetValue()
				}
			}
		}
	}
	return total
}

// checkStore compares the store's metrics with the store.
func checkStore(t *testing.T, g *gateway) {
	t.Helper()
	gat := g.reg.Gatherer()
	if err := g.st.Compact(g.st.Revision() - 1); err != nil {
		t.Fatal(err)
	}
	before := value(t, gat, "ocppgw_store_commit_duration_seconds", nil)
	g.apply(t, "Secret", "s1", `{"data":{"password":"x"}}`)
	if after := value(t, gat, "ocppgw_store_commit_duration_seconds", nil); after < before+1 {
		t.Errorf("commit histogram went from %v to %v across a write", before, after)
	}
	fixture.Eventually(t, "the revision gauge follows the store", func() string {
		if got, rev := value(t, gat, "ocppgw_store_revision", nil), g.st.Revision(); got != float64(rev) {
			return fmt.Sprintf("gauge %v, store %d", got, rev)
		}
		return ""
	})
	checkValues(t, gat, map[string]float64{`ocppgw_store_compactions_total{}`: 1})
	// The manager's informers watch the store: at least the Charger, CSMS,
	// Secret and Template kinds the controllers read.
	if w := value(t, gat, "ocppgw_store_watchers", nil); w < 1 {
		t.Errorf("%v store watchers while the controllers run", w)
	}
}

// familiesText is every family whose name starts with prefix, as text.
func familiesText(t *testing.T, g prometheus.Gatherer, prefix string) string {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), prefix) {
			b.WriteString(mf.String())
		}
	}
	return b.String()
}
