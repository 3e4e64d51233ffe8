package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// The session flows of issue 9, end to end: gwsim's KEBA P30 chargers and
// gwd run as processes, and each flow runs against both CSMS peers,
// the strict ocpp-rpc server and the ocpp-go CSMS. Every flow has its own
// simulated charger and OCPP station, so all run at once on one gwd and
// one gwsim; a flow that makes its CSMS answer TransactionEvents wrongly
// (faults apply to every station of a CSMS) gets a CSMS of its own.

// sessionFlow is one flow, run once per peer.
type sessionFlow struct {
	name    string
	run     func(t *testing.T, f *flowEnv)
	ownCSMS bool
}

var sessionFlows = []sessionFlow{
	{name: "cable-then-remote-start", run: flowCableThenRemoteStart},
	{name: "remote-start-then-cable", run: flowRemoteStartThenCable},
	{name: "authorize-remote-start", run: flowAuthorizeRemoteStart},
	{name: "ev-connection-timeout", run: flowEVConnectionTimeout},
	{name: "remote-stop", run: flowRemoteStop},
	{name: "invalid-id-token", run: flowInvalidIDToken},
	{name: "invalid-id-token-kept", run: flowInvalidIDTokenKept},
	{name: "suspended-ev", run: flowSuspendedEV},
	{name: "ev-side-disconnect", run: flowEVSideDisconnect},
	{name: "periodic-meter-values", run: flowPeriodicMeterValues},
	{name: "clock-aligned", run: flowClockAligned},
	{name: "status-while-queued", run: flowStatusWhileQueued, ownCSMS: true},
	{name: "bad-input", run: flowBadInput},
	{name: "garbage-answer", run: flowGarbageAnswer, ownCSMS: true},
}

// flowPeerKind starts one kind of peer; a nil peer and a reason mean it
// cannot run here.
type flowPeerKind struct {
	name  string
	start func(t *testing.T) (flowPeer, string)
}

var flowPeers = []flowPeerKind{
	{"strict", flowStartStrict},
	{"ocppgo", func(t *testing.T) (flowPeer, string) { return flowStartGo(t), "" }},
}

// flowEnv is what one flow runs on: its charger in gwsim and gwd, its
// station and its CSMS.
type flowEnv struct {
	peer    flowPeer
	d       *daemon
	sim     *gwsimProc
	schemas *ocaschema.Validator
	device  string // gwsim's name of the simulated charger
	charger string // the Charger resource
	station string
}

// TestSessionFlows runs every session flow against every peer, each on a
// station of its own, and checks after each what any flow must leave
// behind (flowEnv.check).
func TestSessionFlows(t *testing.T) { runFlows(t, sessionFlows) }

// runFlows runs flows against every peer on one gwsim and one gwd, each
// flow on a charger and station of its own, all at once.
func runFlows(t *testing.T, flows []sessionFlow) {
	_, envs, skipped := startFlows(t, flows)
	// Every flow runs at once, each subtest from its own goroutine: they
	// mostly wait for the devices, the CSMS and timers, and t.Parallel
	// would let only -parallel (GOMAXPROCS) of them run at a time.
	flowConcurrently(flowPeers, func(p flowPeerKind) {
		t.Run(p.name, func(t *testing.T) {
			if why, ok := skipped[p.name]; ok {
				t.Skip(why)
			}
			flowConcurrently(flows, func(fl sessionFlow) {
				f := envs[p.name+"-"+fl.name]
				t.Run(fl.name, func(t *testing.T) {
					f.ready(t)
					fl.run(t, f)
					f.check(t)
				})
			})
		})
	})
}

