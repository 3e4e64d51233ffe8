//go:build linux

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
)

// sweepSample is how often the sweep reads every charger's status.
const sweepSample = 250 * time.Millisecond

// sweepWatch samples gwd's view of every charger and checks it against
// what the peers serve: their values never change during the sweep, so a
// signal shown as current (not stale, not unknown) that differs from the
// fault-free baseline is a wrong value reported as valid.
type sweepWatch struct {
	c    *client.Client
	devs map[string]*sweepDevice

	mu        sync.Mutex
	baseline  map[string][]map[string]any
	samples   int
	wrong     []string
	wrongN    int
	conflicts map[string]time.Time // open Available-while-not contradictions, by charger/connector
	lasting   []string             // contradictions seen for more than contradictionGrace
	transient int
	open      map[string]*episode // cleared episodes waiting for their device to recover
	healthy   map[string]bool
	upTime    map[string]time.Duration // time each charger was reachable
	lastTick  time.Time
	listErr   error // the last failed read of the chargers
	d         *daemon
	stopc     chan struct{}
	done      chan struct{}
}

// contradictionGrace is how long a connector status may lag its signals:
// the station reports a change after it sees it, not in the same instant.
const contradictionGrace = 5 * time.Second

func newSweepWatch(t *testing.T, d *daemon, devs []*sweepDevice) *sweepWatch {
	sw := &sweepWatch{c: d.client(t), d: d, devs: map[string]*sweepDevice{}, conflicts: map[string]time.Time{},
		open: map[string]*episode{}, healthy: map[string]bool{}, upTime: map[string]time.Duration{},
		stopc: make(chan struct{}), done: make(chan struct{})}
	for _, dv := range devs {
		sw.devs[dv.name] = dv
	}
	go sw.run()
	return sw
}

func (sw *sweepWatch) run() {
	defer close(sw.done)
	tick := time.NewTicker(sweepSample)
	defer tick.Stop()
	for {
		select {
		case <-sw.stopc:
			return
		case <-tick.C:
			sw.sample()
		}
	}
}

func (sw *sweepWatch) stop() { close(sw.stopc); <-sw.done }

func (sw *sweepWatch) statuses() map[string]v1alpha1.ChargerStatus {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := sw.c.List(ctx, "Charger", "")
	if err != nil {
		sw.mu.Lock()
		sw.listErr = err
		sw.mu.Unlock()
		return nil
	}
	out := map[string]v1alpha1.ChargerStatus{}
	for _, o := range l.Items {
		var st v1alpha1.ChargerStatus
		if err := json.Unmarshal(o.Status, &st); err != nil {
			sw.mu.Lock()
			sw.listErr = fmt.Errorf("charger %s: status %s: %w", o.Metadata.Name, o.Status, err)
			sw.mu.Unlock()
			continue
		}
		out[o.Metadata.Name] = st
	}
	return out
}

// healthyNow: reachable, every required read arrived, the mapping valid
// over it, nothing stale.
func healthyNow(st v1alpha1.ChargerStatus) bool {
	for _, typ := range []string{charger.ConditionDeviceReachable, charger.ConditionDeviceDataValid, charger.ConditionMappingValid} {
		if c := v1alpha1.FindCondition(st.Conditions, typ); c == nil || c.Status != v1alpha1.ConditionTrue {
			return false
		}
	}
	if len(st.Connectors) == 0 {
		return false
	}
	for _, c := range st.Connectors {
		if c.Stale {
			return false
		}
	}
	return true
}

func (sw *sweepWatch) sample() {
	all := sw.statuses()
	now := time.Now()
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if all == nil {
		return
	}
	sw.samples++
	for name, st := range all {
		sw.healthy[name] = healthyNow(st)
		if r := v1alpha1.FindCondition(st.Conditions, charger.ConditionDeviceReachable); r != nil && r.Status == v1alpha1.ConditionTrue && !sw.lastTick.IsZero() {
			sw.upTime[name] += now.Sub(sw.lastTick)
		}
		if e := sw.open[name]; e != nil && sw.healthy[name] {
			e.recoveredAt = now
			delete(sw.open, name)
		}
		sw.checkValues(name, st)
		sw.checkStatus(name, st, now)
	}
	sw.lastTick = now
}

