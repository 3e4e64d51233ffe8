//go:build linux

package echonet

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// TestAgainstEchonetLitePeer runs the client against the npm echonet-lite
// package playing an EV charger in its own network namespace.
func TestAgainstEchonetLitePeer(t *testing.T) {
	_ = prepareNetnsPeer(t)
	c := newNetnsClient(t, Config{Timeout: 3 * time.Second, DiscoverWindow: 3 * time.Second})
	peer := netip.MustParseAddrPort(addrPeer + ":3610")

	t.Run("discovery finds the node, 02A101 and 027E01", func(t *testing.T) {
		nodes, err := c.Discover(withTimeout(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(nodes) != 1 || nodes[0].Addr != peer.Addr() || len(nodes[0].Instances) != 2 ||
			nodes[0].Instances[0] != evse || nodes[0].Instances[1] != v2h {
			t.Fatalf("nodes = %+v, want %v with %v and %v", nodes, peer.Addr(), evse, v2h)
		}
		// The kernel loops our multicast Get back to us on the veth.
		if s := c.Stats(); s.EchoesDropped < 1 {
			t.Fatalf("stats %+v: own multicast echo not seen and dropped", s)
		}
	})

	t.Run("node profile maps in list form", func(t *testing.T) {
		props, err := c.Get(withTimeout(t), peer, NodeProfile, EPCGetMap, 0xD3)
		if err != nil {
			t.Fatal(err)
		}
		m, err := DecodePropertyMap(props[0].EDT)
		if err != nil || len(m.EPCs) >= 16 || !m.Has(0xD6) || !bytes.Equal(props[1].EDT, []byte{0, 0, 2}) {
			t.Fatalf("node profile Get map %X -> %+v, %v; D3 %X", props[0].EDT, m, err, props[1].EDT)
		}
	})

	t.Run("Get several EPCs and the bitmap Get map", func(t *testing.T) {
		props, err := c.Get(withTimeout(t), peer, evse, 0x80, 0xC7, 0xD8, 0xDA, EPCGetMap, EPCSetMap, EPCInfMap)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(props[2].EDT, []byte{0x00, 0x01, 0xE2, 0x40}) || props[1].EDT[0] != 0x41 {
			t.Fatalf("values %v", props)
		}
		get, err := DecodePropertyMap(props[4].EDT)
		if err != nil || len(props[4].EDT) != 17 || len(get.EPCs) != 22 || !get.Consistent() {
			t.Fatalf("Get map %X -> %+v, %v; want the 22-EPC bitmap", props[4].EDT, get, err)
		}
		for _, e := range []byte{0x80, 0x8A, 0x9F, 0xC5, 0xC8, 0xCA, 0xDA, 0xE4, 0xEB, 0xED} {
			if !get.Has(e) {
				t.Errorf("Get map lacks 0x%02X", e)
			}
		}
		set, _ := DecodePropertyMap(props[5].EDT)
		if !bytes.Equal(set.EPCs, []byte{0x80, 0xCD, 0xDA, 0xEB}) {
			t.Fatalf("Set map %X", props[5].EDT)
		}
	})

	t.Run("SetC accepted and read back, INF announced", func(t *testing.T) {
		ch, cancel := c.Subscribe(16)
		defer cancel()
		ctx := withTimeout(t)
		err := c.SetC(ctx, peer, evse,
			Property{EPC: 0xDA, EDT: []byte{0x42}},
			Property{EPC: 0xCD, EDT: []byte{0x10}},                   // re-check the vehicle
			Property{EPC: 0xEB, EDT: []byte{0x00, 0x00, 0x0E, 0x10}}) // 3600 W
		if err != nil {
			t.Fatal(err)
		}
		props, err := c.Get(ctx, peer, evse, 0xDA, 0xEB)
		if err != nil || props[0].EDT[0] != 0x42 || !bytes.Equal(props[1].EDT, []byte{0, 0, 0x0E, 0x10}) {
			t.Fatalf("read back %v, %v", props, err)
		}
		n := waitNotification(t, ch, 0xDA)
		if v, _ := Lookup(n.Frame.Props, 0xDA); n.From.Addr() != peer.Addr() || n.Frame.SEOJ != evse || !bytes.Equal(v, []byte{0x42}) {
			t.Fatalf("INF %v from %v", n.Frame, n.From)
		}
		if err := c.SetC(ctx, peer, evse, Property{EPC: 0x80, EDT: []byte{0x31}}); err != nil {
			t.Fatal(err)
		}
		waitNotification(t, ch, 0x80)
	})

	t.Run("SetC refused names the property", func(t *testing.T) {
		ctx := withTimeout(t)
		err := c.SetC(ctx, peer, evse, Property{EPC: 0xEB, EDT: []byte{0, 0, 0x07, 0xD0}}, Property{EPC: 0xDA, EDT: []byte{0x99}})
		var sna *SNAError
		if !errors.As(err, &sna) || sna.ESV != SetCSNA || len(sna.Refused) != 1 || !sna.Refuses(0xDA) {
			t.Fatalf("err = %v, want SetC_SNA refusing 0xDA only", err)
		}
		props, err := c.Get(ctx, peer, evse, 0xDA, 0xEB)
		if err != nil || props[0].EDT[0] != 0x42 || !bytes.Equal(props[1].EDT, []byte{0, 0, 0x07, 0xD0}) {
			t.Fatalf("after partial SetC: %v, %v", props, err)
		}
		err = c.SetC(ctx, peer, evse, Property{EPC: 0xC7, EDT: []byte{0x30}})
		if !errors.As(err, &sna) || !sna.Refuses(0xC7) {
			t.Fatalf("SetC of read-only 0xC7: %v", err)
		}
	})

	t.Run("Get_SNA names the unavailable property", func(t *testing.T) {
		props, err := c.Get(withTimeout(t), peer, evse, 0x80, 0xF0)
		var sna *SNAError
		if !errors.As(err, &sna) || sna.ESV != GetSNA || !sna.Refuses(0xF0) || len(props) != 1 {
			t.Fatalf("Get = %v, %v", props, err)
		}
	})

	t.Run("retransmit then timeout for an object nobody answers", func(t *testing.T) {
		quiet := newNetnsClientOnPort(t, "0.0.0.0:3611")
		before := quiet.Stats()
		_, err := quiet.Get(withTimeout(t), peer, NewEOJ(0x02A1, 9), 0x80)
		var te *TimeoutError
		if !errors.As(err, &te) || te.Tries != 3 {
			t.Fatalf("err = %v, want TimeoutError after 3 tries", err)
		}
		if s := quiet.Stats(); s.Retransmits-before.Retransmits != 2 || s.Timeouts-before.Timeouts != 1 {
			t.Fatalf("stats %+v", s)
		}
	})
}

// newNetnsClientOnPort is a second client in the gateway namespace, short
// timeouts, unicast only.
func newNetnsClientOnPort(t *testing.T, listen string) *Client {
	t.Helper()
	var c *Client
	err := inNetns(nsGateway, func() (err error) {
		c, err = NewClient(Config{ListenAddr: listen, Group: addrPeer + ":3610", Timeout: 300 * time.Millisecond, Retries: 2})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
