package modbus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// faultBus is an arbiter on one end of a pty pair and the Go responder on
// the other.
type faultBus struct {
	bus   *Arbiter
	resp  *responder
	clock *fakeClock
}

func newFaultBus(t *testing.T, cfg BusConfig, units ...byte) *faultBus {
	t.Helper()
	a, b := startPtyPair(t)
	f := &faultBus{resp: startResponder(t, a, units...), clock: newFakeClock()}
	cfg.Device = b
	if cfg.Timeout == 0 {
		cfg.Timeout = 100 * time.Millisecond
	}
	if cfg.BaudRate == 0 {
		cfg.BaudRate = 115200
	}
	bus, err := openBus(cfg, f.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Close() })
	f.bus = bus
	return f
}

func (f *faultBus) read(unit byte, addr uint16) ([]uint16, error) {
	res, err := f.bus.ReadBlocks(context.Background(), unit, []Block{{Name: "b", Address: addr, Count: 2}})
	return res[0].Values, err
}

func TestRTUCRCErrorCountedAndRetried(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 2}, 4)
	f.resp.set(4, func(u *respUnit) { u.badCRC = 1 })
	vals, err := f.read(4, 10)
	if err != nil || !slices.Equal(vals, []uint16{4010, 4011}) {
		t.Fatalf("one bad CRC then good: %v %v", vals, err)
	}
	s := f.bus.Stats()
	if s.CRCErrors != 1 || s.Retries != 1 || s.OK != 1 || f.resp.count(4) != 2 {
		t.Fatalf("stats %+v, responder saw %d", s, f.resp.count(4))
	}
	f.resp.set(4, func(u *respUnit) { u.badCRC = 100 })
	_, err = f.read(4, 10)
	var e *Error
	if !errors.Is(err, ErrCRC) || !errors.As(err, &e) || e.Attempts != 3 ||
		!strings.Contains(err.Error(), "unit 4 read holding 0x000A x2: bad CRC") {
		t.Fatalf("persistent bad CRC: %v", err)
	}
	if s := f.bus.Stats(); s.CRCErrors != 4 || !s.Units[4].BackedOffUntil.IsZero() {
		t.Fatalf("a unit answering with bad CRCs is not dead: %+v", s)
	}
}

func TestRTUBusyRetriedThenReported(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 2}, 5)
	f.resp.set(5, func(u *respUnit) { u.busy = 2 })
	if _, err := f.read(5, 0); err != nil || f.resp.count(5) != 3 {
		t.Fatalf("busy twice then answer: %v after %d requests", err, f.resp.count(5))
	}
	f.resp.set(5, func(u *respUnit) { u.busy = 100 })
	_, err := f.read(5, 0)
	var e *Error
	if !errors.Is(err, ErrException) || !errors.As(err, &e) || e.Exception != ServerDeviceBusy || e.Attempts != 3 {
		t.Fatalf("always busy: %v", err)
	}
	if !strings.Contains(err.Error(), "unit 5 read holding 0x0000 x2: exception 0x06 server device busy (after 3 attempts)") {
		t.Fatalf("message: %v", err)
	}
	if s := f.bus.Stats(); s.Exceptions[ServerDeviceBusy] != 5 || f.resp.count(5) != 6 {
		t.Fatalf("stats %+v", s)
	}
}

func TestRTUOtherExceptionsNotRetried(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 2}, 1)
	_, err := f.read(1, 99) // 99 + 2 runs past the table
	var e *Error
	if !errors.Is(err, ErrException) || !errors.As(err, &e) || e.Exception != IllegalDataAddress || e.Attempts != 1 {
		t.Fatalf("illegal address: %v", err)
	}
	if n := f.resp.count(1); n != 1 {
		t.Fatalf("exception 0x02 was sent %d times", n)
	}
	// The exception frame was read whole: the next reply is in step.
	if vals, err := f.read(1, 0); err != nil || vals[0] != 1000 {
		t.Fatalf("after exception: %v %v", vals, err)
	}
}