// checkValues compares every current signal with the baseline.
func (sw *sweepWatch) checkValues(name string, st v1alpha1.ChargerStatus) {
	base := sw.baseline[name]
	if base == nil {
		return
	}
	for i, c := range st.Connectors {
		if c.Stale || i >= len(base) {
			continue
		}
		for sig, v := range c.Signals {
			want, ok := base[i][sig]
			if !ok || reflect.DeepEqual(v, want) {
				continue
			}
			sw.wrongN++
			if len(sw.wrong) < 20 {
				sw.wrong = append(sw.wrong, fmt.Sprintf("%s connector %d: %s = %v, the device serves %v", name, c.ConnectorID, sig, v, want))
			}
		}
	}
}

// checkStatus looks for a connector reported Available while its signals
// say an EV is there, power flows, or the EV state is unknown.
func (sw *sweepWatch) checkStatus(name string, st v1alpha1.ChargerStatus, now time.Time) {
	for _, c := range st.Connectors {
		key := fmt.Sprintf("%s/%d/%d", name, c.EVSEID, c.ConnectorID)
		power, _ := c.Signals["powerW"].(float64)
		bad := c.Status == "Available" && (c.Signals["evConnected"] == true || c.Signals["charging"] == true || power > 50 ||
			c.Unknown["evConnected"] != "")
		since, open := sw.conflicts[key]
		switch {
		case bad && !open:
			sw.conflicts[key] = now
		case bad && now.Sub(since) > contradictionGrace:
			sw.lasting = append(sw.lasting, fmt.Sprintf("%s Available for %v while signals %v unknown %v", key, now.Sub(since).Round(time.Millisecond), c.Signals, c.Unknown))
			sw.conflicts[key] = now // report again only after another grace
		case !bad && open:
			sw.transient++
			delete(sw.conflicts, key)
		}
	}
}

