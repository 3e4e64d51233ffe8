package echonet

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Node-profile EPCs used by discovery.
const (
	EPCInstanceListNotification = 0xD5
	EPCSelfNodeInstanceList     = 0xD6
)

// Node is one ECHONET Lite node found by Discover.
type Node struct {
	Addr      netip.Addr
	Instances []EOJ // device objects, node profile excluded
}

// Discover multicasts a Get of 0xD6 to the node profile and collects the
// instance lists (0xD6 answers and 0xD5 announcements) of every responder
// until ctx ends or the discover window passes, whichever is first. Nodes
// answer a multicast after a random delay, so the window, not the first
// answer, ends the search. The request is sent twice, at the start and half
// way through the window, because a multicast datagram may be lost.
func (c *Client) Discover(ctx context.Context) ([]Node, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DiscoverWindow)
	defer cancel()
	// Any source, any node-profile instance (0x0EF001 general, 0x0EF002
	// transmission-only) may answer a multicast Get.
	w := &waiter{deoj: EOJ{NodeProfile[0], NodeProfile[1], 0}, want: []ESV{GetRes, GetSNA}, ch: make(chan inbound, 64)}
	tid, err := c.register(w)
	if err != nil {
		return nil, err
	}
	defer c.unregister([]uint16{tid})
	c.mu.Lock()
	c.discoveries[w] = struct{}{}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.discoveries, w)
		c.mu.Unlock()
	}()
	req := &Frame{TID: tid, SEOJ: c.cfg.SEOJ, DEOJ: NodeProfile, ESV: Get,
		Props: []Property{{EPC: EPCSelfNodeInstanceList}}}
	if err := c.send(c.group, req); err != nil {
		return nil, err
	}
	resend := time.NewTimer(c.cfg.DiscoverWindow / 2)
	defer resend.Stop()
	found := map[netip.Addr]*Node{}
	for {
		select {
		case in := <-w.ch:
			collectNode(found, in)
		case <-resend.C:
			if err := c.send(c.group, req); err != nil {
				return nil, err
			}
		case <-ctx.Done():
			return sortedNodes(found), nil
		case <-c.done:
			return sortedNodes(found), ErrClosed
		}
	}
}

func collectNode(found map[netip.Addr]*Node, in inbound) {
	if in.f.SEOJ.Class() != NodeProfile.Class() {
		return
	}
	for _, p := range in.f.Props {
		if p.EPC != EPCSelfNodeInstanceList && p.EPC != EPCInstanceListNotification {
			continue
		}
		list, err := DecodeInstanceList(p.EDT)
		if err != nil {
			continue // a malformed list from one node must not end discovery
		}
		found[in.from.Addr()] = &Node{Addr: in.from.Addr(), Instances: list}
	}
}

func sortedNodes(found map[netip.Addr]*Node) []Node {
	out := make([]Node, 0, len(found))
	for _, n := range found {
		out = append(out, *n)
	}
	slices.SortFunc(out, func(a, b Node) int { return cmp.Compare(a.Addr.String(), b.Addr.String()) })
	return out
}

// DecodeInstanceList reads a 0xD5/0xD6 value: a count byte, then that many
// 3-byte EOJs.
func DecodeInstanceList(edt []byte) ([]EOJ, error) {
	if len(edt) == 0 {
		return nil, fmt.Errorf("echonet: instance list: offset 0: empty, need the count byte")
	}
	n := int(edt[0])
	if len(edt) != 1+3*n {
		return nil, fmt.Errorf("echonet: instance list: offset %d: count %d needs %d bytes, have %d",
			min(len(edt), 1+3*n), n, 1+3*n, len(edt))
	}
	out := make([]EOJ, n)
	for i := range out {
		copy(out[i][:], edt[1+3*i:4+3*i])
	}
	return out, nil
}

// EncodeInstanceList is the inverse of DecodeInstanceList.
func EncodeInstanceList(objs []EOJ) ([]byte, error) {
	if len(objs) > 84 { // the most that fits a PDC of 253 the specification allows
		return nil, fmt.Errorf("echonet: instance list: %d objects, at most 84", len(objs))
	}
	out := append(make([]byte, 0, 1+3*len(objs)), byte(len(objs)))
	for _, o := range objs {
		out = append(out, o[:]...)
	}
	return out, nil
}
