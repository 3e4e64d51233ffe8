package station

import (
	"fmt"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestSessionMetrics: a session started by plugging in counts as running
// until the EV leaves; the energy counter grows by what the meter advanced
// during it (1000 Wh at the start, 1500 Wh at the end: 500 Wh, 1.8 MJ); the
// outbox gauge drains to 0 once the CSMS took every event; and the
// charger's series go when the charger is deleted.
func TestSessionMetrics(t *testing.T) {
	cs := startRaw(t, nil)
	reg := metrics.New()
	f := fixture.New(t, template.Setup(template.Options{}), Setup(Options{Commands: &recordingCommander{}, Metrics: reg.OCPP()}), devicesUp)
	spec := rawSpec()
	spec.URL = cs.URL
	f.Create("CSMS", "csms", spec)
	sessionTemplate(f)
	ch := charger("GW-MET-TX", 1)
	ch.TemplateRef = "ev"
	f.Create(Kind, "ch1", ch)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)

	// gauge is the one series of name; -1 while there is none.
	gauge := func(name string) float64 {
		n, err := testutil.GatherAndCount(reg.Gatherer(), name)
		if err != nil || n > 1 {
			t.Fatalf("%s: %d series (%v), want one charger's", name, n, err)
		}
		mfs, _ := reg.Gatherer().Gather()
		for _, mf := range mfs {
			if mf.GetName() == name {
				m := mf.GetMetric()[0]
				return m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
		return -1
	}
	want := func(what string, name string, v float64) {
		fixture.Within(t, 15*time.Second, what, func() string {
			if got := gauge(name); got != v {
				return fmt.Sprintf("%s = %v, want %v", name, got, v)
			}
			return ""
		})
	}
	setEV(f, "ch1", ev{})
	want("no session before the EV", "ocppgw_sessions_running", 0)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 1000, powerW: 11000})
	want("a session once plugged in", "ocppgw_sessions_running", 1)
	setEV(f, "ch1", ev{plugged: true, charging: true, energyWh: 1500, powerW: 11000})
	setEV(f, "ch1", ev{energyWh: 1500})
	want("the session ended when the EV left", "ocppgw_sessions_running", 0)
	want("the energy the meter advanced", "ocppgw_energy_delivered_joules_total", 500*3600)
	want("every event acknowledged", "ocppgw_ocpp_outbox_messages", 0)

	f.Delete(Kind, "ch1")
	fixture.Within(t, 15*time.Second, "the deleted charger's series gone", func() string {
		n, err := testutil.GatherAndCount(reg.Gatherer(), "ocppgw_ocpp_messages_total", "ocppgw_sessions_running")
		if err != nil || n != 0 {
			return fmt.Sprintf("%d series left (%v)", n, err)
		}
		return ""
	})
}