// waitHealthy waits until every charger is healthy.
func (sw *sweepWatch) waitHealthy(t *testing.T, limit time.Duration, when string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		all := sw.statuses()
		var sick []string
		for name := range sw.devs {
			if st, ok := all[name]; !ok || !healthyNow(st) {
				b, _ := json.Marshal(st.Conditions)
				sick = append(sick, name+" "+string(b))
			}
		}
		if len(sick) == 0 {
			return
		}
		if time.Now().After(deadline) {
			sort.Strings(sick)
			sw.mu.Lock()
			listErr := sw.listErr
			sw.mu.Unlock()
			logs := sw.d.logs.String()
			if len(logs) > 8000 {
				logs = logs[len(logs)-8000:]
			}
			select {
			case <-sw.d.exited:
				t.Fatalf("%s: gwd exited (%v); its log ends:\n%s", when, sw.d.cmd.ProcessState, logs)
			default:
			}
			t.Fatalf("%s, %d chargers not healthy after %v (last failed read of the chargers: %v):\n%s\ngwd's log ends:\n%s",
				when, len(sick), limit, listErr, strings.Join(sick, "\n"), logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// takeBaseline records each charger's signals with no fault anywhere.
func (sw *sweepWatch) takeBaseline(t *testing.T) {
	t.Helper()
	all := sw.statuses()
	base := map[string][]map[string]any{}
	for name := range sw.devs {
		st := all[name]
		for _, c := range st.Connectors {
			base[name] = append(base[name], c.Signals)
		}
		if len(base[name]) == 0 || len(base[name][0]) == 0 {
			t.Fatalf("%s has no signals to compare with", name)
		}
	}
	sw.mu.Lock()
	sw.baseline = base
	sw.mu.Unlock()
}

// injected notes a new fault; an earlier one on the same device that has
// not recovered yet is interrupted, not counted as recovered or not.
func (sw *sweepWatch) injected(e *episode) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if prev := sw.open[e.dev.name]; prev != nil {
		prev.interrupted = true
		delete(sw.open, e.dev.name)
	}
}

func (sw *sweepWatch) cleared(e *episode) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	sw.open[e.dev.name] = e
}

// report fails on wrong values, lasting contradictions and devices that
// never recovered, and logs the figures of the sweep.
func (sw *sweepWatch) report(t *testing.T, episodes []*episode, dur time.Duration) {
	sw.mu.Lock()
	defer sw.mu.Unlock()
	byFault := map[string]int{}
	var lat []time.Duration
	within1, within2 := 0, 0
	interrupted := 0
	worst := map[string]time.Duration{} // by transport and fault kind
	for _, e := range episodes {
		kind := e.dev.transport + " " + strings.Fields(e.fault)[0]
		byFault[kind]++
		if e.interrupted {
			interrupted++
			continue
		}
		if e.recoveredAt.IsZero() {
			t.Errorf("%s did not recover after %q ended", e.dev.name, e.fault)
			continue
		}
		l := e.recoveredAt.Sub(e.end)
		lat = append(lat, l)
		worst[kind] = max(worst[kind], l)
		if l <= time.Second+sweepSample {
			within1++
		}
		if l <= 2*time.Second+sweepSample {
			within2++
		}
	}
	slices.Sort(lat)
	t.Logf("%d fault episodes over %v, %d status samples of %d chargers", len(episodes), dur, sw.samples, len(sw.devs))
	kinds := make([]string, 0, len(byFault))
	for k, n := range byFault {
		kinds = append(kinds, fmt.Sprintf("%s:%d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("faults by transport and kind: %s", strings.Join(kinds, " "))
	if len(lat) > 0 {
		t.Logf("recovery after a fault ended (poll interval 1s, sampled every %v): median %v, p90 %v, max %v; "+
			"%d of %d within one poll interval, %d within two (%d more were followed by another fault first)",
			sweepSample, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)*9/10].Round(time.Millisecond),
			lat[len(lat)-1].Round(time.Millisecond), within1, len(lat), within2, interrupted)
	}
	slow := make([]string, 0, len(worst))
	for k, l := range worst {
		slow = append(slow, fmt.Sprintf("%s:%v", k, l.Round(100*time.Millisecond)))
	}
	sort.Strings(slow)
	t.Logf("longest recovery by transport and fault (a request in flight when the fault ends still waits its timeout "+
		"and retries: 1 s TCP, 3×0.5 s RTU plus the late-reply guard, 3×2 s ECHONET Lite): %s", strings.Join(slow, " "))
	t.Logf("values reported as current that the device did not serve: %d", sw.wrongN)
	for _, w := range sw.wrong {
		t.Errorf("wrong value reported as valid: %s", w)
	}
	t.Logf("connector status lagging its signals for under %v: %d times; for longer: %d", contradictionGrace, sw.transient, len(sw.lasting))
	for _, c := range sw.lasting {
		t.Errorf("status contradicts the signals: %s", c)
	}
	for _, name := range slices.Sorted(maps.Keys(sw.devs)) {
		d := sw.devs[name]
		if d.keepAlive == 0 {
			continue
		}
		n, err := d.writesTo(d.keepAliveAddr)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		up := sw.upTime[name]
		want := int(up / d.keepAlive)
		t.Logf("keepAlive of %s (%s every %v): %d writes to %d at the peer over %v reachable (%d periods)",
			name, d.template, d.keepAlive, n, d.keepAliveAddr, up.Round(time.Second), want)
		if want >= 2 && n < want/2 {
			t.Errorf("%s: %d keepAlive writes in %d periods", name, n, want)
		}
	}
}
