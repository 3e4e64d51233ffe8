package main

// The site of the crash-safety tests of issue 9: simulated KEBA P30
// chargers in gwsim, each a Charger in gwd whose station starts a session
// at plug-in with a fleet token (AutoStart) and reports it to the strict
// ocpp-rpc CSMS every second. The tests plug and unplug the EVs
// through gwsim's control API and note gwsim's lifetime energy at each
// plug-in and unplug: the meter values the CSMS receives are checked
// against them. The KEBA template maps energyWh (0.1 Wh register) and holds
// and releases the charger through its enable register.

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// crashPassword is the Basic-auth password every station sends (the one
// secretDoc writes); an outage makes the CSMS expect another one.
const crashPassword = "x"

// crashEnv is one CSMS, one gwsim and the gwd data dir they share across
// restarts of gwd.
type crashEnv struct {
	cs       *strictcsms.CSMS
	sim      *gwsimProc
	dataDir  string
	chargers []*crashCharger
}

// crashCharger is one simulated charger, its Charger and its station, with
// every plug-in the test made.
type crashCharger struct {
	device, name, station string

	mu    sync.Mutex
	plugs []crashPlug
}

// crashPlug is one EV plugged in, with gwsim's lifetime energy register
// (Wh) when it was plugged in and, once it left, when it was unplugged.
type crashPlug struct {
	at            time.Time
	atWh, untilWh float64
	open          bool
}

// crashStart starts the strict CSMS, gwsim with n KEBA P30 chargers and
// gwd, and applies the site; gwd is left running.
func crashStart(t *testing.T, n int) (*crashEnv, *daemon) {
	t.Helper()
	cs := startStrictCSMS(t)
	g, err := runGwsim(t, fmt.Sprintf("keba-p30:%d", n), fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, n)
	if err != nil {
		t.Fatal(err)
	}
	e := &crashEnv{cs: cs, sim: g, dataDir: t.TempDir()}
	docs := []string{exampleTemplates(t), secretDoc("crash-pw"), crashCSMSDoc(cs.URL)}
	for i, dev := range g.devices {
		c := &crashCharger{device: dev.name, name: fmt.Sprintf("crash-%d", i+1), station: fmt.Sprintf("CRASH-%d", i+1)}
		e.chargers = append(e.chargers, c)
		docs = append(docs, crashChargerDoc(t, c, dev))
	}
	d := startGwd(t, e.dataDir)
	if out, errOut, code := d.gwctl(t, strings.NewReader(strings.Join(docs, "\n---\n")), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	return e, d
}

// startStrictCSMS starts the strict ocpp-rpc CSMS for the test; without
// node it skips, unless in CI.
func startStrictCSMS(t *testing.T) *strictcsms.CSMS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cs, err := strictcsms.Start(ctx)
	if err != nil {
		if os.Getenv("CI") == "" && err == strictcsms.ErrNoNode {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(cs.Stop)
	return cs
}

func crashCSMSDoc(url string) string {
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: crash-csms}
spec:
  url: %s
  securityProfile: 1
  basicAuthPasswordSecretRef: {name: crash-pw}
  retryBackOff: {waitMinimum: 1s, randomRange: 1s, repeatTimes: 1}
`, url)
}

// crashChargerDoc is an AutoStart Charger with a one-second
// TxUpdatedInterval, so that events keep flowing.
func crashChargerDoc(t *testing.T, c *crashCharger, dev simDevice) string {
	t.Helper()
	return kebaChargerDoc(t, c.name, dev, "500ms", `    csmsRef: crash-csms
    stationId: `+c.station+`
    authorization:
      mode: AutoStart
      idToken: {idToken: FLEET-1, type: Central}
    variables:
      - {component: SampledDataCtrlr, variable: TxUpdatedInterval, value: "1"}
`)
}

// crashSimEnergy posts a plug or unplug to gwsim's control API and returns
// the lifetime energy register it answers with, taken right after.
func (e *crashEnv) crashSimEnergy(device, action string) (float64, error) {
	resp, err := http.Post(e.sim.control+"/devices/"+device+"/"+action, "", nil)
	if err != nil {
		return 0, fmt.Errorf("gwsim %s %s: %w", action, device, err)
	}
	defer resp.Body.Close()
	var v struct {
		State struct {
			EnergyWh float64 `json:"energyWh"`
		} `json:"state"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("gwsim %s %s: HTTP %d, %v", action, device, resp.StatusCode, err)
	}
	return v.State.EnergyWh, nil
}

