//go:build linux

package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
)

// casesThroughPeers replays, before the random sweep, the device faults
// the issue reported, each against the independent peers through gwd:
//   - a KEBA whose ten reads each answer slowly but within the timeout
//     is still read (the poll is not cut to the interval) and PollsOnTime
//     says the polls overran;
//   - an ECHONET Lite device answering in 2.5 s against a 2 s wait per try
//     is read through retransmission inside one poll;
//   - a silent device's last values are marked stale, not shown as current;
//   - a mapping test of an RTU unit that is marked not responding still
//     sends it a request;
//   - a template deleted and applied again unchanged works at once.
func casesThroughPeers(t *testing.T, d *daemon, sw *sweepWatch, devs []*sweepDevice) {
	t.Helper()
	find := func(pred func(*sweepDevice) bool) *sweepDevice {
		for _, dv := range devs {
			if pred(dv) {
				return dv
			}
		}
		t.Fatal("no such sweep device")
		return nil
	}
	keba := find(func(dv *sweepDevice) bool { return dv.template == "keba-p30" })
	el := find(func(dv *sweepDevice) bool { return dv.template == "echonet-ev-charger" })
	abb := find(func(dv *sweepDevice) bool { return dv.transport == "tcp" && dv.template == "abb-terra-ac" })
	rtu := find(func(dv *sweepDevice) bool { return dv.transport == "rtu" })

	// Slow but within the timeout: 13 bytes at 60 ms each ≈ 0.8 s per read.
	slowButAnswering(t, d, keba, "slow 60")
	slowButAnswering(t, d, el, "delay OBJ 2500")

	must(t, abb.inject("silent"))
	waitCharger(t, d, abb.name, "stale values while silent", func(st v1alpha1.ChargerStatus) bool {
		return len(st.Connectors) > 0 && st.Connectors[0].Stale && st.Device != nil && st.Device.DataStaleSince != ""
	})
	must(t, abb.clear())

	must(t, rtu.inject("silent"))
	waitCharger(t, d, rtu.name, "NotResponding", func(st v1alpha1.ChargerStatus) bool {
		return reachable(st) == charger.ReasonNotResponding
	})
	before := rtu.requests(t)
	out, errOut, code := d.gwctl(t, nil, "mapping", "test", rtu.name)
	if code == 0 || rtu.requests(t) <= before || !strings.Contains(out+errOut, "no response") {
		t.Fatalf("mapping test of a unit marked not responding: exit %d, %d requests reached it\n%s%s",
			code, rtu.requests(t)-before, out, errOut)
	}
	must(t, rtu.clear())

	// gwctl discover echonet finds every node's two objects, with the
	// templates they fit.
	out, errOut, code = d.gwctl(t, nil, "discover", "echonet", "--window", "3s")
	for _, dv := range devs {
		if dv.node == nil {
			continue
		}
		eoj := "0x" + strings.ToUpper(strings.TrimPrefix(dv.name, dv.name[:strings.LastIndex(dv.name, "-")+1]))
		if code != 0 || !containsRow(out, dv.node.addr, eoj, dv.template) {
			t.Fatalf("discover echonet: exit %d, no row with %s %s %s\n%s%s", code, dv.node.addr, eoj, dv.template, out, errOut)
		}
	}

	if _, errOut, code := d.gwctl(t, nil, "delete", "template", "echonet-v2h"); code != 0 {
		t.Fatalf("delete template: %s", errOut)
	}
	v2h := find(func(dv *sweepDevice) bool { return dv.template == "echonet-v2h" })
	waitCharger(t, d, v2h.name, "MappingValid False", func(st v1alpha1.ChargerStatus) bool {
		c := v1alpha1.FindCondition(st.Conditions, charger.ConditionMappingValid)
		return c != nil && c.Status == v1alpha1.ConditionFalse
	})
	if out, errOut, code := d.gwctl(t, strings.NewReader(exampleTemplates(t)), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply the templates again: %s%s", out, errOut)
	}
	sw.waitHealthy(t, 60*time.Second, "after the cases")
}

// slowButAnswering injects a fault that slows every answer without losing
// one and checks that polls still succeed, late, and say so.
func slowButAnswering(t *testing.T, d *daemon, dv *sweepDevice, fault string) {
	t.Helper()
	must(t, dv.inject(fault))
	waitCharger(t, d, dv.name, "PollsOnTime Overran under "+fault, func(st v1alpha1.ChargerStatus) bool {
		c := v1alpha1.FindCondition(st.Conditions, charger.ConditionPollsOnTime)
		return c != nil && c.Reason == charger.ReasonOverran
	})
	st := chargerStatus(t, d, dv.name)
	if reachable(st) != charger.ReasonPolled || !healthyNow(st) {
		b, _ := json.Marshal(st.Conditions)
		t.Fatalf("%s under %q: slow answers within the timeout must still be read: %s", dv.name, fault, b)
	}
	must(t, dv.clear())
	waitCharger(t, d, dv.name, "PollsOnTime OnTime again", func(st v1alpha1.ChargerStatus) bool {
		c := v1alpha1.FindCondition(st.Conditions, charger.ConditionPollsOnTime)
		return c != nil && c.Reason == charger.ReasonOnTime
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// containsRow reports whether a line of a table holds every field.
func containsRow(table string, fields ...string) bool {
	for _, l := range strings.Split(table, "\n") {
		f := strings.Fields(l)
		all := true
		for _, want := range fields {
			all = all && slices.ContainsFunc(f, func(s string) bool { return strings.Contains(s, want) })
		}
		if all {
			return true
		}
	}
	return false
}
