package echonet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults from the ECHONET Lite specification and the gateway's policy.
const (
	DefaultPort           = 3610
	DefaultGroup          = "224.0.23.0:3610"
	DefaultTimeout        = 2 * time.Second
	DefaultRetries        = 2
	DefaultDiscoverWindow = 3 * time.Second
)

// Config configures a Client. Zero values take the defaults, so tests only
// set what differs (another port, a namespace's interface).
type Config struct {
	// ListenAddr is the local UDP address. Devices answer on port 3610 of
	// the requester whatever port it sent from, so production keeps the
	// default ":3610". A socket bound to one unicast address receives no
	// multicast on Linux; bind 0.0.0.0 and choose Interface instead.
	ListenAddr string
	// Interface names the interface that joins the group and sends
	// multicast; empty lets the kernel choose by route.
	Interface string
	// Group is the discovery destination, normally 224.0.23.0:3610. A
	// unicast address also works (tests on loopback).
	Group string
	// DevicePort is used for request addresses given without a port.
	DevicePort uint16
	// SEOJ is the object the client speaks as (default controller 05FF01).
	SEOJ EOJ
	// Timeout is the wait for an answer to one try.
	Timeout time.Duration
	// Retries is the number of retransmissions after the first try:
	// 0 takes DefaultRetries, negative means none.
	Retries int
	// DiscoverWindow is how long Discover collects answers when its
	// context has no earlier deadline.
	DiscoverWindow time.Duration
}

func (c *Config) setDefaults() {
	if c.ListenAddr == "" {
		c.ListenAddr = fmt.Sprintf(":%d", DefaultPort)
	}
	if c.Group == "" {
		c.Group = DefaultGroup
	}
	if c.DevicePort == 0 {
		c.DevicePort = DefaultPort
	}
	if c.SEOJ == (EOJ{}) {
		c.SEOJ = Controller
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.Retries == 0:
		c.Retries = DefaultRetries
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.DiscoverWindow <= 0 {
		c.DiscoverWindow = DefaultDiscoverWindow
	}
}

// ErrClosed is returned by calls on, or waiting in, a closed Client.
var ErrClosed = errors.New("echonet: client closed")

// Notification is an INF or INFC frame received from a device.
type Notification struct {
	From  netip.AddrPort
	Frame *Frame
}

// Stats are the client's counters since it was created.
type Stats struct {
	Sent, Received, Retransmits, Timeouts, SNAs     uint64
	DecodeErrors, EchoesDropped, Unmatched, Ignored uint64
	// Foreign counts replies that carry the TID of a waiting request but
	// do not answer it: another source address, another object (SEOJ),
	// not addressed to us (DEOJ), or the wrong kind of reply (ESV).
	Foreign              uint64
	NotificationsDropped uint64
}

type counters struct {
	sent, received, retransmits, timeouts, snas     atomic.Uint64
	decodeErrors, echoesDropped, unmatched, ignored atomic.Uint64
	foreign, notificationsDropped                   atomic.Uint64
}

type inbound struct {
	from netip.AddrPort
	f    *Frame
}

// waiter receives the answers to one request (all its tries) or, for
// discovery, every answer from any address during the window.
type waiter struct {
	from netip.Addr // the invalid Addr accepts any source
	deoj EOJ        // the request's DEOJ; instance 0 accepts any instance
	want []ESV      // reply services that answer the request
	ch   chan inbound
}

// accepts reports whether f, from src, answers w's request, which self
// sent: the service is one the request expects, the reply comes from the
// object asked (the very instance, unless instance 0 asked them all), and
// it is addressed to self or to the general instance of self's class. An
// INF answering INF_REQ is exempt from the DEOJ rule because devices send
// it to a node profile or multicast it.
func (w *waiter) accepts(src netip.Addr, f *Frame, self EOJ) bool {
	if w.from.IsValid() && w.from != src {
		return false
	}
	if !slices.Contains(w.want, f.ESV) || !within(w.deoj, f.SEOJ) {
		return false
	}
	return f.ESV == Inf || within(f.DEOJ, self)
}

// within reports whether o is the object addressed by to: the same class,
// and the same instance unless to's instance is 0 (every instance).
func within(to, o EOJ) bool {
	return to.Class() == o.Class() && (to.Instance() == 0 || to.Instance() == o.Instance())
}

// Client speaks ECHONET Lite as a controller over one UDP socket. It is
// safe for concurrent use; one goroutine reads the socket.
type Client struct {
	cfg    Config
	conn   *net.UDPConn
	group  netip.AddrPort
	local  netip.AddrPort
	ownIPs map[netip.Addr]bool
	done   chan struct{}

	mu      sync.Mutex
	closed  bool
	nextTID uint16
	pending map[uint16]*waiter
	// discoveries also receive node-profile INFs, whatever their TID.
	discoveries map[*waiter]struct{}
	subs        map[int]chan Notification
	nextSub     int

	mapsMu sync.Mutex
	maps   map[objectKey]PropertyMaps

	n counters
}

// NewClient opens the socket and starts its reader.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	gaddr, err := net.ResolveUDPAddr("udp4", cfg.Group)
	if err != nil {
		return nil, fmt.Errorf("echonet: group %q: %w", cfg.Group, err)
	}
	conn, err := listenUDP(cfg.ListenAddr, gaddr, cfg.Interface)
	if err != nil {
		return nil, err
	}
	c := &Client{
		cfg:         cfg,
		conn:        conn,
		group:       gaddr.AddrPort(),
		local:       conn.LocalAddr().(*net.UDPAddr).AddrPort(),
		ownIPs:      ownAddrs(conn),
		done:        make(chan struct{}),
		pending:     make(map[uint16]*waiter),
		discoveries: make(map[*waiter]struct{}),
		subs:        make(map[int]chan Notification),
		maps:        make(map[objectKey]PropertyMaps),
	}
	go c.readLoop()
	return c, nil
}