// goburrow's own RTU transporter cuts an exception frame that arrives as
// 4 bytes and then 1 to 4 bytes and fails it as a CRC error; the driver's
// transport reads the frame whole.
func TestRTUExceptionFrameArrivingInParts(t *testing.T) {
	f := newFaultBus(t, BusConfig{}, 1)
	f.resp.set(1, func(u *respUnit) { u.split = true })
	_, err := f.read(1, 99)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindException || e.Exception != IllegalDataAddress {
		t.Fatalf("split exception: %v", err)
	}
	if vals, err := f.read(1, 3); err != nil || vals[0] != 1003 {
		t.Fatalf("split reply: %v %v", vals, err)
	}
}

func TestRTUCanceledWhileQueuedIsNotSent(t *testing.T) {
	f := newFaultBus(t, BusConfig{Timeout: 5 * time.Second}, 1, 2)
	gate := make(chan struct{})
	f.resp.set(1, func(u *respUnit) { u.gate = gate })
	first := make(chan error, 1)
	go func() { _, err := f.read(1, 0); first <- err }()
	<-f.resp.arrived
	ctx, cancel := context.WithCancel(context.Background())
	queued := make(chan error, 1)
	go func() {
		_, err := f.bus.ReadBlocks(ctx, 2, []Block{{Count: 1}})
		queued <- err
	}()
	testutil.Eventually(t, 5*time.Second, "Stats().QueuedPolls == 1", testutil.Holds(func() bool { return f.bus.Stats().QueuedPolls == 1 }))
	cancel()
	if err := <-queued; !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled poll: %v", err)
	}
	close(gate)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 5*time.Second, "Stats().Canceled == 1", testutil.Holds(func() bool { return f.bus.Stats().Canceled == 1 }))
	if n := f.resp.count(2); n != 0 {
		t.Fatalf("a canceled poll reached the line %d times", n)
	}
}

func TestRTUGatewayTargetIsNotResponding(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 2, DeadUnitAfter: 1, DeadUnitBackoff: time.Minute}, 6)
	f.resp.set(6, func(u *respUnit) { u.exception = 0x0B })
	_, err := f.read(6, 0)
	var e *Error
	if !errors.Is(err, ErrNoResponse) || errors.Is(err, ErrException) || !errors.As(err, &e) || e.Exception != GatewayTargetNoAnswer {
		t.Fatalf("0x0B: %v", err)
	}
	if !strings.Contains(err.Error(), "not responding") || f.resp.count(6) != 1 {
		t.Fatalf("0x0B: %v, sent %d times", err, f.resp.count(6))
	}
	if _, err := f.read(6, 0); !errors.Is(err, ErrBackedOff) || f.resp.count(6) != 1 {
		t.Fatalf("after 0x0B the unit is backed off: %v", err)
	}
}

