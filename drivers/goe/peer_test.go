package goe

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/internal/goepeer"
)

// These tests run the driver and the library template against goepeer, a
// go-e API v2 peer written from go-e's public documentation. The device is
// opened through the registry, as the charger controller opens it.

type peerCharger struct {
	peer    *goepeer.Peer
	dev     drivers.Device
	mapping *cel.Mapping
}

func startPeer(t *testing.T, o goepeer.Options, timeout string) *peerCharger {
	t.Helper()
	spec, m := libraryTemplate(t)
	p := goepeer.Start(t, o)
	set := drivers.NewSet(nil)
	t.Cleanup(func() { _ = set.Close() })
	conn := &Connection{URL: p.URL(), Timeout: v1alpha1.Duration(timeout)}
	dev, err := set.Open(context.Background(), drivers.Config{Charger: "wb", Read: spec.Read,
		Connection: v1alpha1.NewConnection(ConnectionKey, conn)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dev.Close() })
	return &peerCharger{peer: p, dev: dev, mapping: m}
}

// poll reads once and evaluates the template.
func (c *peerCharger) poll(t *testing.T) (*drivers.Reading, cel.Evaluation) {
	t.Helper()
	rd, err := c.dev.Read(context.Background())
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	ev := c.mapping.Evaluate(rd.Input)
	if len(ev.Errors) > 0 {
		t.Fatalf("mapping errors: %v", ev.Errors)
	}
	return rd, ev
}

func (c *peerCharger) command(name string, args cel.Args) error {
	ws, err := c.mapping.EvalCommand(name, nil, args)
	if err != nil {
		return err
	}
	return c.dev.Write(context.Background(), ws)
}

func TestPeerChargingSession(t *testing.T) {
	c := startPeer(t, goepeer.Options{MaxAmps: 32, Amp: 16, EnergyTotalWh: 5000}, "2s")
	_, ev := c.poll(t)
	if ev.Signals["evConnected"] != false || ev.Signals["charging"] != false || ev.Signals["energyWh"] != 5000.0 {
		t.Fatalf("no car: %v unknown %v", ev.Signals, ev.Unknown)
	}
	c.peer.Plug()
	_, ev = c.poll(t)
	if ev.Signals["charging"] != true || ev.Signals["currentA1"] != 16.0 || ev.Signals["powerW"] != c.peer.State().Power {
		t.Fatalf("plugged: %v", ev.Signals)
	}
	if err := c.command("setCurrentLimit", cel.Args{LimitA: 10.6}); err != nil {
		t.Fatal(err)
	}
	if st := c.peer.State(); st.Amp != 10 {
		t.Errorf("amp %d after setCurrentLimit 10.6", st.Amp)
	}
	if err := c.command("stop", cel.Args{}); err != nil {
		t.Fatal(err)
	}
	if _, ev = c.poll(t); ev.Signals["charging"] != false || ev.Signals["suspended"] != true {
		t.Errorf("stopped: %v", ev.Signals)
	}
	if err := c.command("start", cel.Args{LimitA: 10}); err != nil {
		t.Fatal(err)
	}
	if _, ev = c.poll(t); ev.Signals["charging"] != true || ev.Signals["currentLimitA"] != 10.0 {
		t.Errorf("started: %v", ev.Signals)
	}
	var sets []string
	for _, r := range c.peer.Requests() {
		if r.Path == "/api/set" {
			sets = append(sets, r.Query)
		}
	}
	if strings.Join(sets, " ") != "amp=10 frc=1 frc=2" {
		t.Errorf("sets %v", sets)
	}
}

// TestPeerRefusalIsNotDone: a value the charger refuses (amp above its
// ama, an injected refusal) is rejected, and the state stays.
func TestPeerRefusalIsNotDone(t *testing.T) {
	c := startPeer(t, goepeer.Options{MaxAmps: 16, Amp: 16}, "2s")
	err := c.command("setCurrentLimit", cel.Args{LimitA: 32})
	if !errors.Is(err, drivers.ErrRejected) || c.peer.State().Amp != 16 {
		t.Errorf("amp 32 on a 16 A unit: %v, amp %d", err, c.peer.State().Amp)
	}
	c.peer.SetFault(goepeer.Fault{Kind: goepeer.FaultRefuseSet, Path: "set", Count: 1})
	if err := c.command("setCurrentLimit", cel.Args{LimitA: 8}); !errors.Is(err, drivers.ErrRejected) || c.peer.State().Amp != 16 {
		t.Errorf("refused set: %v, amp %d", err, c.peer.State().Amp)
	}
	if err := c.command("setCurrentLimit", cel.Args{LimitA: 8}); err != nil || c.peer.State().Amp != 8 {
		t.Errorf("after the refusal: %v, amp %d", err, c.peer.State().Amp)
	}
}

