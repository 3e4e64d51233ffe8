package modbus

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tests against pymodbus serving ABB Terra AC units (devices.md §4.1) on
// RTU, through the fault proxy.

// pollChecked reads blocks from unit and fails the test for any value that
// is not the block's own. It returns how many blocks were read.
func pollChecked(t *testing.T, d Device, unit byte, blocks []Block, want [][]uint16) int {
	t.Helper()
	res, _ := d.ReadBlocks(context.Background(), unit, blocks)
	ok := 0
	for i, r := range res {
		if r.Err != nil {
			continue
		}
		if !slices.Equal(r.Values, want[i]) {
			t.Errorf("unit %d block %s read %v, want %v", unit, r.Block.Name, r.Values, want[i])
		}
		ok++
	}
	return ok
}

// Issue 8, problem 1: a unit answering 0.1 s after the timeout for a while
// must never have one block's reply taken for the other's, and must read
// right as soon as it answers in time again.
func TestRTULateRepliesNeverSwapBlocks(t *testing.T) {
	u := abbUnit(1)
	for _, tc := range []struct {
		name   string
		blocks []Block
		want   [][]uint16
	}{
		{"same size", []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}},
		{"different sizes", []Block{abbCurrents, abbPower}, [][]uint16{u.currents(), u.power()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bus, proxy, _ := vendorRTU(t, "1=abb", BusConfig{Timeout: 200 * time.Millisecond, Retries: 1})
			if n := pollChecked(t, bus, 1, tc.blocks, tc.want); n != 2 {
				t.Fatalf("before the fault: %d of 2 blocks read", n)
			}
			proxy.set(t, 1, "delay 300")
			for range 6 {
				pollChecked(t, bus, 1, tc.blocks, tc.want)
			}
			proxy.set(t, 1, "clear")
			for i := range 4 {
				if n := pollChecked(t, bus, 1, tc.blocks, tc.want); n != 2 {
					t.Fatalf("poll %d after the unit answers in time again: %d of 2 blocks read", i, n)
				}
			}
			if s := bus.Stats(); s.NoResponse == 0 || s.LateReplies == 0 {
				t.Fatalf("the late replies were not seen: %+v", s.Counters)
			}
		})
	}
}

// A reply sent twice: the copy must not answer the next request.
func TestRTUDuplicateRepliesDropped(t *testing.T) {
	bus, proxy, _ := vendorRTU(t, "1=abb", BusConfig{Timeout: 200 * time.Millisecond})
	u := abbUnit(1)
	blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
	proxy.set(t, 1, "dup 0")
	for i := range 5 {
		if n := pollChecked(t, bus, 1, blocks, want); n != 2 {
			t.Fatalf("poll %d with duplicated replies: %d of 2 blocks read", i, n)
		}
	}
	if s := bus.Stats(); s.LateReplies == 0 || s.OK != 10 {
		t.Fatalf("duplicates not seen and dropped: %+v", s.Counters)
	}
}

// Unit 1 answers late while unit 2 is polled next: unit 1's replies must
// reach neither unit 2 nor unit 1's next request, and unit 2 must not lose
// a single poll to them (there are no retries to hide a loss).
func TestRTUInterleavedLateRepliesOfAnotherUnit(t *testing.T) {
	bus, proxy, _ := vendorRTU(t, "1=abb,2=abb", BusConfig{Timeout: 200 * time.Millisecond})
	u1, u2 := abbUnit(1), abbUnit(2)
	blocks := []Block{abbCurrentL1, abbPower}
	proxy.set(t, 1, "delay 250")
	// Unit 2 takes 100 ms, within the timeout, so that unit 1's late reply
	// arrives while unit 2's answer is awaited.
	proxy.set(t, 2, "delay 100")
	for i := range 4 {
		pollChecked(t, bus, 1, blocks, [][]uint16{u1.currentL1(), u1.power()})
		if n := pollChecked(t, bus, 2, blocks, [][]uint16{u2.currentL1(), u2.power()}); n != 2 {
			t.Fatalf("round %d: unit 2 read %d of 2 blocks while unit 1 answered late", i, n)
		}
	}
}

