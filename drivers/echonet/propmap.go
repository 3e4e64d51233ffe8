package echonet

import (
	"fmt"
	"slices"
)

// Property-map EPCs present on every object.
const (
	EPCInfMap = 0x9D // status-change announcement property map
	EPCSetMap = 0x9E // Set property map
	EPCGetMap = 0x9F // Get property map
)

// bitmapThreshold is the property count from which a map is sent as a bitmap
// (format 2, PDC 17) instead of a list (format 1).
const bitmapThreshold = 16

// PropertyMap is a decoded 0x9D/0x9E/0x9F value.
type PropertyMap struct {
	// EPCs present, ascending.
	EPCs []byte
	// Declared is the count byte the device sent. For a bitmap it can
	// disagree with the bits (a known device bug masks away 0xC0–0xFF); the
	// bits are what EPCs holds.
	Declared int
	// Known is true for a map decoded from a device's answer. The zero
	// PropertyMap (not supplied) restricts nothing.
	Known bool
}

// Consistent reports whether the count byte matches the properties found.
func (m PropertyMap) Consistent() bool { return m.Declared == len(m.EPCs) }

// Restricts reports whether the map can be used to refuse requests: it
// arrived and its count byte agrees with its contents. A map whose count
// disagrees is known to be damaged (uecho-go drops 0xC0–0xFF from bitmaps,
// devices.md §1.5), so it would refuse properties the device has.
func (m PropertyMap) Restricts() bool { return m.Known && m.Consistent() }

// Allows reports whether a request for epc may be sent: the map lists it,
// or the map cannot be trusted to say (see Restricts).
func (m PropertyMap) Allows(epc byte) bool { return !m.Restricts() || m.Has(epc) }

// Has reports whether epc is in the map.
func (m PropertyMap) Has(epc byte) bool {
	_, ok := slices.BinarySearch(m.EPCs, epc)
	return ok
}

// DecodePropertyMap reads either encoding of a property map.
func DecodePropertyMap(edt []byte) (PropertyMap, error) {
	if len(edt) == 0 {
		return PropertyMap{}, fmt.Errorf("echonet: property map: offset 0: empty, need the count byte")
	}
	n := int(edt[0])
	if n < bitmapThreshold {
		if len(edt) != 1+n {
			return PropertyMap{}, fmt.Errorf("echonet: property map: offset %d: list of %d EPCs needs %d bytes, have %d",
				min(len(edt), 1+n), n, 1+n, len(edt))
		}
		epcs := slices.Clone(edt[1:])
		slices.Sort(epcs)
		return PropertyMap{EPCs: slices.Compact(epcs), Declared: n, Known: true}, nil
	}
	if len(edt) != 1+16 {
		return PropertyMap{}, fmt.Errorf("echonet: property map: offset %d: bitmap (count %d) needs 17 bytes, have %d",
			min(len(edt), 17), n, len(edt))
	}
	epcs := make([]byte, 0, n)
	// Collect in ascending EPC order: bit j outer, byte k inner.
	for j := 0; j < 8; j++ {
		for k := 0; k < 16; k++ {
			if edt[1+k]&(1<<j) != 0 {
				epcs = append(epcs, byte(0x80+0x10*j+k))
			}
		}
	}
	return PropertyMap{EPCs: epcs, Declared: n, Known: true}, nil
}

// EncodePropertyMap encodes a set of EPCs (0x80–0xFF, duplicates ignored) in
// the form the specification prescribes for its size.
func EncodePropertyMap(epcs []byte) ([]byte, error) {
	set := slices.Clone(epcs)
	slices.Sort(set)
	set = slices.Compact(set)
	for i, e := range set {
		if e < 0x80 {
			return nil, fmt.Errorf("echonet: property map: EPC 0x%02X (entry %d) is below 0x80", e, i)
		}
	}
	if len(set) < bitmapThreshold {
		return append([]byte{byte(len(set))}, set...), nil
	}
	out := make([]byte, 17)
	out[0] = byte(len(set))
	for _, e := range set {
		v := e - 0x80
		out[1+(v&0x0F)] |= 1 << (v >> 4)
	}
	return out, nil
}