// plug plugs an EV into c and notes the register.
func (e *crashEnv) plug(c *crashCharger) error {
	return e.crashMove(c, "plug", func(wh float64) {
		c.plugs = append(c.plugs, crashPlug{at: time.Now(), atWh: wh, open: true})
	})
}

// unplug makes c's EV leave and notes the register.
func (e *crashEnv) unplug(c *crashCharger) error {
	return e.crashMove(c, "unplug", func(wh float64) {
		p := &c.plugs[len(c.plugs)-1]
		p.untilWh, p.open = wh, false
	})
}

// crashMove runs a gwsim plug or unplug on c and notes its register with
// note, under c's lock.
func (e *crashEnv) crashMove(c *crashCharger, action string, note func(wh float64)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	wh, err := e.crashSimEnergy(c.device, action)
	if err == nil {
		note(wh)
	}
	return err
}

// crashTally is what the CSMS received from one station: the
// transactions with a Started and with an Ended event.
type crashTally struct{ started, ended map[string]bool }

// tallies counts, per station, the transactions the CSMS saw start and end.
func (e *crashEnv) tallies() map[string]crashTally {
	out := map[string]crashTally{}
	for _, c := range e.chargers {
		out[c.station] = crashTally{started: map[string]bool{}, ended: map[string]bool{}}
	}
	for _, ev := range e.cs.Events() {
		tl, ok := out[ev.Identity]
		if ev.Ev != "call" || ev.Method != "TransactionEvent" || !ok {
			continue
		}
		var p struct {
			EventType       string `json:"eventType"`
			TransactionInfo struct {
				TransactionID string `json:"transactionId"`
			} `json:"transactionInfo"`
		}
		if json.Unmarshal(ev.Payload(), &p) != nil {
			continue
		}
		switch p.EventType {
		case "Started":
			tl.started[p.TransactionInfo.TransactionID] = true
		case "Ended":
			tl.ended[p.TransactionInfo.TransactionID] = true
		}
	}
	return out
}

// crashStep plugs in or unplugs one charger chosen at random, but only once
// the CSMS has what the last change caused: an EV leaves only after its
// session's Started arrived and it charged for at least minHold, and a new
// one comes only after the last session's Ended arrived. So every plug-in
// is seen by gwd, whether or not gwd is running when it happens.
func (e *crashEnv) crashStep(tallies map[string]crashTally, minHold time.Duration) error {
	c := e.chargers[rand.IntN(len(e.chargers))]
	c.mu.Lock()
	n := len(c.plugs)
	open := n > 0 && c.plugs[n-1].open
	held := n > 0 && time.Since(c.plugs[n-1].at) >= minHold
	c.mu.Unlock()
	tl := tallies[c.station]
	switch {
	case open && held && len(tl.started) >= n:
		return e.unplug(c)
	case !open && len(tl.ended) >= n:
		return e.plug(c)
	}
	return nil
}

// plugAll plugs every EV in and waits until each session's Started reached
// the CSMS.
func (e *crashEnv) plugAll(t *testing.T) {
	t.Helper()
	for _, c := range e.chargers {
		if err := e.plug(c); err != nil {
			t.Fatal(err)
		}
	}
	e.waitTallies(t, "every session Started at the CSMS", func(c *crashCharger, n int, tl crashTally) bool { return len(tl.started) >= n })
}

