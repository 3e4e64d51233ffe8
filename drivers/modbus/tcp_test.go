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

	sm "github.com/simonvetter/modbus"
)

// tcpFixture is a pool talking to one simonvetter server on loopback.
type tcpFixture struct {
	peer *tcpPeer
	srv  *sm.ModbusServer
	pool *TCPPool
	host string
	port int
}

func newTCPFixture(t *testing.T) *tcpFixture {
	t.Helper()
	f := &tcpFixture{peer: newTCPPeer(), pool: NewTCPPool(TCPPoolConfig{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})}
	f.host, f.port = freeAddr(t)
	f.srv = startServer(t, f.peer, f.host, f.port)
	t.Cleanup(func() { _ = f.pool.Close() })
	return f
}

func (f *tcpFixture) device(t *testing.T) *TCPDevice {
	t.Helper()
	d, err := f.pool.Acquire(TCPConfig{Host: f.host, Port: f.port, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func seq(base, n int) []uint16 {
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(base + i)
	}
	return out
}

func TestTCPReadBlocks(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	tests := []struct {
		name  string
		unit  byte
		block Block
		want  []uint16
	}{
		{"holding", 1, Block{Name: "h", Function: Holding, Address: 10, Count: 4}, seq(1010, 4)},
		{"holding max count", 2, Block{Name: "h", Function: Holding, Address: 0, Count: 125}, seq(2000, 125)},
		{"input", 3, Block{Name: "i", Function: Input, Address: 5, Count: 3}, seq(6005, 3)},
		{"coils", 1, Block{Name: "c", Function: Coil, Address: 0, Count: 10}, []uint16{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}},
		{"discrete", 1, Block{Name: "d", Function: Discrete, Address: 1, Count: 9}, []uint16{0, 0, 1, 0, 0, 1, 0, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := d.ReadBlocks(context.Background(), tt.unit, []Block{tt.block})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 || !slices.Equal(res[0].Values, tt.want) {
				t.Fatalf("got %v, want %v", res, tt.want)
			}
		})
	}
}

func TestTCPReadBlocksOneRequestPerBlock(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	blocks := []Block{{Name: "a", Address: 0, Count: 2}, {Name: "b", Function: Input, Address: 0, Count: 1}, {Name: "c", Address: 100, Count: 3}}
	res, err := d.ReadBlocks(context.Background(), 1, blocks)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.peer.requestCount(); n != 3 {
		t.Fatalf("server saw %d requests for 3 blocks", n)
	}
	for i, r := range res {
		if r.Block.Name != blocks[i].Name || len(r.Values) != int(blocks[i].Count) {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
}

func TestTCPWritesReadBack(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	ctx := context.Background()
	if err := d.WriteRegisters(ctx, 1, 0x20, []uint16{0xBEEF, 0x0102}); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteRegister(ctx, 1, 0x30, 16000); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteCoil(ctx, 1, 3, false); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteCoil(ctx, 1, 4, true); err != nil {
		t.Fatal(err)
	}
	res, err := d.ReadBlocks(ctx, 1, []Block{
		{Name: "fc16", Address: 0x20, Count: 2},
		{Name: "fc06", Address: 0x30, Count: 1},
		{Name: "fc05", Function: Coil, Address: 3, Count: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]uint16{{0xBEEF, 0x0102}, {16000}, {0, 1}} {
		if !slices.Equal(res[i].Values, want) {
			t.Errorf("%s read back %v, want %v", res[i].Block.Name, res[i].Values, want)
		}
	}
	// Unit 2 behind the same address is untouched.
	res, err = d.ReadBlocks(ctx, 2, []Block{{Name: "other", Address: 0x20, Count: 1}})
	if err != nil || res[0].Values[0] != 2032 {
		t.Fatalf("unit 2 = %v, %v", res, err)
	}
}

func TestTCPExceptions(t *testing.T) {
	f := newTCPFixture(t)
	f.peer.failWith[9] = sm.ErrServerDeviceBusy
	f.peer.failWith[10] = sm.ErrGWTargetFailedToRespond
	f.peer.failWith[11] = sm.ErrIllegalFunction
	d := f.device(t)
	tests := []struct {
		name     string
		unit     byte
		block    Block
		sentinel error
		code     ExceptionCode
		inMsg    string
	}{
		{"illegal address", 1, Block{Address: 300, Count: 2}, ErrException, IllegalDataAddress, "unit 1 read holding 0x012C x2: exception 0x02 illegal data address"},
		{"busy", 9, Block{Function: Input, Address: 0, Count: 1}, ErrException, ServerDeviceBusy, "unit 9 read input 0x0000 x1: exception 0x06 server device busy"},
		{"illegal function", 11, Block{Function: Coil, Address: 0, Count: 1}, ErrException, IllegalFunction, "exception 0x01 illegal function"},
		{"gateway target", 10, Block{Address: 0, Count: 1}, ErrNoResponse, GatewayTargetNoAnswer, "unit 10 read holding 0x0000 x1: exception 0x0B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.ReadBlocks(context.Background(), tt.unit, []Block{tt.block})
			var e *Error
			if !errors.Is(err, tt.sentinel) || !errors.As(err, &e) || e.Exception != tt.code {
				t.Fatalf("err = %v, want %v with code %v", err, tt.sentinel, tt.code)
			}
			if !strings.Contains(err.Error(), tt.inMsg) || !strings.Contains(err.Error(), d.Addr()) {
				t.Fatalf("message %q lacks %q or the address", err, tt.inMsg)
			}
		})
	}
	// An exception is an answer: the connection stays up.
	if s := d.Stats(); s.Dials != 1 || s.Exceptions[ServerDeviceBusy] != 1 {
		t.Fatalf("stats = %+v, want one dial and one busy", s)
	}
}

func TestTCPUnitsShareOneConnection(t *testing.T) {
	f := newTCPFixture(t)
	d1, d2 := f.device(t), f.device(t)
	for i := range 5 {
		for _, u := range []byte{1, 2} {
			d := d1
			if u == 2 {
				d = d2
			}
			res, err := d.ReadBlocks(context.Background(), u, []Block{{Address: uint16(i), Count: 1}})
			if err != nil || res[0].Values[0] != uint16(u)*1000+uint16(i) {
				t.Fatalf("unit %d: %v %v", u, res, err)
			}
		}
	}
	if n := f.peer.connections(); n != 1 {
		t.Fatalf("server accepted %d connections for two units at one address, want 1", n)
	}
	st := f.pool.Stats()
	if len(st) != 1 || st[0].Refs != 2 || st[0].OK != 10 {
		t.Fatalf("pool stats = %+v", st)
	}
	// The connection outlives the first handle and closes with the last.
	_ = d1.Close()
	if st := f.pool.Stats(); len(st) != 1 || st[0].Refs != 1 {
		t.Fatalf("after one release: %+v", st)
	}
	_ = d2.Close()
	if st := f.pool.Stats(); len(st) != 0 {
		t.Fatalf("after last release: %+v", st)
	}
	if _, err := d2.ReadBlocks(context.Background(), 1, []Block{{Count: 1}}); !errors.Is(err, ErrClosed) {
		t.Fatalf("read on released handle: %v", err)
	}
}

func TestTCPReconnectAfterServerRestart(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	ctx := context.Background()
	read := func() error {
		_, err := d.ReadBlocks(ctx, 1, []Block{{Address: 1, Count: 1}})
		return err
	}
	if err := read(); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.Stop(); err != nil {
		t.Fatal(err)
	}
	// Stopped: the broken connection, then refused dials, each a connection error.
	for i := range 3 {
		if err := read(); !errors.Is(err, ErrConnection) {
			t.Fatalf("read %d with server stopped: %v, want ErrConnection", i, err)
		}
	}
	if s := d.Stats(); s.ConnErrors < 2 || s.RetryAt.IsZero() {
		t.Fatalf("stats while down = %+v, want dial failures and a back-off", s)
	}
	peer2 := newTCPPeer()
	startServer(t, peer2, f.host, f.port)
	var ok bool
	for range 500 { // bounded: the back-off is at most 20ms
		if read() == nil {
			ok = true
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if !ok {
		t.Fatalf("no reconnect after restart: %+v", d.Stats())
	}
	if s := d.Stats(); s.Dials != 2 || !s.Connected || peer2.connections() != 1 {
		t.Fatalf("after reconnect: %+v, server connections %d", s, peer2.connections())
	}
}

func TestTCPTimeoutDropsStaleReply(t *testing.T) {
	f := newTCPFixture(t)
	release := make(chan bool)
	f.peer.hold[77] = release
	t.Cleanup(func() { close(release) })
	d, err := f.pool.Acquire(TCPConfig{Host: f.host, Port: f.port, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.ReadBlocks(context.Background(), 77, []Block{{Address: 0, Count: 1}})
	if !errors.Is(err, ErrNoResponse) || !strings.Contains(err.Error(), "unit 77 read holding 0x0000 x1") {
		t.Fatalf("held unit: %v, want ErrNoResponse naming the request", err)
	}
	// The late reply is on the old socket; the next request must not see it.
	res, err := d.ReadBlocks(context.Background(), 1, []Block{{Address: 5, Count: 1}})
	if err != nil || res[0].Values[0] != 1005 {
		t.Fatalf("after timeout: %v %v", res, err)
	}
}

func TestTCPInvalidAndCanceled(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	bad := []Block{{Name: "zero", Count: 0}, {Name: "big", Count: 126}, {Name: "bits", Function: Coil, Count: 2001}, {Name: "wrap", Address: 0xFFFF, Count: 2}}
	res, err := d.ReadBlocks(context.Background(), 1, bad)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, r := range res {
		if !errors.Is(r.Err, ErrInvalid) || !strings.Contains(r.Err.Error(), fmt.Sprintf("block %q", r.Block.Name)) {
			t.Errorf("block %s: %v", r.Block.Name, r.Err)
		}
	}
	if err := d.WriteRegisters(context.Background(), 1, 0, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty write: %v", err)
	}
	if n := f.peer.requestCount(); n != 0 {
		t.Fatalf("invalid requests reached the server: %d", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.ReadBlocks(ctx, 1, []Block{{Count: 1}}); !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled: %v", err)
	}
}

func TestTCPConcurrentCallers(t *testing.T) {
	f := newTCPFixture(t)
	d := f.device(t)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unit := byte(g%4 + 1)
			for i := range 25 {
				addr := uint16(g*4 + i%4)
				if g%5 == 0 && i%5 == 0 {
					// Writes of the register's own value keep reads checkable.
					if err := d.WriteRegister(context.Background(), unit, addr, uint16(unit)*1000+addr); err != nil {
						errs <- err
						return
					}
				}
				res, err := d.ReadBlocks(context.Background(), unit, []Block{{Address: addr, Count: 2}})
				if err != nil {
					errs <- err
					return
				}
				if want := uint16(unit)*1000 + addr; res[0].Values[0] != want {
					errs <- fmt.Errorf("goroutine %d unit %d got %d, want %d: unit ids crossed", g, unit, res[0].Values[0], want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.peer.connections(); n != 1 {
		t.Fatalf("%d connections for one address", n)
	}
}

// TestTCPProbeDialsDuringBackoff: while a refused address is in dial
// back-off, requests fail at once without dialling; one made WithProbe (an
// installer's mapping test) dials anyway and reads the device that is back.
func TestTCPProbeDialsDuringBackoff(t *testing.T) {
	host, port := freeAddr(t)
	pool := NewTCPPool(TCPPoolConfig{MinBackoff: time.Hour, MaxBackoff: time.Hour})
	t.Cleanup(func() { pool.Close() })
	d, err := pool.Acquire(TCPConfig{Host: host, Port: port, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	block := []Block{{Address: 1, Count: 1}}
	if _, err := d.ReadBlocks(ctx, 1, block); !errors.Is(err, ErrConnection) {
		t.Fatalf("read of a closed port: %v", err)
	}
	startServer(t, newTCPPeer(), host, port)
	var me *Error
	if _, err := d.ReadBlocks(ctx, 1, block); !errors.As(err, &me) || me.Until.IsZero() {
		t.Fatalf("read in back-off: %v, want a connection error with its back-off", err)
	}
	if s := d.Stats(); s.Dials != 0 {
		t.Fatalf("a request in back-off dialled: %+v", s)
	}
	if _, err := d.ReadBlocks(WithProbe(ctx), 1, block); err != nil {
		t.Fatalf("probe in back-off: %v", err)
	}
	if s := d.Stats(); s.Dials != 1 || !s.Connected {
		t.Fatalf("after the probe: %+v", s)
	}
}
