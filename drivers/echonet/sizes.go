package echonet

import "fmt"

// size is the EDT length range the specification gives a property.
type size struct{ min, max int }

func fixed(n int) size { return size{n, n} }

// Property sizes from the MRA (devices.md §1.4, §2.1, §2.2). Only
// properties with a defined length are listed; the property maps and
// instance lists are checked by their decoders instead.
var (
	superClassSizes = map[byte]size{
		0x80: fixed(1), 0x82: fixed(4), 0x83: fixed(17), 0x84: fixed(2), 0x85: fixed(4),
		0x88: fixed(1), 0x89: fixed(2), 0x8A: fixed(3), 0x8C: fixed(12), 0x8D: fixed(12), 0x8E: fixed(4),
	}
	nodeProfileSizes = map[byte]size{
		0x80: fixed(1), 0x82: fixed(4), 0x83: fixed(17), 0x88: fixed(1), 0x8A: fixed(3),
		0xD3: fixed(3), 0xD4: fixed(2),
	}
	// EPCs 0xC5–0xED shared by the EV charger (0x02A1) and the EV
	// charger/discharger (0x027E) have the same meaning and size.
	evSizes = map[byte]size{
		0xC5: fixed(4), 0xC7: fixed(1), 0xC8: fixed(8), 0xCA: fixed(4), 0xCC: fixed(1), 0xCD: fixed(1),
		0xCE: fixed(4), 0xCF: fixed(4), 0xD0: fixed(4), 0xD2: fixed(2), 0xD3: fixed(4), 0xD8: fixed(4),
		0xD9: fixed(1), 0xDA: fixed(1), 0xE2: fixed(4), 0xE4: fixed(1), 0xE6: {1, 25}, 0xE7: fixed(4),
		0xEB: fixed(4), 0xED: fixed(2),
	}
	v2hSizes = map[byte]size{
		0xC0: fixed(4), 0xC1: fixed(2), 0xC2: fixed(4), 0xC3: fixed(2), 0xC4: fixed(1), 0xC6: fixed(4),
		0xC9: fixed(8), 0xCB: fixed(4), 0xD4: fixed(2), 0xD5: fixed(2), 0xD6: fixed(4), 0xD7: fixed(1),
		0xDB: fixed(1), 0xDC: fixed(1), 0xDD: fixed(1), 0xDE: fixed(4), 0xDF: fixed(1), 0xE0: fixed(4),
		0xE1: fixed(1), 0xE3: fixed(2), 0xE5: fixed(1), 0xE9: fixed(2), 0xEA: fixed(4), 0xEC: fixed(4),
		0xEE: fixed(2), 0xEF: fixed(2),
	}
)

// Classes whose properties EDTSize knows.
const (
	ClassEVCharger           = 0x02A1
	ClassEVChargerDischarger = 0x027E
)

// EDTSize returns the EDT length range the specification defines for epc
// of class, and false when the driver does not know it. It knows the node
// profile, the super-class properties of every device object, and the EV
// classes 0x02A1 and 0x027E; variable-length properties are not listed. A value of another length cannot
// be decoded as the property it claims to be.
func EDTSize(class uint16, epc byte) (minLen, maxLen int, ok bool) {
	var s size
	switch class {
	case NodeProfile.Class():
		s, ok = nodeProfileSizes[epc]
	case ClassEVCharger, ClassEVChargerDischarger:
		if s, ok = evSizes[epc]; ok {
			break
		}
		if class == ClassEVChargerDischarger {
			if s, ok = v2hSizes[epc]; ok {
				break
			}
		}
		s, ok = superClassSizes[epc]
	default: // every device object inherits the super class
		s, ok = superClassSizes[epc]
	}
	return s.min, s.max, ok
}

// sizeOK reports whether edt has a length the class allows for epc; a
// property whose size is not known passes.
func sizeOK(class uint16, epc byte, edt []byte) bool {
	lo, hi, ok := EDTSize(class, epc)
	return !ok || (len(edt) >= lo && len(edt) <= hi)
}

// sizeText renders the defined length of epc, e.g. "4" or "1 to 25".
func sizeText(class uint16, epc byte) string {
	lo, hi, ok := EDTSize(class, epc)
	switch {
	case !ok:
		return "no fixed size"
	case lo == hi:
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}
