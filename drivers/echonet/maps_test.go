package echonet

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// The Responder's 02A101 lists 0x80, 0xDA, 0xEB and 0xED in its Set map:
// a SetC of 0xC7 through a Device is refused without reaching it.
func TestDeviceRefusesOutsideTheMaps(t *testing.T) {
	c := newTestClient(t, Config{})
	var sets atomic.Int32 // the responder calls Drop on its own goroutine
	r := newTestResponder(t, c.LocalAddr(), func(_ netip.AddrPort, f *Frame) bool {
		if f.ESV == SetC {
			sets.Add(1)
		}
		return false
	})
	ctx := context.Background()
	d := c.Device(r.Addr(), evse)
	err := d.SetC(ctx, Property{EPC: 0xC7, EDT: []byte{0x30}}, Property{EPC: 0xDA, EDT: []byte{0x42}})
	var nim *NotInMapError
	if !errors.As(err, &nim) || !errors.Is(err, ErrNotInMap) || nim.Map != "Set" || len(nim.EPCs) != 1 || nim.EPCs[0] != 0xC7 ||
		!strings.Contains(err.Error(), "EPC 0xC7 in its Set property map (0x9E)") {
		t.Fatalf("SetC = %v", err)
	}
	if _, err := d.Get(ctx, 0x80, 0xF0); !errors.As(err, &nim) || nim.Map != "Get" || nim.EPCs[0] != 0xF0 {
		t.Fatalf("Get of 0xF0 = %v", err)
	}
	if err := d.SetC(ctx, Property{EPC: 0xDA, EDT: []byte{0x42}}); err != nil {
		t.Fatal(err)
	}
	if n := sets.Load(); n != 1 {
		t.Fatalf("the responder saw %d SetC, want only the allowed one", n)
	}
	if _, err := c.PropertyMaps(ctx, r.Addr(), NewEOJ(0x02A1, 0)); err == nil {
		t.Fatal("property maps of instance 0 should be refused")
	}
}

func TestEDTSize(t *testing.T) {
	tests := []struct {
		class    uint16
		epc      byte
		min, max int
		ok       bool
	}{
		{0x02A1, 0xD8, 4, 4, true}, {0x02A1, 0xE6, 1, 25, true}, {0x027E, 0xD4, 2, 2, true},
		{0x02A1, 0xD4, 0, 0, false}, // only 0x027E has current
		{0x0130, 0x8A, 3, 3, true},  // super class of any device
		{0x0EF0, 0xD3, 3, 3, true}, {0x0EF0, 0xD6, 0, 0, false},
	}
	for _, tt := range tests {
		lo, hi, ok := EDTSize(tt.class, tt.epc)
		if lo != tt.min || hi != tt.max || ok != tt.ok {
			t.Errorf("EDTSize(%04X, %02X) = %d, %d, %v; want %d, %d, %v", tt.class, tt.epc, lo, hi, ok, tt.min, tt.max, tt.ok)
		}
	}
}