// The key property: a unit that stops answering costs the line its retries
// DeadUnitAfter times, then one probe per poll, while the other units keep
// being polled. Each round polls the three units concurrently, so every
// round in which unit 3 fails is a round in which units 1 and 2 were polled
// on the same line.
func TestRTUDeadUnitDoesNotStarveOthers(t *testing.T) {
	// A generous timeout: the healthy units must not time out on a loaded
	// machine. The silent unit sends no late replies, so a short guard.
	f := newFaultBus(t, BusConfig{Retries: 1, Timeout: 500 * time.Millisecond, LateReplyGuard: 20 * time.Millisecond}, 1, 2, 3)
	f.resp.set(3, func(u *respUnit) { u.silent = true })
	const rounds = 10
	for i := range rounds {
		errs := f.pollRound(uint16(i % 50))
		if errs[1] != nil || errs[2] != nil {
			t.Fatalf("round %d: healthy units failed while unit 3 was dead: %v, %v", i, errs[1], errs[2])
		}
		var e *Error
		if !errors.Is(errs[3], ErrNoResponse) || !errors.As(errs[3], &e) {
			t.Fatalf("round %d: dead unit: %v", i, errs[3])
		}
		if want := map[bool]int{true: 2, false: 1}[i < 3]; e.Attempts != want {
			t.Fatalf("round %d: %d attempts, want %d (retries until dead, then one probe)", i, e.Attempts, want)
		}
	}
	if n := f.resp.settled(t, 3, 3*2+(rounds-3)); n != 3*2+(rounds-3) {
		t.Fatalf("%d requests for the dead unit, want 3 exchanges of 2 then one probe per round", n)
	}
	s := f.bus.Stats()
	if !s.Units[3].Dead || s.Units[1].OK != rounds || s.Units[2].OK != rounds || s.NoResponse != 3*2+rounds-3 {
		t.Fatalf("stats %+v", s)
	}
	// The unit answers again: the next poll brings it back.
	f.resp.set(3, func(u *respUnit) { u.silent = false })
	for i := range 3 {
		if errs := f.pollRound(7); errs[1] != nil || errs[2] != nil || errs[3] != nil {
			t.Fatalf("recovered, round %d: %v", i, errs)
		}
	}
	if s := f.bus.Stats(); s.Units[3].Dead || s.Units[3].OK != 3 {
		t.Fatalf("after recovery: %+v", s.Units[3])
	}
}

// DeadUnitBackoff spaces the probes of a dead unit: until it has passed,
// polls and writes fail at once without bus time.
func TestRTUDeadUnitBackoffSpacesProbes(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 1, DeadUnitAfter: 1, DeadUnitBackoff: time.Minute, LateReplyGuard: 20 * time.Millisecond}, 3)
	f.resp.set(3, func(u *respUnit) { u.silent = true })
	if _, err := f.read(3, 0); !errors.Is(err, ErrNoResponse) || f.resp.settled(t, 3, 2) != 2 {
		t.Fatalf("first exchange: %v, %d requests", err, f.resp.count(3))
	}
	for range 3 {
		if _, err := f.read(3, 0); !errors.Is(err, ErrBackedOff) || !strings.Contains(err.Error(), "unit 3 backed off until 2026-01-01T00:01:00Z") {
			t.Fatalf("within the back-off: %v", err)
		}
	}
	if err := f.bus.WriteRegister(context.Background(), 3, 1, 1); !errors.Is(err, ErrBackedOff) || f.resp.count(3) != 2 {
		t.Fatalf("write within the back-off: %v", err)
	}
	f.clock.advance(time.Minute)
	if _, err := f.read(3, 0); !errors.Is(err, ErrNoResponse) || f.resp.settled(t, 3, 3) != 3 {
		t.Fatalf("probe: %v, requests %d", err, f.resp.count(3))
	}
	if _, err := f.read(3, 0); !errors.Is(err, ErrBackedOff) {
		t.Fatalf("after a failed probe: %v", err)
	}
	if s := f.bus.Stats(); s.BackedOff != 5 || !s.Units[3].BackedOffUntil.Equal(f.clock.now().Add(time.Minute)) {
		t.Fatalf("stats %+v", s)
	}
	f.resp.set(3, func(u *respUnit) { u.silent = false })
	f.clock.advance(time.Minute)
	for range 2 {
		if vals, err := f.read(3, 0); err != nil || vals[0] != 3000 {
			t.Fatalf("back: %v %v", vals, err)
		}
	}
	if s := f.bus.Stats().Units[3]; s.Dead || !s.BackedOffUntil.IsZero() {
		t.Fatalf("after recovery: %+v", s)
	}
}