// startFlows starts one gwsim and one gwd and applies a charger and
// station per flow and peer, named peer-flow; a peer that cannot run here
// is in skipped with the reason.
func startFlows(t *testing.T, flows []sessionFlow) (*daemon, map[string]*flowEnv, map[string]string) {
	schemas := ocaschema.Need(t)
	sim := flowStartGwsim(t, len(flowPeers)*len(flows))
	d := startGwd(t, t.TempDir())
	site := []string{exampleTemplates(t)}
	envs := map[string]*flowEnv{}
	skipped := map[string]string{}
	next := 0
	for _, p := range flowPeers {
		shared, why := p.start(t)
		if shared == nil {
			skipped[p.name] = why
			continue
		}
		site = append(site, flowCSMSDoc("csms-"+p.name, shared))
		for _, fl := range flows {
			peer, ref := shared, "csms-"+p.name
			if fl.ownCSMS {
				peer, _ = p.start(t)
				ref += "-" + fl.name
				site = append(site, flowCSMSDoc(ref, peer))
			}
			dev := sim.devices[next]
			next++
			f := &flowEnv{peer: peer, d: d, sim: sim, schemas: schemas, device: dev.name,
				charger: p.name + "-" + fl.name, station: strings.ToUpper(p.name + "-" + fl.name)}
			envs[f.charger] = f
			site = append(site, flowChargerDoc(t, f, dev, ref))
		}
	}
	if out, errOut, code := d.gwctl(t, strings.NewReader(strings.Join(site, "\n---\n")), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	return d, envs, skipped
}

// flowConcurrently calls run for every item at once and waits for all.
func flowConcurrently[T any](items []T, run func(T)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { run(it) })
	}
	wg.Wait()
}

