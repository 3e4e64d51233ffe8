package sim

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// newELPair serves objs and returns a client whose tries (3) wait timeout.
func newELPair(t *testing.T, timeout time.Duration, objs ...*ELCharger) (*ELNode, *echonet.Client) {
	t.Helper()
	cl, err := echonet.NewClient(echonet.Config{ListenAddr: "127.0.0.1:0", Group: "127.0.0.1:9", Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	node, err := ServeEL(echonet.ResponderConfig{ListenAddr: "127.0.0.1:0", Group: cl.LocalAddr().String()}, objs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	return node, cl
}

// TestELChargerAnnouncesPlugIn: a vehicle plugging in changes 0xC7, which
// the node announces (INF) once synced, and the vehicle's SoC (0xE4) turns
// from Get_SNA into a value.
func TestELChargerAnnouncesPlugIn(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 1, VoltageV: 200}, t0)
	ev := NewELCharger(c, ClassEVCharger, 1)
	node, cl := newELPair(t, 5*time.Second, ev)
	ctx := context.Background()
	_, err := cl.Get(ctx, node.R.Addr(), ev.EOJ, 0xC7, 0xE4)
	var sna *echonet.SNAError
	if !errors.As(err, &sna) || !sna.Refuses(0xE4) {
		t.Fatalf("0xE4 without a vehicle: %v, want Get_SNA refusing it", err)
	}
	notes, cancel := cl.Subscribe(8)
	defer cancel()
	c.Plug(true)
	c.Step(t0.Add(time.Second))
	if err := node.Sync(); err != nil {
		t.Fatal(err)
	}
	for n := range notes {
		if v, ok := echonet.Lookup(n.Frame.Props, 0xC7); ok && n.Frame.SEOJ == ev.EOJ {
			if !bytes.Equal(v, []byte{0x41}) {
				t.Fatalf("INF 0xC7 = % X, want 41 (connected, chargeable)", v)
			}
			break
		}
	}
	props, err := cl.Get(ctx, node.R.Addr(), ev.EOJ, 0xE4, 0xD3)
	if err != nil {
		t.Fatal(err)
	}
	if props[0].EDT[0] != 20 || !bytes.Equal(props[1].EDT, []byte{0, 0, 0x19, 0x00}) {
		t.Errorf("SoC % X, power % X; want 20 %% and 6400 W (32 A x 200 V)", props[0].EDT, props[1].EDT)
	}
}

// TestELChargerSets: SetC of 0xDA/0xED/0x80 acts on the charger, and an
// undefined operation mode is refused with SetC_SNA.
func TestELChargerSets(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 1}, t0)
	v2h := NewELCharger(c, ClassV2H, 2)
	// Short tries: the last request goes to a silent device, which never answers.
	node, cl := newELPair(t, 300*time.Millisecond, NewELCharger(NewCharger(Config{}, t0), ClassV2H, 1), v2h)
	ctx := context.Background()
	to := node.R.Addr()
	if err := cl.SetC(ctx, to, v2h.EOJ, echonet.Property{EPC: 0xDA, EDT: []byte{0x44}},
		echonet.Property{EPC: 0xED, EDT: []byte{0, 100}}); err != nil {
		t.Fatal(err)
	}
	if s := c.Snapshot(); !s.Paused || s.SetpointA != 10 || v2h.Mode() != 0x44 {
		t.Fatalf("after standby and 10.0 A: %+v mode %#x", s, v2h.Mode())
	}
	err := cl.SetC(ctx, to, v2h.EOJ, echonet.Property{EPC: 0xDA, EDT: []byte{0x99}})
	var sna *echonet.SNAError
	if !errors.As(err, &sna) || !sna.Refuses(0xDA) || v2h.Mode() != 0x44 {
		t.Fatalf("mode 0x99: %v, mode %#x", err, v2h.Mode())
	}
	if err := cl.SetC(ctx, to, v2h.EOJ, echonet.Property{EPC: 0x80, EDT: []byte{0x31}}); err != nil || c.Snapshot().Available {
		t.Fatalf("operation status OFF: %v, available %v", err, c.Snapshot().Available)
	}
	c.SetFault(FaultSilent)
	if _, err := cl.Get(ctx, to, v2h.EOJ, 0x80); !errors.Is(err, echonet.ErrTimeout) {
		t.Fatalf("silent device answered: %v", err)
	}
}
