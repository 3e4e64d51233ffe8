package echonet

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"slices"
	"sync"
)

// Object is one device object served by a Responder.
type Object struct {
	EOJ EOJ
	// Props holds the readable values; the property maps 0x9D–0x9F are
	// generated from it and from SetMap/InfMap.
	Props map[byte][]byte
	// SetMap lists the writable EPCs; writes to others are refused.
	SetMap []byte
	// InfMap lists the EPCs announced (INF, multicast) when they change.
	InfMap []byte
	// Accept validates a write to an EPC in SetMap; nil accepts any data.
	Accept func(epc byte, edt []byte) bool
}

// ResponderConfig configures a Responder.
type ResponderConfig struct {
	ListenAddr string // default ":3610"
	Group      string // INF destination, default 224.0.23.0:3610
	Interface  string // multicast interface, as for Config
	// ReplyPort is where answers go; 0 answers the request's source port,
	// which is 3610 for a conforming controller.
	ReplyPort uint16
	Objects   []*Object
	// Drop, when set, is asked about every request; true ignores it. Tests
	// use it to lose datagrams.
	Drop func(from netip.AddrPort, f *Frame) bool
}

// Responder plays an ECHONET Lite node from property tables: it answers
// Get, SetC, SetI, SetGet and INF_REQ for its objects and its node profile,
// and stays silent for objects it does not have, as devices do.
type Responder struct {
	cfg   ResponderConfig
	conn  *net.UDPConn
	group netip.AddrPort
	done  chan struct{}

	mu   sync.Mutex
	objs map[EOJ]*Object
	tid  uint16
}

// NewResponder validates the objects, builds the node profile and starts
// serving.
func NewResponder(cfg ResponderConfig) (*Responder, error) {
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = fmt.Sprintf(":%d", DefaultPort)
	}
	if cfg.Group == "" {
		cfg.Group = DefaultGroup
	}
	gaddr, err := net.ResolveUDPAddr("udp4", cfg.Group)
	if err != nil {
		return nil, fmt.Errorf("echonet: responder group %q: %w", cfg.Group, err)
	}
	objs, err := buildObjects(cfg.Objects)
	if err != nil {
		return nil, err
	}
	conn, err := listenUDP(cfg.ListenAddr, gaddr, cfg.Interface)
	if err != nil {
		return nil, err
	}
	r := &Responder{cfg: cfg, conn: conn, group: gaddr.AddrPort(), done: make(chan struct{}), objs: objs}
	go r.serve()
	return r, nil
}

func buildObjects(in []*Object) (map[EOJ]*Object, error) {
	objs := map[EOJ]*Object{}
	var list []EOJ
	for _, o := range in {
		if o.EOJ.Class() == NodeProfile.Class() {
			return nil, fmt.Errorf("echonet: responder: object %v: the node profile is generated", o.EOJ)
		}
		if _, dup := objs[o.EOJ]; dup {
			return nil, fmt.Errorf("echonet: responder: object %v declared twice", o.EOJ)
		}
		c := *o
		c.Props = maps.Clone(o.Props)
		if c.Props == nil {
			c.Props = map[byte][]byte{}
		}
		if err := addMaps(&c); err != nil {
			return nil, err
		}
		objs[c.EOJ] = &c
		list = append(list, c.EOJ)
	}
	np, err := nodeProfile(list)
	if err != nil {
		return nil, err
	}
	objs[NodeProfile] = np
	return objs, nil
}

func addMaps(o *Object) error {
	get := append(slices.Collect(maps.Keys(o.Props)), EPCInfMap, EPCSetMap, EPCGetMap)
	for epc, m := range map[byte][]byte{EPCInfMap: o.InfMap, EPCSetMap: o.SetMap, EPCGetMap: get} {
		edt, err := EncodePropertyMap(m)
		if err != nil {
			return fmt.Errorf("echonet: responder: object %v map 0x%02X: %w", o.EOJ, epc, err)
		}
		o.Props[epc] = edt
	}
	return nil
}

func nodeProfile(list []EOJ) (*Object, error) {
	inst, err := EncodeInstanceList(list)
	if err != nil {
		return nil, err
	}
	classes := map[uint16]bool{}
	for _, o := range list {
		classes[o.Class()] = true
	}
	cl := []byte{byte(len(classes))}
	for _, k := range slices.Sorted(maps.Keys(classes)) {
		cl = append(cl, byte(k>>8), byte(k))
	}
	np := &Object{EOJ: NodeProfile, InfMap: []byte{0x80, EPCInstanceListNotification}, Props: map[byte][]byte{
		0x80: {0x30},
		0x82: {0x01, 0x0D, 0x01, 0x00},
		0x83: {0xFE, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
		0x8A: {0xFF, 0xFF, 0xFF}, // experimental manufacturer code
		0xD3: {0, 0, byte(len(list))},
		0xD4: {0, byte(len(classes) + 1)},
		0xD5: inst, 0xD6: inst, 0xD7: cl,
	}}
	return np, addMaps(np)
}

// Addr is the address the responder listens on.
func (r *Responder) Addr() netip.AddrPort { return r.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

// Value returns a copy of a property's current value.
func (r *Responder) Value(eoj EOJ, epc byte) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.objs[eoj]
	if !ok {
		return nil, false
	}
	v, ok := o.Props[epc]
	return slices.Clone(v), ok
}

// Update changes a value from the device side (a vehicle plugs in) and
// announces it when the EPC is in the object's INF map.
func (r *Responder) Update(eoj EOJ, epc byte, edt []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.objs[eoj]
	if !ok {
		return fmt.Errorf("echonet: responder: no object %v", eoj)
	}
	o.Props[epc] = slices.Clone(edt)
	r.announce(o, epc)
	return nil
}

// Close stops serving and returns once the serving goroutine has exited.
func (r *Responder) Close() error {
	err := r.conn.Close()
	<-r.done
	return err
}

func (r *Responder) serve() {
	defer close(r.done)
	buf := make([]byte, 65536)
	for {
		n, from, err := r.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		f, err := DecodeFrame(append([]byte(nil), buf[:n]...))
		if err != nil {
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if r.cfg.Drop != nil && r.cfg.Drop(from, f) {
			continue
		}
		if res := r.handle(f); res != nil {
			r.reply(from, res)
		}
	}
}

func (r *Responder) reply(to netip.AddrPort, f *Frame) {
	if r.cfg.ReplyPort != 0 {
		to = netip.AddrPortFrom(to.Addr(), r.cfg.ReplyPort)
	}
	if b, err := f.MarshalBinary(); err == nil {
		_, _ = r.conn.WriteToUDPAddrPort(b, to) // UDP: the requester retransmits on loss
	}
}