// TestPeerMissingOrNullKeyIsUnknown: only the signals of the key that did
// not arrive go unknown, with the reason, and the read lists it.
func TestPeerMissingOrNullKeyIsUnknown(t *testing.T) {
	c := startPeer(t, goepeer.Options{}, "2s")
	c.peer.Plug()
	for _, f := range []goepeer.Fault{{Kind: goepeer.FaultMissingKey, Key: "car"}, {Kind: goepeer.FaultNullKey, Key: "car"}} {
		f.Path, f.Count = "status", 1
		c.peer.SetFault(f)
		rd, ev := c.poll(t)
		if _, ok := ev.Signals["charging"]; ok || !strings.Contains(ev.Unknown["charging"], `key "car"`) {
			t.Errorf("%s: charging %v, unknown %q", f.Kind, ev.Signals["charging"], ev.Unknown["charging"])
		}
		if _, ok := ev.Signals["powerW"]; !ok || len(rd.Failed) != 1 || rd.Failed[0].What != `key "car"` {
			t.Errorf("%s: powerW %v, failed %+v", f.Kind, ev.Signals["powerW"], rd.Failed)
		}
		if _, ev = c.poll(t); ev.Signals["charging"] != true {
			t.Errorf("%s: the next poll: %v", f.Kind, ev.Unknown)
		}
	}
}

// TestPeerFaults: every way the charger can fail a poll is either "did
// not answer" or a reading whose keys all failed, never values.
func TestPeerFaults(t *testing.T) {
	c := startPeer(t, goepeer.Options{}, "300ms")
	cases := []struct {
		fault goepeer.Fault
		want  error // the read's error; nil: a reading whose keys all failed with fail
		fail  error
	}{
		{goepeer.Fault{Kind: goepeer.FaultHang}, drivers.ErrTimeout, nil},
		{goepeer.Fault{Kind: goepeer.FaultReset, Count: 2}, drivers.ErrTimeout, nil},
		{goepeer.Fault{Kind: goepeer.FaultClose, Count: 2}, drivers.ErrTimeout, nil},
		{goepeer.Fault{Kind: goepeer.FaultHTTP500, Count: 1}, nil, drivers.ErrRejected},
		{goepeer.Fault{Kind: goepeer.FaultGarbage, Count: 1}, nil, drivers.ErrMalformed},
		{goepeer.Fault{Kind: goepeer.FaultTruncated, Count: 1}, nil, drivers.ErrMalformed},
	}
	for _, tc := range cases {
		tc.fault.Path = "status"
		c.peer.SetFault(tc.fault)
		rd, err := c.dev.Read(context.Background())
		c.peer.ClearFaults()
		switch {
		case tc.want != nil:
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.fault.Kind, err, tc.want)
			}
		case err != nil:
			t.Errorf("%s: %v, want a reading", tc.fault.Kind, err)
		default:
			if len(rd.Input.Data) != 0 || len(rd.Failed) != 6 || !errors.Is(rd.Failed[0].Err, tc.fail) {
				t.Errorf("%s: data %v, failed %d %v", tc.fault.Kind, rd.Input.Data, len(rd.Failed), rd.Failed[0].Err)
			}
		}
		if _, err := c.dev.Read(context.Background()); err != nil {
			t.Errorf("after %s: %v", tc.fault.Kind, err)
		}
	}
	c.peer.SetFault(goepeer.Fault{Kind: goepeer.FaultHang, Path: "set"})
	err := c.command("stop", cel.Args{})
	c.peer.ClearFaults()
	if !errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("a set without answer: %v", err)
	}
}

// TestPeerUnknownFilterKey: a key the firmware lacks is answered 400 with
// the other keys; only its signals are unknown.
func TestPeerUnknownFilterKey(t *testing.T) {
	c := startPeer(t, goepeer.Options{}, "2s")
	tpl := c.mapping
	set := drivers.NewSet(nil)
	defer set.Close()
	read := &v1alpha1.TemplateRead{Sections: map[string]v1alpha1.ReadSpec{Protocol: &Read{Keys: []string{"car", "zzz"}, Optional: []string{"zzz"}}}}
	dev, err := set.Open(context.Background(), drivers.Config{Read: read,
		Connection: v1alpha1.NewConnection(ConnectionKey, &Connection{URL: c.peer.URL(), Timeout: "2s"})})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := dev.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rd.Input.Data["car"] != 1.0 || len(rd.Failed) != 1 || !rd.Failed[0].Optional || rd.Input.DataAbsent["zzz"] != "not in the answer" {
		t.Errorf("data %v, failed %+v", rd.Input.Data, rd.Failed)
	}
	if ev := tpl.Evaluate(rd.Input); ev.Signals["evConnected"] != false {
		t.Errorf("evConnected: %v %v", ev.Signals, ev.Unknown)
	}
}
