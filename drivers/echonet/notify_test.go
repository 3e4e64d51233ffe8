package echonet

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

func waitNotification(t *testing.T, ch <-chan Notification, epc byte) Notification {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case n, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed")
			}
			if _, has := Lookup(n.Frame.Props, epc); has {
				return n
			}
		case <-deadline:
			t.Fatalf("no notification of EPC 0x%02X", epc)
		}
	}
}

func TestINFAfterSetC(t *testing.T) {
	c := newTestClient(t, Config{})
	r := newTestResponder(t, c.LocalAddr(), nil)
	ch, cancel := c.Subscribe(8)
	defer cancel()
	if err := c.SetC(context.Background(), r.Addr(), evse, Property{EPC: 0xDA, EDT: []byte{0x47}}); err != nil {
		t.Fatal(err)
	}
	n := waitNotification(t, ch, 0xDA)
	if v, _ := Lookup(n.Frame.Props, 0xDA); n.Frame.ESV != Inf || n.Frame.SEOJ != evse || !bytes.Equal(v, []byte{0x47}) {
		t.Fatalf("notification %v", n.Frame)
	}
	// A device-side change (vehicle unplugged) is announced too.
	if err := r.Update(evse, 0xC7, []byte{0x30}); err != nil {
		t.Fatal(err)
	}
	waitNotification(t, ch, 0xC7)
}

func TestINFCIsAnswered(t *testing.T) {
	peer := newRawPeer(t, "127.0.0.1")
	c := newTestClient(t, Config{DevicePort: peer.addr().Port()})
	ch, cancel := c.Subscribe(1)
	defer cancel()
	infc := &Frame{TID: 77, SEOJ: evse, DEOJ: Controller, ESV: InfC, Props: []Property{{EPC: 0x88, EDT: []byte{0x41}}}}
	peer.send(c.LocalAddr(), infc)
	waitNotification(t, ch, 0x88)
	res, _ := peer.recv()
	if res.ESV != InfCRes || res.TID != 77 || res.SEOJ != Controller || res.DEOJ != evse ||
		len(res.Props) != 1 || res.Props[0].EPC != 0x88 || len(res.Props[0].EDT) != 0 {
		t.Fatalf("INFC answer = %v", res)
	}
}

func TestDiscoverLoopback(t *testing.T) {
	r := newTestResponder(t, netip.MustParseAddrPort("127.0.0.1:9"), nil)
	c := newTestClient(t, Config{Group: r.Addr().String(), DiscoverWindow: 500 * time.Millisecond})
	nodes, err := c.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) != 1 || nodes[0].Addr != r.Addr().Addr() || len(nodes[0].Instances) != 1 || nodes[0].Instances[0] != evse {
		t.Fatalf("nodes = %+v", nodes)
	}
}

// A node that announces itself (INF of 0xD5, its own TID) during the window
// is found even though it never answers the Get.
func TestDiscoverTakesAnnouncements(t *testing.T) {
	peer := newRawPeer(t, "127.0.0.1")
	c := newTestClient(t, Config{Group: peer.addr().String(), DiscoverWindow: 2 * time.Second})
	go func() {
		req, from := peer.recv()
		inst, _ := EncodeInstanceList([]EOJ{NewEOJ(0x027E, 1)})
		peer.send(from, &Frame{TID: req.TID + 100, SEOJ: NodeProfile, DEOJ: NodeProfile, ESV: Inf,
			Props: []Property{{EPC: EPCInstanceListNotification, EDT: inst}}})
	}()
	nodes, err := c.Discover(context.Background())
	if err != nil || len(nodes) != 1 || nodes[0].Instances[0] != NewEOJ(0x027E, 1) {
		t.Fatalf("Discover = %+v, %v", nodes, err)
	}
}

func TestCloseFailsWaitingCalls(t *testing.T) {
	c := newTestClient(t, Config{Timeout: time.Minute})
	silent := newRawPeer(t, "127.0.0.1")
	ch, _ := c.Subscribe(1)
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), silent.addr(), evse, 0x80)
		done <- err
	}()
	silent.recv() // the request is out, the caller is waiting
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("waiting Get returned %v, want ErrClosed", err)
	}
	select {
	case <-c.done:
	default:
		t.Fatal("reader goroutine still running after Close")
	}
	if _, ok := <-ch; ok {
		t.Fatal("subscription channel not closed")
	}
	if _, err := c.Get(context.Background(), silent.addr(), evse, 0x80); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	c := newTestClient(t, Config{Timeout: time.Minute})
	silent := newRawPeer(t, "127.0.0.1")
	ctx, cancel := context.WithCancel(context.Background())
	go func() { silent.recv(); cancel() }()
	if _, err := c.Get(ctx, silent.addr(), evse, 0x80); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// SetGet and INF_REQ are answered by the Responder with both blocks / an INF.
func TestResponderSetGetAndInfReq(t *testing.T) {
	c := newTestClient(t, Config{})
	r := newTestResponder(t, c.LocalAddr(), nil)
	req := &Frame{SEOJ: Controller, DEOJ: evse, ESV: SetGet,
		Props: []Property{{EPC: 0xED, EDT: []byte{0, 60}}}, GetProps: []Property{{EPC: 0xED}, {EPC: 0xE4}}}
	res, _, err := c.request(context.Background(), r.Addr(), req, SetGetRes, SetGetSNA)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := Lookup(res.GetProps, 0xED); res.ESV != SetGetRes || len(res.Props) != 1 || !bytes.Equal(v, []byte{0, 60}) {
		t.Fatalf("SetGet answer %v", res)
	}
	got, err := c.InfReq(context.Background(), r.Addr(), evse, 0x80)
	if err != nil || len(got) != 1 || !bytes.Equal(got[0].EDT, []byte{0x30}) {
		t.Fatalf("INF_REQ = %v, %v", got, err)
	}
	_, err = c.InfReq(context.Background(), r.Addr(), evse, 0xF1)
	var sna *SNAError
	if !errors.As(err, &sna) || sna.ESV != InfSNA || !sna.Refuses(0xF1) {
		t.Fatalf("INF_REQ of absent EPC: %v", err)
	}
	// Node profile: both 0EF000 and 0EF001 reach it; D6 lists the object.
	props, err := c.Get(context.Background(), r.Addr(), NewEOJ(0x0EF0, 0), EPCSelfNodeInstanceList, 0xD3)
	if err != nil || !bytes.Equal(props[0].EDT, []byte{1, 0x02, 0xA1, 0x01}) || !bytes.Equal(props[1].EDT, []byte{0, 0, 1}) {
		t.Fatalf("node profile Get = %v, %v", props, err)
	}
}
