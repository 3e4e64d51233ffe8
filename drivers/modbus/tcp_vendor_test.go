package modbus

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Tests against a pymodbus TCP server with ABB (unit 1) and KEBA (unit
// 255) maps, through the fault proxy.

// A reply sent twice, back to back or just before the next reply, or one
// that trickles in byte by byte within the timeout: each request still
// gets its own answer, and the connection is kept. The reader keeps nothing
// of one frame for the next but a whole later frame.
func TestTCPDuplicateRepliesDropped(t *testing.T) {
	for _, tc := range []struct {
		fault string
		late  uint64
	}{{"dup 0", 10}, {"dupnext", 10}, {"slow 3", 0}} { // slow: 13 or 15 bytes in under 50 ms
		fault := tc.fault
		t.Run(fault, func(t *testing.T) {
			d, proxy := vendorTCP(t, "1=abb,255=keba", time.Second)
			u := abbUnit(1)
			blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
			proxy.set(t, 1, fault)
			for i := range 5 {
				if n := pollChecked(t, d, 1, blocks, want); n != 2 {
					t.Fatalf("poll %d: %d of 2 blocks read", i, n)
				}
			}
			// The last copy comes before the next reply.
			proxy.set(t, 1, "clear")
			if n := pollChecked(t, d, 1, blocks, want); n != 2 {
				t.Fatalf("after the fault: %d of 2 blocks read", n)
			}
			if s := d.Stats(); s.LateReplies != tc.late || s.Dials != 1 || s.OK != 12 {
				t.Fatalf("stats %+v: want %d copies dropped on one connection", s, tc.late)
			}
		})
	}
}

// A reply with another transaction id answers nothing of ours.
func TestTCPReplyWithOtherTransactionID(t *testing.T) {
	d, proxy := vendorTCP(t, "1=abb", 200*time.Millisecond)
	proxy.set(t, 1, "tid")
	_, err := d.ReadBlocks(context.Background(), 1, []Block{abbPower})
	if !errors.Is(err, ErrNoResponse) {
		t.Fatalf("reply for another transaction: %v", err)
	}
	if s := d.Stats(); s.LateReplies != 1 {
		t.Fatalf("stats %+v", s)
	}
	proxy.set(t, 1, "clear")
	if n := pollChecked(t, d, 1, []Block{abbPower}, [][]uint16{abbUnit(1).power()}); n != 1 {
		t.Fatal("after the fault: not read")
	}
}

// Late replies: every request that gets a reply gets its own.
func TestTCPLateRepliesNeverSwapBlocks(t *testing.T) {
	d, proxy := vendorTCP(t, "1=abb", 200*time.Millisecond)
	u := abbUnit(1)
	blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
	proxy.set(t, 1, "delay 300")
	for range 3 {
		if n := pollChecked(t, d, 1, blocks, want); n != 0 {
			t.Fatalf("%d blocks read from replies 100 ms after the timeout", n)
		}
	}
	proxy.set(t, 1, "clear")
	if n := pollChecked(t, d, 1, blocks, want); n != 2 {
		t.Fatalf("after the fault: %d of 2 blocks read", n)
	}
}

// Replies that answer another question are refused, by kind, and the next
// request is answered right.
func TestTCPMismatchedRepliesRefused(t *testing.T) {
	d, proxy := vendorTCP(t, "1=abb,2=abb", 300*time.Millisecond)
	u := abbUnit(1)
	for _, tc := range []refusal{
		{"fc 0x10", ErrBadResponse, "reply function 0x10 to request function 0x03"},
		{"foreign 2", ErrBadResponse, "reply from unit 2 to a request for unit 1"},
		{"short", ErrBadResponse, "reply of 4 bytes does not carry the 4 data bytes of 2 registers"},
		{"truncate 2", ErrNoResponse, "i/o timeout"},
		{"slow 40", ErrNoResponse, "i/o timeout"}, // 13 bytes in 520 ms
	} {
		t.Run(tc.fault, func(t *testing.T) {
			checkRefused(t, d, proxy, tc, 1, []Block{abbPower}, [][]uint16{u.power()})
		})
	}
}

func TestTCPExceptionIllegalAddressIsException(t *testing.T) {
	d, _ := vendorTCP(t, "255=keba", time.Second)
	_, err := d.ReadBlocks(context.Background(), 255, []Block{{Address: 1001, Count: 2}})
	var e *Error
	if !errors.Is(err, ErrException) || !errors.As(err, &e) || e.Exception != IllegalDataAddress ||
		!strings.Contains(err.Error(), "unit 255 read holding 0x03E9 x2: exception 0x02 illegal data address") {
		t.Fatalf("read across KEBA's register boundary: %v", err)
	}
	if s := d.Stats(); s.Dials != 1 || s.Exceptions[IllegalDataAddress] != 1 {
		t.Fatalf("an exception keeps the connection: %+v", s)
	}
}

// KEBA takes FC06 on 5004 (devices.md §4.4), ABB FC16 on 0x4100 (§4.1).
func TestTCPVendorWritesReadBack(t *testing.T) {
	d, _ := vendorTCP(t, "1=abb,255=keba", time.Second)
	runWriteSteps(t, d, []writeStep{
		{"KEBA FC06", 255, func(ctx context.Context, d Device) error { return d.WriteRegister(ctx, 255, 5004, 10000) }, Block{Address: 5004, Count: 1}, []uint16{10000}},
		{"ABB FC16", 1, func(ctx context.Context, d Device) error { return d.WriteRegisters(ctx, 1, 0x4100, []uint16{0, 6000}) },
			Block{Address: 0x4100, Count: 2}, []uint16{0, 6000}},
		{"FC05", 1, func(ctx context.Context, d Device) error { return d.WriteCoil(ctx, 1, 0, true) }, Block{Function: Coil, Address: 0, Count: 2}, []uint16{1, 1}},
		{"FC15", 1, func(ctx context.Context, d Device) error { return d.WriteCoils(ctx, 1, 10, []bool{false, false, true}) },
			Block{Function: Coil, Address: 9, Count: 4}, []uint16{1, 0, 0, 1}},
	})
}
