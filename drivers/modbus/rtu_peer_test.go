package modbus

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// pymodbusBus is an arbiter talking to Debian's pymodbus RTU server
// (testdata/vendor_server.py, counting map) across a socat pty pair. The line is 8N1: a pty
// ignores line settings anyway, and pyserial-asyncio's second tcsetattr
// with PARENB fails on a Linux pty with EINVAL.
func pymodbusBus(t testing.TB, units string, cfg BusConfig) *Arbiter {
	t.Helper()
	needPymodbus(t)
	a, b := startPtyPair(t)
	startPymodbus(t, a, units)
	cfg.Device, cfg.BaudRate, cfg.Parity, cfg.Timeout, cfg.Retries = b, 19200, "none", time.Second, 1
	bus, err := OpenBus(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Close() })
	return bus
}

func TestRTUPymodbusReadBlocks(t *testing.T) {
	bus := pymodbusBus(t, "1,2,3", BusConfig{})
	tests := []struct {
		name  string
		unit  byte
		block Block
		want  []uint16
	}{
		{"holding", 1, Block{Function: Holding, Address: 0, Count: 3}, seq(1000, 3)},
		{"holding unit 2", 2, Block{Function: Holding, Address: 40, Count: 60}, seq(2040, 60)},
		{"input", 3, Block{Function: Input, Address: 7, Count: 2}, seq(6007, 2)},
		{"coils", 1, Block{Function: Coil, Address: 0, Count: 5}, []uint16{0, 1, 0, 1, 0}},
		{"coils unit 2", 2, Block{Function: Coil, Address: 0, Count: 3}, []uint16{1, 0, 1}},
		{"discrete", 3, Block{Function: Discrete, Address: 0, Count: 10}, []uint16{1, 0, 0, 1, 0, 0, 1, 0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := bus.ReadBlocks(context.Background(), tt.unit, []Block{tt.block})
			if err != nil || !slices.Equal(res[0].Values, tt.want) {
				t.Fatalf("got %v %v, want %v", res, err, tt.want)
			}
		})
	}
	if s := bus.Stats(); s.OK != uint64(len(tests)) || s.Requests != s.OK {
		t.Fatalf("stats %+v", s)
	}
}

func TestRTUPymodbusWritesReadBack(t *testing.T) {
	bus := pymodbusBus(t, "1,2", BusConfig{})
	runWriteSteps(t, bus, []writeStep{
		{"FC16", 2, func(ctx context.Context, d Device) error { return d.WriteRegisters(ctx, 2, 10, []uint16{0xCAFE, 7}) }, Block{Address: 10, Count: 2}, []uint16{0xCAFE, 7}},
		{"FC06", 2, func(ctx context.Context, d Device) error { return d.WriteRegister(ctx, 2, 20, 1600) }, Block{Address: 20, Count: 1}, []uint16{1600}},
		{"FC05 on", 2, func(ctx context.Context, d Device) error { return d.WriteCoil(ctx, 2, 1, true) }, Block{Function: Coil, Address: 0, Count: 2}, []uint16{1, 1}},
		{"FC05 off", 2, func(ctx context.Context, d Device) error { return d.WriteCoil(ctx, 2, 0, false) }, Block{Function: Coil, Address: 0, Count: 2}, []uint16{0, 1}},
	})
	ctx := context.Background()
	// Unit 1 on the same line is untouched.
	res, err := bus.ReadBlocks(ctx, 1, []Block{{Address: 10, Count: 1}})
	if err != nil || res[0].Values[0] != 1010 {
		t.Fatalf("unit 1: %v %v", res, err)
	}
}

func TestRTUPymodbusFaults(t *testing.T) {
	bus := pymodbusBus(t, "1", BusConfig{DeadUnitAfter: 1, DeadUnitBackoff: time.Minute})
	ctx := context.Background()
	_, err := bus.ReadBlocks(ctx, 1, []Block{{Address: 200, Count: 1}})
	var e *Error
	if !errors.Is(err, ErrException) || !errors.As(err, &e) || e.Exception != IllegalDataAddress || e.Attempts != 1 {
		t.Fatalf("out of range: %v", err)
	}
	// pymodbus, like a real line, stays silent for a unit it does not serve.
	_, err = bus.ReadBlocks(ctx, 9, []Block{{Address: 0, Count: 1}})
	if !errors.Is(err, ErrNoResponse) || !strings.Contains(err.Error(), "unit 9 read holding 0x0000 x1: no response") {
		t.Fatalf("absent unit: %v", err)
	}
	if _, err := bus.ReadBlocks(ctx, 9, []Block{{Address: 0, Count: 1}}); !errors.Is(err, ErrBackedOff) {
		t.Fatalf("absent unit, second poll: %v", err)
	}
	res, err := bus.ReadBlocks(ctx, 1, []Block{{Address: 99, Count: 1}})
	if err != nil || res[0].Values[0] != 1099 {
		t.Fatalf("unit 1 after the faults: %v %v", res, err)
	}
}