// Replies that answer another question are refused, by kind, with what was
// wrong, and the unit reads right once they stop.
func TestRTUMismatchedRepliesRefused(t *testing.T) {
	bus, proxy, _ := vendorRTU(t, "1=abb,2=abb", BusConfig{Timeout: 200 * time.Millisecond, Retries: 1})
	u := abbUnit(1)
	blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
	for _, tc := range []refusal{
		{"foreign 2", ErrBadResponse, "reply from unit 2 to a request for unit 1"},
		{"short", ErrBadResponse, "reply of 4 bytes does not carry the 4 data bytes of 2 registers"},
		{"truncate 3", ErrBadResponse, "truncated"},
		{"fc 0x10", ErrBadResponse, "reply function 0x10 to request function 0x03"},
		{"crc", ErrCRC, "bad CRC"},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			checkRefused(t, bus, proxy, tc, 2, blocks, want)
			if s := bus.Stats(); s.Units[1].Dead || s.Units[1].Silent != 0 {
				t.Fatalf("a unit that answers is not dead: %+v", s.Units[1])
			}
		})
	}
}

// A unit that answers slowly, byte by byte: within the timeout the frame is
// assembled; past it, the truncated frame and the bytes that trickle in
// after it are refused, and never read as values.
func TestRTUSlowReplies(t *testing.T) {
	bus, proxy, _ := vendorRTU(t, "1=abb", BusConfig{Timeout: 200 * time.Millisecond, Retries: 1})
	u := abbUnit(1)
	blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
	proxy.set(t, 1, "slow 5") // 9 bytes in 45 ms
	if n := pollChecked(t, bus, 1, blocks, want); n != 2 {
		t.Fatalf("slow within the timeout: %d of 2 blocks read", n)
	}
	proxy.set(t, 1, "slow 40") // 9 bytes in 360 ms
	res, err := bus.ReadBlocks(context.Background(), 1, blocks)
	if !errors.Is(err, ErrBadResponse) || res[0].Values != nil || res[1].Values != nil {
		t.Fatalf("slower than the timeout: %v %v", res, err)
	}
	proxy.set(t, 1, "clear")
	if n := pollChecked(t, bus, 1, blocks, want); n != 2 {
		t.Fatalf("after the fault: %d of 2 blocks read", n)
	}
}

// Issue 8, problem 6: exception 0x02 is the device saying the address is
// wrong, not a device that does not answer.
func TestRTUExceptionIllegalAddressIsException(t *testing.T) {
	bus, _, _ := vendorRTU(t, "1=abb", BusConfig{Timeout: 500 * time.Millisecond, Retries: 2})
	_, err := bus.ReadBlocks(context.Background(), 1, []Block{{Name: "past the map", Address: 0x4020, Count: 2}})
	var e *Error
	if !errors.Is(err, ErrException) || errors.Is(err, ErrNoResponse) || !errors.As(err, &e) || e.Exception != IllegalDataAddress || e.Attempts != 1 {
		t.Fatalf("unmapped address: %v", err)
	}
	if !strings.Contains(err.Error(), "unit 1 read holding 0x4020 x2: exception 0x02 illegal data address") {
		t.Fatalf("message: %v", err)
	}
	if s := bus.Stats(); s.Exceptions[IllegalDataAddress] != 1 || s.Units[1].Silent != 0 {
		t.Fatalf("stats %+v", s)
	}
}

