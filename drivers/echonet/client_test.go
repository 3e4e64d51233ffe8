package echonet

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"
)

var evse = NewEOJ(0x02A1, 1)

// evObject is an EV charger with 20 readable properties, so its Get map
// takes the bitmap form.
func evObject() *Object {
	return &Object{
		EOJ: evse,
		Props: map[byte][]byte{
			0x80: {0x30}, 0x81: {0x00}, 0x82: {0, 0, 'R', 0}, 0x88: {0x42}, 0x89: {0, 0},
			0x8A: {0xFF, 0xFF, 0xFF}, 0xC5: {0, 0, 0x1C, 0x20}, 0xC7: {0x41}, 0xCC: {0x11},
			0xD2: {0, 200}, 0xD3: {0, 0, 0, 0}, 0xD8: {0, 1, 0xE2, 0x40}, 0xDA: {0x44},
			0xE2: {0, 0, 0x27, 0x10}, 0xE4: {50}, 0xEB: {0, 0, 0x1C, 0x20}, 0xED: {0, 160},
		},
		SetMap: []byte{0x80, 0xDA, 0xEB, 0xED},
		InfMap: []byte{0x80, 0x88, 0xC7, 0xDA},
		Accept: func(epc byte, edt []byte) bool {
			if epc == 0xDA {
				return len(edt) == 1 && (edt[0] == 0x42 || edt[0] == 0x44 || edt[0] == 0x47)
			}
			return true
		},
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1:0"
	}
	if cfg.Group == "" {
		cfg.Group = "127.0.0.1:9" // discard: these tests do not discover
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second // generous: a loaded machine must not flake
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func newTestResponder(t *testing.T, group netip.AddrPort, drop func(netip.AddrPort, *Frame) bool) *Responder {
	t.Helper()
	r, err := NewResponder(ResponderConfig{ListenAddr: "127.0.0.1:0", Group: group.String(),
		Objects: []*Object{evObject()}, Drop: drop})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestGetAndSetAgainstResponder(t *testing.T) {
	c := newTestClient(t, Config{})
	r := newTestResponder(t, c.LocalAddr(), nil)
	ctx := context.Background()

	props, err := c.Get(ctx, r.Addr(), evse, 0x80, 0xDA, 0xD8, EPCGetMap)
	if err != nil {
		t.Fatal(err)
	}
	if len(props) != 4 || !bytes.Equal(props[2].EDT, []byte{0, 1, 0xE2, 0x40}) {
		t.Fatalf("props = %v", props)
	}
	m, err := DecodePropertyMap(props[3].EDT)
	if err != nil || len(props[3].EDT) != 17 || len(m.EPCs) != 20 || !m.Has(0xED) {
		t.Fatalf("Get map %X -> %v, %v", props[3].EDT, m, err)
	}

	if err := c.SetC(ctx, r.Addr(), evse, Property{EPC: 0xDA, EDT: []byte{0x42}}); err != nil {
		t.Fatalf("SetC: %v", err)
	}
	if v, _ := r.Value(evse, 0xDA); !bytes.Equal(v, []byte{0x42}) {
		t.Fatalf("0xDA after SetC = %X", v)
	}

	// One accepted, one refused: only the refused one is named, the other applies.
	err = c.SetC(ctx, r.Addr(), evse, Property{EPC: 0xED, EDT: []byte{0, 100}}, Property{EPC: 0xC7, EDT: []byte{0x30}})
	var sna *SNAError
	if !errors.As(err, &sna) || sna.ESV != SetCSNA || len(sna.Refused) != 1 || !sna.Refuses(0xC7) {
		t.Fatalf("SetC of read-only 0xC7: err = %v", err)
	}
	if v, _ := r.Value(evse, 0xED); !bytes.Equal(v, []byte{0, 100}) {
		t.Fatalf("0xED after partial SetC = %X", v)
	}

	props, err = c.Get(ctx, r.Addr(), evse, 0x80, 0xF0)
	if !errors.As(err, &sna) || sna.ESV != GetSNA || !sna.Refuses(0xF0) || sna.Refuses(0x80) {
		t.Fatalf("Get of absent 0xF0: err = %v", err)
	}
	if len(props) != 1 || props[0].EPC != 0x80 {
		t.Fatalf("Get_SNA should still return 0x80, got %v", props)
	}
}

// rawPeer is a bare UDP socket the test drives by hand.
type rawPeer struct {
	t    *testing.T
	conn *net.UDPConn
}

func newRawPeer(t *testing.T, ip string) *rawPeer {
	t.Helper()
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(ip+":0")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawPeer{t, conn}
}

func (p *rawPeer) addr() netip.AddrPort { return p.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

func (p *rawPeer) recv() (*Frame, netip.AddrPort) {
	p.t.Helper()
	buf := make([]byte, 1500)
	p.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, from, err := p.conn.ReadFromUDPAddrPort(buf)
	if err != nil {
		p.t.Fatalf("peer read: %v", err)
	}
	f, err := DecodeFrame(buf[:n])
	if err != nil {
		p.t.Fatalf("peer decode: %v", err)
	}
	return f, from
}

func (p *rawPeer) send(to netip.AddrPort, f *Frame) {
	p.t.Helper()
	b, err := f.MarshalBinary()
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.conn.WriteToUDPAddrPort(b, to); err != nil {
		p.t.Fatal(err)
	}
}

func answer(req *Frame, props ...Property) *Frame {
	return &Frame{TID: req.TID, SEOJ: req.DEOJ, DEOJ: req.SEOJ, ESV: GetRes, Props: props}
}

// Answers arrive in reverse order, and a forged answer from another address
// carries a live TID: every caller still gets its own value.
func TestTIDMatchingUnderConcurrency(t *testing.T) {
	c := newTestClient(t, Config{})
	peer := newRawPeer(t, "127.0.0.1")
	// 127.0.0.2 is a second loopback address on Linux, where this runs.
	forger := newRawPeer(t, "127.0.0.2")
	const n = 32
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			epc := byte(0xA0 + i) // no defined size: any 1-byte value stands
			props, err := c.Get(context.Background(), peer.addr(), evse, epc)
			if err == nil && (len(props) != 1 || !bytes.Equal(props[0].EDT, []byte{epc})) {
				err = errors.New("wrong answer: " + (&Frame{ESV: GetRes, Props: props}).String())
			}
			errs <- err
		}()
	}
	var reqs []*Frame
	var from netip.AddrPort
	for range n {
		f, src := peer.recv()
		reqs, from = append(reqs, f), src
	}
	forger.send(from, answer(reqs[0], Property{EPC: reqs[0].Props[0].EPC, EDT: []byte{0xEE}}))
	for i := len(reqs) - 1; i >= 0; i-- {
		epc := reqs[i].Props[0].EPC
		peer.send(from, answer(reqs[i], Property{EPC: epc, EDT: []byte{epc}}))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if s := c.Stats(); s.Foreign < 1 || s.Retransmits != 0 {
		t.Fatalf("stats %+v: want the forged answer counted as foreign, no retransmits", s)
	}
}

// The client's own multicast comes back to it; it must not be taken as an
// answer (or as a node). A "group" that is the client's own address gives
// exactly that echo.
func TestOwnEchoDropped(t *testing.T) {
	probe := newRawPeer(t, "127.0.0.1")
	self := probe.addr()
	probe.conn.Close()
	c := newTestClient(t, Config{ListenAddr: self.String(), Group: self.String(), DiscoverWindow: 300 * time.Millisecond})
	nodes, err := c.Discover(context.Background())
	if err != nil || len(nodes) != 0 {
		t.Fatalf("Discover = %v, %v; want no nodes", nodes, err)
	}
	if s := c.Stats(); s.EchoesDropped < 1 {
		t.Fatalf("stats %+v: echo not dropped", s)
	}
}

func TestRetransmitWithFreshTID(t *testing.T) {
	var mu sync.Mutex
	var tids []uint16
	drop := func(_ netip.AddrPort, f *Frame) bool {
		mu.Lock()
		defer mu.Unlock()
		tids = append(tids, f.TID)
		return len(tids) == 1 // lose the first datagram
	}
	c := newTestClient(t, Config{Timeout: 200 * time.Millisecond, Retries: 3})
	r := newTestResponder(t, c.LocalAddr(), drop)
	props, err := c.Get(context.Background(), r.Addr(), evse, 0xC7)
	if err != nil || len(props) != 1 || props[0].EDT[0] != 0x41 {
		t.Fatalf("Get = %v, %v", props, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(tids) < 2 || tids[0] == tids[1] {
		t.Fatalf("TIDs seen by the device: %v; want a retransmission with a new TID", tids)
	}
	if s := c.Stats(); s.Retransmits < 1 {
		t.Fatalf("stats %+v", s)
	}
}

// An answer to the first try that arrives during the second still counts.
func TestLateAnswerToEarlierTry(t *testing.T) {
	c := newTestClient(t, Config{Timeout: 300 * time.Millisecond, Retries: 5})
	peer := newRawPeer(t, "127.0.0.1")
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), peer.addr(), evse, 0x80)
		done <- err
	}()
	first, from := peer.recv()
	second, _ := peer.recv()
	if first.TID == second.TID {
		t.Fatalf("retransmission reused TID %d", first.TID)
	}
	peer.send(from, answer(first, Property{EPC: 0x80, EDT: []byte{0x30}}))
	if err := <-done; err != nil {
		t.Fatalf("Get: %v", err)
	}
}

func TestTimeoutAfterLastTry(t *testing.T) {
	c := newTestClient(t, Config{Timeout: 50 * time.Millisecond, Retries: 2})
	silent := newRawPeer(t, "127.0.0.1")
	_, err := c.Get(context.Background(), silent.addr(), evse, 0x80)
	var te *TimeoutError
	if !errors.Is(err, ErrTimeout) || !errors.As(err, &te) || te.Tries != 3 || te.EOJ != evse {
		t.Fatalf("err = %v, want a TimeoutError after 3 tries", err)
	}
	for range 3 {
		silent.recv() // all three tries reached the device
	}
}

// TestTryTimeoutPerRequest: a request can wait longer (or shorter) per try
// than the client's default, for a device that answers at its own speed.
func TestTryTimeoutPerRequest(t *testing.T) {
	c := newTestClient(t, Config{Timeout: 20 * time.Millisecond, Retries: -1})
	silent := newRawPeer(t, "127.0.0.1")
	_, err := c.Get(WithTryTimeout(context.Background(), 60*time.Millisecond), silent.addr(), evse, 0x80)
	var te *TimeoutError
	if !errors.As(err, &te) || te.Wait != 60*time.Millisecond || te.Tries != 1 {
		t.Fatalf("err = %v, want one try of 60ms", err)
	}
	_, err = c.Get(context.Background(), silent.addr(), evse, 0x80)
	if !errors.As(err, &te) || te.Wait != 20*time.Millisecond {
		t.Fatalf("err = %v, want the client's 20ms", err)
	}
}

// A reply with a live TID from the right address is taken only if it
// comes from the object asked, is addressed to us (or to our class's
// instance 0) and is a reply to the request's service.
func TestReplyMustAnswerTheRequest(t *testing.T) {
	c := newTestClient(t, Config{Timeout: 5 * time.Second})
	peer := newRawPeer(t, "127.0.0.1")
	done := make(chan error, 1)
	var got []Property
	go func() {
		var err error
		got, err = c.Get(context.Background(), peer.addr(), evse, 0x80)
		done <- err
	}()
	req, from := peer.recv()
	val := []Property{{EPC: 0x80, EDT: []byte{0x31}}}
	foreign := []*Frame{
		{SEOJ: NewEOJ(0x02A1, 2), DEOJ: Controller, ESV: GetRes, Props: val},        // another instance
		{SEOJ: NewEOJ(0x027E, 1), DEOJ: Controller, ESV: GetRes, Props: val},        // another class
		{SEOJ: evse, DEOJ: NewEOJ(0x05FF, 2), ESV: GetRes, Props: val},              // another controller
		{SEOJ: evse, DEOJ: Controller, ESV: SetRes, Props: []Property{{EPC: 0x80}}}, // not a Get reply
	}
	for _, f := range foreign {
		f.TID = req.TID
		peer.send(from, f)
	}
	// Addressed to our class's instance 0: accepted.
	peer.send(from, &Frame{TID: req.TID, SEOJ: evse, DEOJ: NewEOJ(0x05FF, 0), ESV: GetRes,
		Props: []Property{{EPC: 0x80, EDT: []byte{0x30}}}})
	if err := <-done; err != nil || len(got) != 1 || !bytes.Equal(got[0].EDT, []byte{0x30}) {
		t.Fatalf("Get = %v, %v; want the 0x30 from 02A101", got, err)
	}
	if s := c.Stats(); s.Foreign != uint64(len(foreign)) {
		t.Fatalf("stats %+v: want %d foreign replies", s, len(foreign))
	}
}

// A caller's deadline shorter than the tries is a TimeoutError that says
// so and matches both ErrTimeout and context.DeadlineExceeded.
func TestDeadlineShorterThanTries(t *testing.T) {
	c := newTestClient(t, Config{Timeout: 200 * time.Millisecond, Retries: 4})
	silent := newRawPeer(t, "127.0.0.1")
	if got := c.RequestBudget(context.Background()); got != time.Second {
		t.Fatalf("RequestBudget = %v, want 5 tries of 200ms", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := c.Get(ctx, silent.addr(), evse, 0x80)
	var te *TimeoutError
	if !errors.As(err, &te) || !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) ||
		te.Planned != 5 || te.Tries >= 5 || te.Budget <= 0 || te.Budget > 300*time.Millisecond {
		t.Fatalf("err = %v (%+v)", err, te)
	}
	canceled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := c.Get(canceled, silent.addr(), evse, 0x80); errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: err = %v, want context.Canceled and no timeout", err)
	}
}