// unplugAll waits until the session of every EV still plugged in has
// started at the CSMS, unplugs them, and waits until every session's
// Ended reached the CSMS.
func (e *crashEnv) unplugAll(t *testing.T) {
	t.Helper()
	e.waitTallies(t, "every open session Started at the CSMS", func(c *crashCharger, n int, tl crashTally) bool { return len(tl.started) >= n })
	for _, c := range e.chargers {
		c.mu.Lock()
		open := len(c.plugs) > 0 && c.plugs[len(c.plugs)-1].open
		c.mu.Unlock()
		if open {
			if err := e.unplug(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.waitTallies(t, "every session Ended at the CSMS", func(c *crashCharger, n int, tl crashTally) bool { return len(tl.ended) >= n })
}

// waitTallies polls the CSMS until ok holds for every charger, given the
// number of plug-ins it had.
func (e *crashEnv) waitTallies(t *testing.T, what string, ok func(c *crashCharger, plugs int, tl crashTally) bool) {
	t.Helper()
	fixture.Within(t, 90*time.Second, what, func() string {
		tallies, missing := e.tallies(), []string{}
		for _, c := range e.chargers {
			c.mu.Lock()
			n := len(c.plugs)
			c.mu.Unlock()
			if tl := tallies[c.station]; !ok(c, n, tl) {
				missing = append(missing, fmt.Sprintf("%s (%d plug-ins, %d started, %d ended)", c.station, n, len(tl.started), len(tl.ended)))
			}
		}
		if len(missing) > 0 {
			return fmt.Sprint(missing)
		}
		return ""
	})
}

// waitDrained waits until gwd holds want Transactions, every one Ended
// with an empty outbox, and returns them.
func (e *crashEnv) waitDrained(t *testing.T, d *daemon, want int) []v1alpha1.Transaction {
	t.Helper()
	var txs []v1alpha1.Transaction
	fixture.Within(t, 90*time.Second, "gwd's sessions to drain", func() string {
		txs = crashTransactions(t, d)
		if len(txs) != want {
			return fmt.Sprintf("%d Transactions, want %d", len(txs), want)
		}
		for _, tx := range txs {
			if tx.Status.State != v1alpha1.TransactionEnded || len(tx.Status.Outbox) > 0 {
				return fmt.Sprintf("%s: %s, %d queued", tx.Spec.TransactionID, tx.Status.State, len(tx.Status.Outbox))
			}
		}
		return ""
	})
	return txs
}

func crashTransactions(t *testing.T, d *daemon) []v1alpha1.Transaction {
	t.Helper()
	txs, err := crashListTransactions(d)
	if err != nil {
		t.Fatal(err)
	}
	return txs
}

// crashListTransactions reads every Transaction from gwd.
func crashListTransactions(d *daemon) ([]v1alpha1.Transaction, error) {
	c := d.tryClient()
	if c == nil {
		return nil, fmt.Errorf("gwd has no client config")
	}
	l, err := c.List(context.Background(), "Transaction", "")
	if err != nil {
		return nil, err
	}
	var out []v1alpha1.Transaction
	for _, o := range l.Items {
		tx := v1alpha1.Transaction{Metadata: o.Metadata}
		if err := json.Unmarshal(o.Spec, &tx.Spec); err != nil {
			return nil, fmt.Errorf("Transaction %s: %w", o.Metadata.Name, err)
		}
		if len(o.Status) > 0 {
			if err := json.Unmarshal(o.Status, &tx.Status); err != nil {
				return nil, fmt.Errorf("Transaction %s: %w", o.Metadata.Name, err)
			}
		}
		out = append(out, tx)
	}
	return out, nil
}

// gwdTallies counts, per station, the sessions gwd has started and ended,
// whether or not the CSMS has them yet.
func (e *crashEnv) gwdTallies(d *daemon) (map[string]crashTally, error) {
	txs, err := crashListTransactions(d)
	if err != nil {
		return nil, err
	}
	out := map[string]crashTally{}
	for _, c := range e.chargers {
		tl := crashTally{started: map[string]bool{}, ended: map[string]bool{}}
		for _, tx := range txs {
			if tx.Spec.ChargerRef != c.name {
				continue
			}
			tl.started[tx.Spec.TransactionID] = true
			if tx.Status.State == v1alpha1.TransactionEnded {
				tl.ended[tx.Spec.TransactionID] = true
			}
		}
		out[c.station] = tl
	}
	return out, nil
}

// plugCount is how many plug-ins the test made, over every charger.
func (e *crashEnv) plugCount() int {
	n := 0
	for _, c := range e.chargers {
		c.mu.Lock()
		n += len(c.plugs)
		c.mu.Unlock()
	}
	return n
}

// crashEnvDuration reads a duration knob, def when unset.
func crashEnvDuration(t *testing.T, name string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		t.Fatalf("%s=%q: want a positive duration such as 10m", name, v)
	}
	return d
}