// flowStartGwsim runs n simulated KEBA P30 chargers on free ports. The
// KEBA template maps energyWh, powerW and the three phase currents, and
// holds and releases the charger through its enable register, which its
// keepAlive leaves alone. (The Alfen template's keepAlive rewrites the
// setpoint as last read, so a start or stop written since the last poll is
// undone: a bug reported to the lead, which made these flows flaky.)
func flowStartGwsim(t *testing.T, n int) *gwsimProc {
	t.Helper()
	g, err := runGwsim(t, fmt.Sprintf("keba-p30:%d", n), fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, n)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func flowChargerDoc(t *testing.T, f *flowEnv, dev simDevice, csmsRef string) string {
	t.Helper()
	return kebaChargerDoc(t, f.charger, dev, "1s", `    csmsRef: `+csmsRef+`
    stationId: `+f.station+`
    # The default for a template without a card reader, said outright.
    authorization: {mode: CSMS}
`)
}

// ready waits until the station is registered and has reported its
// connector Available, which it does once gwd has read the charger.
func (f *flowEnv) ready(t *testing.T) {
	t.Helper()
	fixture.Within(t, 30*time.Second, "the station's first StatusNotification Available", func() string {
		for _, c := range f.peer.calls(f.station) {
			if c.Action == "StatusNotification" && strings.Contains(string(c.Payload), `"connectorStatus":"Available"`) {
				return ""
			}
		}
		return fmt.Sprintf("%d CALLs so far", len(f.peer.calls(f.station)))
	})
}

// check is what every flow must leave behind: nothing queued, every
// TransactionEvent and MeterValues valid against the OCA schemas, no
// problem at the CSMS, and a clean ledger (no loss, no duplicate, one
// Started and one Ended per session).
func (f *flowEnv) check(t *testing.T) {
	t.Helper()
	fixture.Within(t, 30*time.Second, "an empty outbox (GetTransactionStatus)", func() string {
		res := f.call(t, "GetTransactionStatus", map[string]any{})
		if strings.Contains(string(res), `"messagesInQueue":true`) {
			return string(res)
		}
		return ""
	})
	for _, c := range f.peer.calls(f.station) {
		if c.Action != "TransactionEvent" && c.Action != "MeterValues" {
			continue
		}
		if err := f.schemas.ValidateRequest(c.Action, c.Payload); err != nil {
			t.Errorf("%s breaks the OCA schema: %v\n%s", c.Action, err, c.Payload)
		}
		// No flow breaks the connection, so nothing is sent as offline.
		if strings.Contains(string(c.Payload), `"offline":true`) {
			t.Errorf("%s sent offline while connected: %s", c.Action, c.Payload)
		}
	}
	if p := f.peer.problems(f.station); len(p) > 0 {
		t.Errorf("the CSMS found problems: %v", p)
	}
	if s := f.peer.ledger(f.station); !s.Clean() {
		t.Errorf("ledger: %s\nevents: %v", s, flowSummary(f.events()))
	}
}

// call sends a request the station must answer with a CALLRESULT.
func (f *flowEnv) call(t *testing.T, action string, payload any) json.RawMessage {
	t.Helper()
	res, code, err := f.try(t, action, payload)
	if err != nil || code != "" {
		t.Fatalf("%s %v: CALLERROR %q, error %v", action, payload, code, err)
	}
	return res
}

// try sends a request and returns the answer or the CALLERROR code.
func (f *flowEnv) try(t *testing.T, action string, payload any) (json.RawMessage, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return f.peer.call(ctx, f.station, action, payload)
}

// setVariable sets one device-model variable and expects it Accepted.
func (f *flowEnv) setVariable(t *testing.T, component, variable, instance, value string) {
	t.Helper()
	v := map[string]any{"name": variable}
	if instance != "" {
		v["instance"] = instance
	}
	res := f.call(t, "SetVariables", map[string]any{"setVariableData": []map[string]any{{
		"component": map[string]any{"name": component}, "variable": v, "attributeValue": value}}})
	if !strings.Contains(string(res), `"attributeStatus":"Accepted"`) {
		t.Fatalf("SetVariables %s.%s[%s]=%s: %s", component, variable, instance, value, res)
	}
}

// startAccepted sends a remote start that must be Accepted and returns
// the transactionId of the answer, "" when no session ran yet.
func (f *flowEnv) startAccepted(t *testing.T, token string, remoteStartID int) string {
	t.Helper()
	res := f.call(t, "RequestStartTransaction", map[string]any{"evseId": 1, "remoteStartId": remoteStartID,
		"idToken": map[string]any{"idToken": token, "type": "Central"}})
	var r struct {
		Status        string `json:"status"`
		TransactionID string `json:"transactionId"`
	}
	if err := json.Unmarshal(res, &r); err != nil || r.Status != "Accepted" {
		var seen []string
		for _, c := range f.peer.calls(f.station) {
			if c.Action == "StatusNotification" {
				seen = append(seen, string(c.Payload))
			}
		}
		t.Fatalf("RequestStartTransaction %s: %s, want Accepted; statuses sent: %v\n%s", token, res, seen, f.d.logs)
	}
	return r.TransactionID
}

// ctl runs `gwsim ctl CMD DEVICE ARGS...` on the flow's charger.
func (f *flowEnv) ctl(t *testing.T, cmd string, args ...string) {
	t.Helper()
	f.sim.ctl(t, append([]string{cmd, f.device}, args...)...)
}

// waitSignals waits until the charger's signals in gwd satisfy cond.
func (f *flowEnv) waitSignals(t *testing.T, what string, cond func(map[string]any) bool) {
	t.Helper()
	waitCharger(t, f.d, f.charger, what, func(st v1alpha1.ChargerStatus) bool { return cond(signalsOf(st)) })
}

// flowSimState is the simulated charger's state as gwsim's control API
// shows it: what the device did, whatever gwd reports.
type flowSimState struct {
	Paused, Charging bool
	PowerW           float64 `json:"powerW"`
	// SetpointA is the current limit last written to the device, LimitA
	// the one in force (the safe current once its watchdog expired).
	SetpointA float64 `json:"setpointA"`
	LimitA    float64 `json:"limitA"`
	CurrentA  float64 `json:"currentA"`
}

func (f *flowEnv) simState(t *testing.T) flowSimState {
	t.Helper()
	resp, err := http.Get(f.sim.control + "/devices/" + f.device)
	if err != nil {
		t.Fatalf("gwsim control API: %v", err)
	}
	defer resp.Body.Close()
	var v struct{ State flowSimState }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("gwsim device %s: HTTP %d, %v", f.device, resp.StatusCode, err)
	}
	return v.State
}

// waitSim waits until the simulated charger's state satisfies cond.
func (f *flowEnv) waitSim(t *testing.T, what string, cond func(flowSimState) bool) {
	t.Helper()
	fixture.Within(t, 30*time.Second, what+" at the device", func() string {
		if st := f.simState(t); !cond(st) {
			return fmt.Sprintf("%+v", st)
		}
		return ""
	})
}
