package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/modbus"
)

func newRTUBus(t *testing.T, units int) (*RTUBus, []*Charger) {
	t.Helper()
	b, err := ServeRTU()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	var cs []*Charger
	for u := 1; u <= units; u++ {
		c := NewCharger(Config{MaxCurrentA: 32, Phases: 3}, t0)
		if err := b.Add(&ABB{C: c, Unit: uint8(u), Serial: "RTU"}, c); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return b, cs
}

func openArbiter(t *testing.T, path string) *modbus.Arbiter {
	t.Helper()
	arb, err := modbus.OpenBus(modbus.BusConfig{Device: path, BaudRate: 19200, Parity: "none",
		Timeout: 2 * time.Second, DeadUnitBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arb.Close() })
	return arb
}

// TestRTUBusAgainstArbiter: the drivers' RTU arbiter reads and writes
// several units over the pty; an absent unit stays silent and a refused
// address is an exception, not silence.
func TestRTUBusAgainstArbiter(t *testing.T) {
	b, cs := newRTUBus(t, 3)
	cs[1].Plug(true)
	cs[1].Step(t0.Add(time.Second))
	arb := openArbiter(t, b.Path)
	ctx := context.Background()

	res, err := arb.ReadBlocks(ctx, 2, []modbus.Block{{Name: "s", Function: modbus.Holding, Address: 0x400A, Count: 2},
		{Name: "i", Function: modbus.Input, Address: 0x4010, Count: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if lock := res[0].Values[1]; lock != 0x0101 {
		t.Errorf("unit 2 lock state %#x, want 0x0101 (plugged)", lock)
	}
	if mA := uint32(res[1].Values[0])<<16 | uint32(res[1].Values[1]); mA != 32000 {
		t.Errorf("unit 2 L1 current %d mA over FC04, want 32000", mA)
	}
	res, err = arb.ReadBlocks(ctx, 1, []modbus.Block{{Name: "s", Function: modbus.Holding, Address: 0x400A, Count: 2}})
	if err != nil || res[0].Values[1] != 0 {
		t.Fatalf("unit 1 (no EV): %v %v", res, err)
	}
	if err := arb.WriteRegisters(ctx, 3, abbSetLimit, []uint16{0, 10000}); err != nil {
		t.Fatal(err)
	}
	if s := cs[2].Snapshot(); s.SetpointA != 10 {
		t.Errorf("unit 3 setpoint %v after FC16 of 10000 mA", s.SetpointA)
	}
	if err := arb.WriteRegister(ctx, 3, abbStartStop, 1); err != nil {
		t.Errorf("FC06 to unit 3: %v", err)
	}
	_, err = arb.ReadBlocks(ctx, 1, []modbus.Block{{Name: "x", Function: modbus.Holding, Address: 0x5000, Count: 2}})
	if !errors.Is(err, modbus.ErrException) {
		t.Errorf("read outside the map: %v, want an exception", err)
	}
	_, err = arb.ReadBlocks(ctx, 9, []modbus.Block{{Name: "s", Function: modbus.Holding, Address: 0x4008, Count: 2}})
	if !errors.Is(err, modbus.ErrNoResponse) {
		t.Errorf("absent unit 9: %v, want no response", err)
	}
	cs[0].SetFault(FaultException)
	_, err = arb.ReadBlocks(ctx, 1, []modbus.Block{{Name: "s", Function: modbus.Holding, Address: 0x4008, Count: 2}})
	if !errors.Is(err, modbus.ErrException) {
		t.Errorf("busy unit 1: %v, want an exception", err)
	}
}

// rawFrame is a request with its CRC, optionally corrupted.
func rawFrame(pdu []byte, corrupt bool) []byte {
	crc := modbus.CRC16(pdu)
	if corrupt {
		crc ^= 0x0001
	}
	return binary.LittleEndian.AppendUint16(append([]byte(nil), pdu...), crc)
}

// TestRTUBusDropsBadFrames: a frame with a bad CRC, and a fragment followed
// by silence, get no answer; the good frame after each is answered.
func TestRTUBusDropsBadFrames(t *testing.T) {
	b, cs := newRTUBus(t, 1)
	line, err := os.OpenFile(b.Path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer line.Close()
	// Only a guard against a hung test; nothing here depends on it.
	_ = line.SetReadDeadline(time.Now().Add(30 * time.Second))
	bad := rawFrame([]byte{1, fcWriteMultiple, 0x41, 0x00, 0, 2, 4, 0, 0, 0x13, 0x88}, true)
	for i, junk := range [][]byte{bad, bad[:5]} {
		if _, err := line.Write(junk); err != nil {
			t.Fatal(err)
		}
		// The read goes out only once the junk was counted, so the two never
		// arrive as one burst: what is tested is the slave's resynchronisation.
		for s := b.Stats(); s.CRCErrors+s.Dropped == uint64(i); s = b.Stats() {
			time.Sleep(time.Millisecond)
		}
		if _, err := line.Write(rawFrame([]byte{1, fcReadHolding, 0x40, 0x06, 0, 2}, false)); err != nil {
			t.Fatal(err)
		}
		want := rawFrame([]byte{1, fcReadHolding, 4, 0, 0, 0x7D, 0x00}, false) // 32000 mA rated
		got := make([]byte, len(want))
		if _, err := io.ReadFull(line, got); err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("answer % X, want % X", got, want)
		}
	}
	if s := b.Stats(); s.CRCErrors != 1 || s.Dropped != 1 || s.Requests != 2 {
		t.Errorf("stats %+v, want 1 CRC error, 1 dropped fragment and 2 requests", s)
	}
	if s := cs[0].Snapshot(); s.SetpointA != 32 {
		t.Errorf("the corrupted 5 A write reached the register map: setpoint %v", s.SetpointA)
	}
}

func TestCRC16(t *testing.T) {
	// Read holding registers, unit 1, address 0, 1 register: CRC 0x0A84, sent 84 0A.
	if got := rawFrame([]byte{0x01, 0x03, 0x00, 0x00, 0x00, 0x01}, false); got[6] != 0x84 || got[7] != 0x0A {
		t.Fatalf("crc bytes % X, want 84 0A", got[6:])
	}
}
