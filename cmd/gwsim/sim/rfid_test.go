package sim

import (
	"testing"
	"time"
)

// TestKEBARFIDReader: a P30 with a reader says so in its product code
// (1016, digit 6 = 1) and shows the presented card's 4-byte UID at 1500
// until the EV leaves (devices.md §4.4).
func TestKEBARFIDReader(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 3, RFIDReader: true}, t0)
	read := serveKEBA(t, c)
	if p := read(1016); p != 310011 {
		t.Fatalf("product code %d, want 310011 (RFID)", p)
	}
	if uid := read(1500); uid != 0 {
		t.Fatalf("1500 reads %08X before any card", uid)
	}
	for _, bad := range []string{"04A1B2", "04A1B2C3D4", "xyz12345", "00000000"} {
		if err := c.PresentCard(bad); err == nil {
			t.Errorf("card %q accepted", bad)
		}
	}
	// A card presented before the EV arrives stays for its session.
	if err := c.PresentCard("04a1b2c3"); err != nil {
		t.Fatal(err)
	}
	c.Plug(true)
	c.Step(t0.Add(time.Second))
	if uid := read(1500); uid != 0x04A1B2C3 {
		t.Fatalf("1500 reads %08X, want 04A1B2C3", uid)
	}
	if s := c.Snapshot(); s.Card != "04A1B2C3" {
		t.Fatalf("state card %q", s.Card)
	}
	c.Plug(false)
	if uid := read(1500); uid != 0 {
		t.Fatalf("1500 reads %08X after the EV left", uid)
	}
}

// TestNoReaderNoCard: a KEBA without a reader reports product code 310010
// and 1500 = 0, and refuses a card, like every other simulated model.
func TestNoReaderNoCard(t *testing.T) {
	c := NewCharger(Config{}, t0)
	k := &KEBA{C: c}
	v, err := k.Read(255, 1016, 2)
	if err != nil || words32(v) != 310010 {
		t.Fatalf("product code %v %v, want 310010", v, err)
	}
	if err := c.PresentCard("04A1B2C3"); err == nil {
		t.Fatal("a charger without a reader took a card")
	}
	if v, err := k.Read(255, 1500, 2); err != nil || words32(v) != 0 {
		t.Fatalf("1500 without a reader: %v %v", v, err)
	}
}