// Issue 8, problem 6: one failed exchange must not cost 30 s. A unit is
// dead after DeadUnitAfter unanswered exchanges; then each poll costs one
// probe, and the first poll after it answers again reads it.
func TestRTUDeadUnitProbedEveryPollAndBackAtOnce(t *testing.T) {
	bus, proxy, _ := vendorRTU(t, "1=abb", BusConfig{Timeout: 200 * time.Millisecond, Retries: 1})
	u := abbUnit(1)
	blocks, want := []Block{abbCurrentL1, abbPower}, [][]uint16{u.currentL1(), u.power()}
	ctx := context.Background()
	proxy.set(t, 1, "silent")
	sent := proxy.count(t, 1)
	poll := func(wantFirst, wantSecond error, wantSent int) {
		t.Helper()
		res, _ := bus.ReadBlocks(ctx, 1, blocks)
		if !errors.Is(res[0].Err, wantFirst) || !errors.Is(res[1].Err, wantSecond) {
			t.Fatalf("got %v / %v, want %v / %v", res[0].Err, res[1].Err, wantFirst, wantSecond)
		}
		if n := proxy.count(t, 1) - sent; n != wantSent {
			t.Fatalf("%d requests on the line, want %d", n, wantSent)
		}
		sent += wantSent
	}
	poll(ErrNoResponse, ErrNoResponse, 4) // 2 blocks x (1 + 1 retry); 2 exchanges unanswered
	poll(ErrNoResponse, ErrBackedOff, 2)  // the third makes it dead; the rest of the poll is skipped
	if s := bus.Stats().Units[1]; !s.Dead || s.Silent != 3 {
		t.Fatalf("after 3 unanswered exchanges: %+v", s)
	}
	for range 3 {
		poll(ErrNoResponse, ErrBackedOff, 1) // one probe per poll, no retry
	}
	if err := bus.WriteRegisters(ctx, 1, 0x4100, []uint16{0, 6000}); !errors.Is(err, ErrNoResponse) || proxy.count(t, 1)-sent != 1 {
		t.Fatalf("write to a dead unit: %v, want one attempt", err)
	}
	sent++
	proxy.set(t, 1, "clear")
	if n := pollChecked(t, bus, 1, blocks, want); n != 2 {
		t.Fatalf("first poll after the unit answers again: %d of 2 blocks read", n)
	}
	if s := bus.Stats().Units[1]; s.Dead || s.Silent != 0 {
		t.Fatalf("after the probe was answered: %+v", s)
	}
}

// FC16, FC06, FC05 and FC15 reach pymodbus, which stores them, and read
// back; the other unit on the line is untouched.
func TestRTUVendorWritesReadBack(t *testing.T) {
	bus, _, _ := vendorRTU(t, "1=abb,2=abb", BusConfig{Timeout: 500 * time.Millisecond})
	runWriteSteps(t, bus, []writeStep{
		{"FC16 current limit", 1, func(ctx context.Context, d Device) error { return d.WriteRegisters(ctx, 1, 0x4100, []uint16{0, 10000}) },
			Block{Address: 0x4100, Count: 2}, []uint16{0, 10000}},
		{"FC06 start/stop", 1, func(ctx context.Context, d Device) error { return d.WriteRegister(ctx, 1, 0x4105, 1) }, Block{Address: 0x4105, Count: 1}, []uint16{1}},
		{"FC05 on", 1, func(ctx context.Context, d Device) error { return d.WriteCoil(ctx, 1, 2, true) }, Block{Function: Coil, Address: 2, Count: 3}, []uint16{1, 1, 0}},
		{"FC15", 1, func(ctx context.Context, d Device) error {
			return d.WriteCoils(ctx, 1, 4, []bool{true, true, false, true, false, false, true, true, true})
		}, Block{Function: Coil, Address: 4, Count: 9}, []uint16{1, 1, 0, 1, 0, 0, 1, 1, 1}},
	})
	ctx := context.Background()
	res, err := bus.ReadBlocks(ctx, 2, []Block{{Address: 0x4100, Count: 2}, {Function: Coil, Address: 4, Count: 3}})
	if err != nil || !slices.Equal(res[0].Values, []uint16{0, 0}) || !slices.Equal(res[1].Values, []uint16{1, 0, 1}) {
		t.Fatalf("unit 2: %v %v", res, err)
	}
	// A write past the map is pymodbus' exception, not a timeout.
	if err := bus.WriteRegister(ctx, 1, 0x4106, 1); !errors.Is(err, ErrException) || !strings.Contains(err.Error(), "write register (FC06) 0x4106: exception 0x02") {
		t.Fatalf("write outside the map: %v", err)
	}
}