// ownAddrs lists the addresses our own multicast can come back from.
func ownAddrs(conn *net.UDPConn) map[netip.Addr]bool {
	own := map[netip.Addr]bool{}
	if a := conn.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap(); !a.IsUnspecified() {
		own[a] = true
	}
	addrs, _ := net.InterfaceAddrs() // best effort: without them only the bound address counts
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipn.IP); ok {
				own[ip.Unmap()] = true
			}
		}
	}
	return own
}

// LocalAddr is the address the client's socket is bound to.
func (c *Client) LocalAddr() netip.AddrPort { return c.local }

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	return Stats{
		Sent: c.n.sent.Load(), Received: c.n.received.Load(), Retransmits: c.n.retransmits.Load(),
		Timeouts: c.n.timeouts.Load(), SNAs: c.n.snas.Load(), DecodeErrors: c.n.decodeErrors.Load(),
		EchoesDropped: c.n.echoesDropped.Load(), Unmatched: c.n.unmatched.Load(),
		Ignored: c.n.ignored.Load(), Foreign: c.n.foreign.Load(),
		NotificationsDropped: c.n.notificationsDropped.Load(),
	}
}

// Close stops the reader, fails waiting calls with ErrClosed and closes
// every subscription channel. It returns once the reader has exited.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	err := c.conn.Close()
	<-c.done
	c.mu.Lock()
	for id, ch := range c.subs {
		close(ch)
		delete(c.subs, id)
	}
	c.mu.Unlock()
	return err
}

// Subscribe returns a channel of INF/INFC notifications and a cancel func.
// A full channel drops the notification (counted): the driver polls anyway,
// so a slow consumer must not stall the socket.
func (c *Client) Subscribe(buffer int) (<-chan Notification, func()) {
	ch := make(chan Notification, buffer)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		close(ch)
		return ch, func() {}
	}
	id := c.nextSub
	c.nextSub++
	c.subs[id] = ch
	return ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if ch, ok := c.subs[id]; ok {
			close(ch)
			delete(c.subs, id)
		}
	}
}