// pollRound polls units 1, 2 and 3 at addr concurrently and checks that
// any values returned are the unit's own.
func (f *faultBus) pollRound(addr uint16) map[byte]error {
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := map[byte]error{}
	for _, unit := range []byte{1, 2, 3} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals, err := f.read(unit, addr)
			if err == nil && vals[0] != uint16(unit)*1000+addr {
				err = fmt.Errorf("unit %d read %v", unit, vals)
			}
			mu.Lock()
			errs[unit] = err
			mu.Unlock()
		}()
	}
	wg.Wait()
	return errs
}

func TestRTUWritesOvertakeQueuedPolls(t *testing.T) {
	f := newFaultBus(t, BusConfig{Timeout: 5 * time.Second}, 1, 2)
	gate := make(chan struct{})
	f.resp.set(1, func(u *respUnit) { u.gate = gate })
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	// The first poll holds the line at the responder until the gate opens.
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := f.bus.ReadBlocks(ctx, 1, []Block{{Address: 0, Count: 1}})
		errs <- err
	}()
	<-f.resp.arrived
	f.resp.set(1, func(u *respUnit) { u.gate = nil })
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.bus.ReadBlocks(ctx, 2, []Block{{Address: uint16(10 + i), Count: 1}})
			errs <- err
		}()
	}
	testutil.Eventually(t, 5*time.Second, "Stats().QueuedPolls == 4", testutil.Holds(func() bool { return f.bus.Stats().QueuedPolls == 4 }))
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs <- f.bus.WriteRegister(ctx, 2, 50, 0x1234)
	}()
	testutil.Eventually(t, 5*time.Second, "Stats().QueuedWrites == 1", testutil.Holds(func() bool { return f.bus.Stats().QueuedWrites == 1 }))
	close(gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	order := f.resp.seen()
	if len(order) != 6 || order[0].unit != 1 || order[1] != (seen{2, fcWriteRegister, 50}) {
		t.Fatalf("line order %v: want the gated poll, then the write, then the 4 queued polls", order)
	}
	for _, s := range order[2:] {
		if s.fc != fcReadHolding {
			t.Fatalf("line order %v", order)
		}
	}
}

func TestRTULateReplyNotTakenForAnotherUnit(t *testing.T) {
	f := newFaultBus(t, BusConfig{Retries: 1}, 8)
	// A well-formed answer from unit 7, as a late reply to a timed-out
	// request would arrive, lands on the line just before unit 8's reply.
	late := []byte{7, 0x03, 4, 0x1B, 0x58, 0x1B, 0x59}
	late = append(late, byte(CRC16(late)), byte(CRC16(late)>>8))
	f.resp.set(8, func(u *respUnit) { u.stale = late })
	vals, err := f.read(8, 0)
	if err != nil || !slices.Equal(vals, []uint16{8000, 8001}) {
		t.Fatalf("unit 8 read %v %v; unit 7's registers would be [7000 7001]", vals, err)
	}
	if s := f.bus.Stats(); s.BadResponses != 1 || s.Retries != 1 || f.resp.count(8) != 2 {
		t.Fatalf("stats %+v, want the stray frame refused and the request repeated", s)
	}
	f.resp.set(8, func(u *respUnit) { u.stale = late })
	f.bus.cfg.Retries = 0 // the arbiter is idle; nothing reads cfg concurrently
	_, err = f.read(8, 0)
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "reply from unit 7 to a request for unit 8") {
		t.Fatalf("without retries: %v", err)
	}
}

func TestRTUClosedAndInvalid(t *testing.T) {
	f := newFaultBus(t, BusConfig{}, 1)
	if _, err := f.bus.ReadBlocks(context.Background(), 0, []Block{{Count: 1}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("broadcast read: %v", err)
	}
	if err := f.bus.WriteRegisters(context.Background(), 1, 0, make([]uint16, 124)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("oversized write: %v", err)
	}
	_ = f.bus.Close()
	if _, err := f.read(1, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
	if len(f.resp.seen()) != 0 {
		t.Fatalf("invalid requests reached the line: %v", f.resp.seen())
	}
}
