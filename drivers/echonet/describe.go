package echonet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
)

// EPCManufacturer is the manufacturer code (3 bytes; 0xFFFFFF is
// experimental) of a node profile or device object.
const EPCManufacturer = 0x8A

// NodeInfo is what Describe learned about one node, ready to print.
type NodeInfo struct {
	Addr netip.Addr
	// Manufacturer is the node profile's 0x8A, nil when it did not arrive.
	Manufacturer []byte
	// Instances is the node's self-node instance list (0xD6).
	Instances []EOJ
	// Objects describes each instance, in Instances order.
	Objects []ObjectInfo
	// Err says what the node profile did not return; nil when all arrived.
	Err error
}

// ObjectInfo describes one device object of a node.
type ObjectInfo struct {
	EOJ   EOJ
	Class uint16 // EOJ.Class(), e.g. 0x02A1
	// Manufacturer is the object's 0x8A, nil when it did not arrive.
	Manufacturer []byte
	// Maps are the object's property maps, each Known only if it arrived.
	Maps PropertyMaps
	// Err says what the object did not return (an *SNAError, a
	// *TimeoutError or a malformed value); nil when everything arrived.
	Err error
}

// Describe asks the node at node (on DevicePort) for its node-profile
// manufacturer code and instance list, then every listed object for its
// manufacturer code and property maps, which it also caches as
// PropertyMaps does. An installer runs it after Discover. What did not
// arrive is reported per node and per object in their Err fields; the
// error is non-nil only when the node profile did not answer at all.
func (c *Client) Describe(ctx context.Context, node netip.Addr) (NodeInfo, error) {
	info := NodeInfo{Addr: node}
	to := netip.AddrPortFrom(node, c.cfg.DevicePort)
	props, err := c.getEach(ctx, to, NodeProfile, EPCManufacturer, EPCSelfNodeInstanceList)
	var sna *SNAError
	if err != nil && !errors.As(err, &sna) {
		return info, fmt.Errorf("echonet: describe %v: %w", node, err)
	}
	errs := []error{err}
	info.Manufacturer, err = manufacturer(props, NodeProfile)
	errs = append(errs, err)
	if edt, ok := Lookup(props, EPCSelfNodeInstanceList); ok {
		info.Instances, err = DecodeInstanceList(edt)
		errs = append(errs, err)
	}
	info.Err = errors.Join(errs...)
	for _, eoj := range info.Instances {
		if ctx.Err() != nil {
			return info, fmt.Errorf("echonet: describe %v: %w", node, ctx.Err())
		}
		info.Objects = append(info.Objects, c.describeObject(ctx, to, eoj))
	}
	return info, nil
}

func (c *Client) describeObject(ctx context.Context, to netip.AddrPort, eoj EOJ) ObjectInfo {
	o := ObjectInfo{EOJ: eoj, Class: eoj.Class()}
	props, err := c.getEach(ctx, to, eoj, EPCManufacturer, EPCInfMap, EPCSetMap, EPCGetMap)
	var sna *SNAError
	if err != nil && !errors.As(err, &sna) {
		o.Err = err // silent: nothing arrived, nothing to cache
		return o
	}
	var decodeErr, makerErr error
	o.Maps, decodeErr = c.rememberMaps(objectKey{to, eoj}, props, narrowSNA(sna, EPCInfMap, EPCSetMap, EPCGetMap))
	o.Manufacturer, makerErr = manufacturer(props, eoj)
	o.Err = errors.Join(err, decodeErr, makerErr)
	return o
}

// manufacturer returns a well-formed 0x8A from props, nil if absent.
func manufacturer(props []Property, eoj EOJ) ([]byte, error) {
	edt, ok := Lookup(props, EPCManufacturer)
	if !ok {
		return nil, nil // the Get's *SNAError already names it
	}
	if len(edt) != 3 {
		return nil, fmt.Errorf("echonet: %v EPC 0x8A: manufacturer code of %d bytes, want 3", eoj, len(edt))
	}
	return edt, nil
}

// narrowSNA returns the part of a Get's *SNAError about epcs, or nil.
func narrowSNA(sna *SNAError, epcs ...byte) error {
	if sna == nil {
		return nil
	}
	var about []Unavailable
	for _, m := range sna.Missing {
		if slices.Contains(epcs, m.EPC) {
			about = append(about, m)
		}
	}
	return getError(sna.From, sna.EOJ, sna.ESV, about)
}