func (c *Client) readLoop() {
	defer close(c.done)
	buf := make([]byte, 65536)
	for {
		n, from, err := c.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // transient (e.g. ICMP-induced); the socket is still ours
		}
		c.n.received.Add(1)
		// Decoded EDTs alias their input: give each packet its own copy.
		f, err := DecodeFrame(append([]byte(nil), buf[:n]...))
		if err != nil {
			c.n.decodeErrors.Add(1)
			continue
		}
		c.dispatch(netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), f)
	}
}

func (c *Client) dispatch(from netip.AddrPort, f *Frame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.pending[f.TID]
	if w != nil && from.Port() == c.local.Port() && c.ownIPs[from.Addr()] {
		c.n.echoesDropped.Add(1)
		return
	}
	switch {
	case f.ESV == Inf || f.ESV == InfC:
		if f.ESV == InfC {
			c.answerInfC(from, f)
		}
		c.notify(from, f)
		if w != nil && w.accepts(from.Addr(), f, c.cfg.SEOJ) {
			c.deliver(w, from, f) // carrying a live TID, it answers our INF_REQ
		}
		if f.SEOJ.Class() == NodeProfile.Class() {
			c.nodeAnnounced(from.Addr(), f)
			for d := range c.discoveries {
				c.deliver(d, from, f) // a node announcing its instances (0xD5)
			}
		}
	case f.ESV.IsSNA() || f.ESV&0xF0 == 0x70:
		switch {
		case w == nil:
			c.n.unmatched.Add(1)
		case !w.accepts(from.Addr(), f, c.cfg.SEOJ):
			c.n.foreign.Add(1) // a live TID, but not an answer to that request
		default:
			c.deliver(w, from, f)
		}
	default:
		c.n.ignored.Add(1) // requests to us: a controller serves no objects
	}
}

// nodeAnnounced forgets the property maps of a node that announces its
// instance list (0xD5): it has (re)started and may have changed.
func (c *Client) nodeAnnounced(node netip.Addr, f *Frame) {
	if _, ok := Lookup(f.Props, EPCInstanceListNotification); ok {
		c.ForgetPropertyMaps(node)
	}
}

func (c *Client) deliver(w *waiter, from netip.AddrPort, f *Frame) {
	select {
	case w.ch <- inbound{from, f}:
	default:
		c.n.unmatched.Add(1) // duplicate answer while the first is still unread
	}
}

// notify runs with c.mu held.
func (c *Client) notify(from netip.AddrPort, f *Frame) {
	for _, ch := range c.subs {
		select {
		case ch <- Notification{From: from, Frame: f}:
		default:
			c.n.notificationsDropped.Add(1)
		}
	}
}

func (c *Client) answerInfC(from netip.AddrPort, f *Frame) {
	res := &Frame{TID: f.TID, SEOJ: f.DEOJ, DEOJ: f.SEOJ, ESV: InfCRes, Props: make([]Property, len(f.Props))}
	for i, p := range f.Props {
		res.Props[i] = Property{EPC: p.EPC}
	}
	b, err := res.MarshalBinary()
	if err != nil {
		return
	}
	// Answers go to port 3610 of the sender, like every EL reply.
	if _, err := c.conn.WriteToUDPAddrPort(b, netip.AddrPortFrom(from.Addr(), c.cfg.DevicePort)); err == nil {
		c.n.sent.Add(1)
	}
}

// register allocates the next free TID for w. TIDs increase monotonically
// and skip ones still outstanding after a wrap.
func (c *Client) register(w *waiter) (uint16, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, ErrClosed
	}
	for range 1 << 16 {
		c.nextTID++
		if _, busy := c.pending[c.nextTID]; !busy {
			c.pending[c.nextTID] = w
			return c.nextTID, nil
		}
	}
	return 0, errors.New("echonet: all 65536 TIDs outstanding")
}

func (c *Client) unregister(tids []uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range tids {
		delete(c.pending, t)
	}
}

func (c *Client) send(to netip.AddrPort, f *Frame) error {
	b, err := f.MarshalBinary()
	if err != nil {
		return err
	}
	if _, err := c.conn.WriteToUDPAddrPort(b, to); err != nil {
		return fmt.Errorf("echonet: send %v to %v: %w", f.ESV, to, err)
	}
	c.n.sent.Add(1)
	return nil
}
