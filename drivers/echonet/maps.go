package echonet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
)

// PropertyMaps are an object's three property maps. A map the object did
// not supply (Get_SNA, PDC 0, left out) or supplied malformed is the zero
// PropertyMap: Known false, and it restricts nothing.
type PropertyMaps struct {
	Announce PropertyMap // 0x9D, status-change announcements
	Set      PropertyMap // 0x9E
	Get      PropertyMap // 0x9F
	// Err says why a map is not Known: the object's *SNAError or a decode
	// error. Nil when all three arrived and decoded.
	Err error
}

type objectKey struct {
	to  netip.AddrPort
	eoj EOJ
}

// PropertyMaps reads the property maps of one object (not instance 0) and
// caches them until the node announces its instance list again (0xD5) or
// ForgetPropertyMaps is called. The error is non-nil only when the object
// did not answer at all (timeout, context, closed client); then nothing is
// cached. Maps that did not arrive are described in PropertyMaps.Err.
func (c *Client) PropertyMaps(ctx context.Context, to netip.AddrPort, eoj EOJ) (PropertyMaps, error) {
	if eoj.Instance() == 0 {
		return PropertyMaps{}, fmt.Errorf("echonet: property maps of %v: instance 0 addresses every instance, maps belong to one", eoj)
	}
	key := objectKey{c.resolve(to), eoj}
	c.mapsMu.Lock()
	m, ok := c.maps[key]
	c.mapsMu.Unlock()
	if ok {
		return m, nil
	}
	props, err := c.getEach(ctx, to, eoj, EPCInfMap, EPCSetMap, EPCGetMap)
	var sna *SNAError
	if err != nil && !errors.As(err, &sna) {
		return PropertyMaps{}, err
	}
	m, _ = c.rememberMaps(key, props, err)
	return m, nil
}

// rememberMaps decodes the maps found in props, caches them and returns
// them with the decode errors; getErr is the Get's *SNAError about the
// maps, if any.
func (c *Client) rememberMaps(key objectKey, props []Property, getErr error) (PropertyMaps, error) {
	m := PropertyMaps{}
	var errs []error
	for _, p := range props {
		var dst *PropertyMap
		switch p.EPC {
		case EPCInfMap:
			dst = &m.Announce
		case EPCSetMap:
			dst = &m.Set
		case EPCGetMap:
			dst = &m.Get
		default:
			continue
		}
		pm, err := DecodePropertyMap(p.EDT)
		if err != nil {
			errs = append(errs, fmt.Errorf("EPC 0x%02X of %v: %w", p.EPC, key.eoj, err))
			continue
		}
		*dst = pm
	}
	decodeErr := errors.Join(errs...)
	m.Err = errors.Join(getErr, decodeErr)
	c.mapsMu.Lock()
	c.maps[key] = m
	c.mapsMu.Unlock()
	return m, decodeErr
}

// getEach is Get, then one Get for each EPC the reply left out: some
// devices answer fewer properties than asked (devices.md §1.7). It serves
// the one-off reads of first contact, not polling.
func (c *Client) getEach(ctx context.Context, to netip.AddrPort, eoj EOJ, epcs ...byte) ([]Property, error) {
	props, err := c.Get(ctx, to, eoj, epcs...)
	var sna *SNAError
	if !errors.As(err, &sna) {
		return props, err
	}
	var still []Unavailable
	for _, m := range sna.Missing {
		if m.Why != AbsentOmitted || ctx.Err() != nil {
			still = append(still, m)
			continue
		}
		one, err := c.Get(ctx, to, eoj, m.EPC)
		var again *SNAError
		switch {
		case err == nil:
			props = append(props, one...)
		case errors.As(err, &again):
			still = append(still, again.Missing...)
		default:
			still = append(still, m) // silent this time: still not returned
		}
	}
	return props, getError(sna.From, eoj, sna.ESV, still)
}

// ForgetPropertyMaps drops the cached maps of every object of node, so the
// next request through a Device reads them again.
func (c *Client) ForgetPropertyMaps(node netip.Addr) {
	c.mapsMu.Lock()
	defer c.mapsMu.Unlock()
	for k := range c.maps {
		if k.to.Addr() == node {
			delete(c.maps, k)
		}
	}
}

// Device is one object of one node whose requests are checked against its
// property maps. The maps are read at the first request (first contact)
// and cached by the Client. A Get of an EPC missing from the Get map, or a
// SetC of one missing from the Set map, fails with a *NotInMapError
// before anything is sent. A map that is not Known or not consistent
// restricts nothing (see PropertyMap.Restricts).
type Device struct {
	c   *Client
	to  netip.AddrPort
	eoj EOJ
}

// Device returns the checked handle of eoj at to (port 0 means DevicePort).
func (c *Client) Device(to netip.AddrPort, eoj EOJ) *Device {
	return &Device{c: c, to: c.resolve(to), eoj: eoj}
}

// Maps returns the object's property maps, reading them at first use.
func (d *Device) Maps(ctx context.Context) (PropertyMaps, error) {
	return d.c.PropertyMaps(ctx, d.to, d.eoj)
}

// Get is Client.Get after checking every EPC against the Get map.
func (d *Device) Get(ctx context.Context, epcs ...byte) ([]Property, error) {
	if err := d.check(ctx, "Get", epcs); err != nil {
		return nil, err
	}
	return d.c.Get(ctx, d.to, d.eoj, epcs...)
}

// SetC is Client.SetC after checking every EPC against the Set map.
func (d *Device) SetC(ctx context.Context, props ...Property) error {
	epcs := make([]byte, len(props))
	for i, p := range props {
		epcs[i] = p.EPC
	}
	if err := d.check(ctx, "Set", epcs); err != nil {
		return err
	}
	return d.c.SetC(ctx, d.to, d.eoj, props...)
}

func (d *Device) check(ctx context.Context, which string, epcs []byte) error {
	maps, err := d.Maps(ctx)
	if err != nil {
		return fmt.Errorf("echonet: reading the property maps of %v at %v before %s: %w", d.eoj, d.to, which, err)
	}
	m := maps.Get
	if which == "Set" {
		m = maps.Set
	}
	var refused []byte
	for _, e := range epcs {
		if !m.Allows(e) {
			refused = append(refused, e)
		}
	}
	if len(refused) > 0 {
		return &NotInMapError{To: d.to, EOJ: d.eoj, Map: which, EPCs: refused}
	}
	return nil
}
