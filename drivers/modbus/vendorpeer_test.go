package modbus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The vendor peers: testdata/vendor_server.py (Debian's pymodbus serving
// register maps written from devices.md §4) behind testdata/fault_proxy.py,
// which changes pymodbus' replies per unit on command.

// faultProxy is the running fault_proxy.py.
type faultProxy struct{ *peerScript }

// set puts a fault ("delay 300", "dup 0", "clear", ...) on unit's replies
// and returns once the proxy has it in force.
func (p *faultProxy) set(t testing.TB, unit byte, fault string) {
	t.Helper()
	if _, err := fmt.Fprintf(p.stdin, "%d %s\n", unit, fault); err != nil {
		t.Fatal(err)
	}
	if line := p.next(t); line != "ok" {
		t.Fatalf("fault proxy answered %q to %q", line, fault)
	}
}

// count is how many requests for unit reached the proxy (and pymodbus).
func (p *faultProxy) count(t testing.TB, unit byte) int {
	t.Helper()
	if _, err := fmt.Fprintf(p.stdin, "%d count\n", unit); err != nil {
		t.Fatal(err)
	}
	line := p.next(t)
	n, err := strconv.Atoi(strings.TrimPrefix(line, "count "))
	if err != nil {
		t.Fatalf("fault proxy count: %q", line)
	}
	return n
}

func (p *faultProxy) next(t testing.TB) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		if !ok {
			t.Fatal("fault proxy exited")
		}
		return line
	case <-time.After(10 * time.Second):
		t.Fatal("fault proxy did not answer")
	}
	return ""
}

// vendorRTU is an arbiter on a pty pair whose other end the fault proxy
// holds; the proxy forwards to pymodbus on a second pty pair. spec names
// the units' maps, e.g. "1=abb,2=abb".
func vendorRTU(t *testing.T, spec string, cfg BusConfig) (*Arbiter, *faultProxy, *fakeClock) {
	t.Helper()
	needPymodbus(t)
	driverEnd, proxyDriverEnd := startPtyPair(t)
	proxyServerEnd, serverEnd := startPtyPair(t)
	startScript(t, "testdata/vendor_server.py", "rtu", serverEnd, "19200", spec)
	ps, _ := startScript(t, "testdata/fault_proxy.py", "rtu", proxyDriverEnd, proxyServerEnd)
	cfg.Device, cfg.BaudRate, cfg.Parity = driverEnd, 19200, "none"
	clock := newFakeClock()
	bus, err := openBus(cfg, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bus.Close() })
	return bus, &faultProxy{ps}, clock
}

// vendorTCP is a pooled connection to the fault proxy in front of a
// pymodbus TCP server.
func vendorTCP(t *testing.T, spec string, timeout time.Duration) (*TCPDevice, *faultProxy) {
	t.Helper()
	needPymodbus(t)
	_, port := startScript(t, "testdata/vendor_server.py", "tcp", "0", "-", spec)
	ps, proxyPort := startScript(t, "testdata/fault_proxy.py", "tcp", port)
	n, err := strconv.Atoi(proxyPort)
	if err != nil {
		t.Fatalf("fault proxy port %q", proxyPort)
	}
	pool := NewTCPPool(TCPPoolConfig{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	t.Cleanup(func() { _ = pool.Close() })
	d, err := pool.Acquire(TCPConfig{Host: "127.0.0.1", Port: n, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return d, &faultProxy{ps}
}

// abbUnit is what vendor_server.py's ABB Terra AC map holds for unit u
// (devices.md §4.1, 32-bit values high word first).
type abbUnit byte

func (u abbUnit) amps() uint16 { return 16000 - 1000*uint16(u-1) }

// currentL1 is 0x4010 x2: the L1 current in mA.
func (u abbUnit) currentL1() []uint16 { return []uint16{0, u.amps()} }

// currents is 0x4010 x6: L1-L3 in mA.
func (u abbUnit) currents() []uint16 {
	return []uint16{0, u.amps(), 0, u.amps() + 1, 0, u.amps() + 2}
}

// power is 0x401C x2: active power in W.
func (u abbUnit) power() []uint16 { return []uint16{0, 7560 + 100*uint16(u-1)} }

var (
	abbCurrentL1 = Block{Name: "currentL1", Address: 0x4010, Count: 2}
	abbCurrents  = Block{Name: "currents", Address: 0x4010, Count: 6}
	abbPower     = Block{Name: "power", Address: 0x401C, Count: 2}
)

// writeStep is one write and the read that shows the peer took it.
type writeStep struct {
	name  string
	unit  byte
	write func(ctx context.Context, d Device) error
	block Block
	want  []uint16
}

func runWriteSteps(t *testing.T, d Device, steps []writeStep) {
	t.Helper()
	ctx := context.Background()
	for _, st := range steps {
		if err := st.write(ctx, d); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		res, err := d.ReadBlocks(ctx, st.unit, []Block{st.block})
		if err != nil || !slices.Equal(res[0].Values, st.want) {
			t.Fatalf("%s read back %v %v, want %v", st.name, res[0].Values, err, st.want)
		}
	}
}

// refusal is a fault that makes replies answer another question, and how
// the driver must report it.
type refusal struct {
	fault    string
	sentinel error
	msg      string
}

// checkRefused puts tc's fault on unit 1, checks that a read of blocks is
// refused as tc says after attempts, with no values, and that the unit
// reads want again once the fault is cleared.
func checkRefused(t *testing.T, d Device, proxy *faultProxy, tc refusal, attempts int, blocks []Block, want [][]uint16) {
	t.Helper()
	proxy.set(t, 1, tc.fault)
	res, err := d.ReadBlocks(context.Background(), 1, blocks)
	var e *Error
	if !errors.Is(err, tc.sentinel) || errors.Is(err, ErrException) || !errors.As(err, &e) || e.Attempts != attempts || !strings.Contains(err.Error(), tc.msg) {
		t.Fatalf("got %v, want %v with %q after %d attempts", err, tc.sentinel, tc.msg, attempts)
	}
	for _, r := range res {
		if r.Err == nil || r.Values != nil {
			t.Fatalf("block %s: %v %v, want refused", r.Block.Name, r.Values, r.Err)
		}
	}
	proxy.set(t, 1, "clear")
	if n := pollChecked(t, d, 1, blocks, want); n != len(blocks) {
		t.Fatalf("after the fault: %d of %d blocks read", n, len(blocks))
	}
}
