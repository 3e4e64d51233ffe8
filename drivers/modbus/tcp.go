package modbus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// TCPConfig is one charger's Modbus TCP connection (Charger
// spec.connection.modbusTCP). Chargers with the same host and port share a
// connection; the first to acquire it sets the timeout.
type TCPConfig struct {
	Host string
	Port int // default 502
	// Timeout bounds each request, connect included. Default 1s.
	Timeout time.Duration
}

// TCPPoolConfig tunes reconnecting.
type TCPPoolConfig struct {
	// MinBackoff is the wait after the first failed dial, doubled after each
	// further failure up to MaxBackoff. Defaults 500ms and 30s.
	MinBackoff, MaxBackoff time.Duration
}

// TCPPool keeps one connection per device address, shared by every unit id
// behind it.
type TCPPool struct {
	cfg    TCPPoolConfig
	mu     sync.Mutex
	conns  map[string]*tcpConn
	closed bool
}

// NewTCPPool returns an empty pool; connections are made on first use.
func NewTCPPool(cfg TCPPoolConfig) *TCPPool {
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 500 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(30*time.Second, cfg.MinBackoff)
	}
	return &TCPPool{cfg: cfg, conns: map[string]*tcpConn{}}
}

// Acquire returns a handle on the connection to cfg's address, creating it
// if this is the first handle. Close the handle when done; the connection
// closes with its last handle.
func (p *TCPPool) Acquire(cfg TCPConfig) (*TCPDevice, error) {
	if cfg.Host == "" {
		return nil, errors.New("modbus: tcp config: host is empty")
	}
	if cfg.Port == 0 {
		cfg.Port = 502
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("modbus: tcp config %s: port %d outside 1..65535", cfg.Host, cfg.Port)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Second
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, fmt.Errorf("modbus: %s: %w", addr, ErrClosed)
	}
	c := p.conns[addr]
	if c == nil {
		c = newTCPConn(addr, cfg.Timeout, p.cfg)
		p.conns[addr] = c
	}
	c.refs++
	return &TCPDevice{pool: p, c: c}, nil
}

// Stats snapshots every connection in the pool.
func (p *TCPPool) Stats() []ConnStats {
	p.mu.Lock()
	conns := make([]*tcpConn, 0, len(p.conns))
	refs := make([]int, 0, len(p.conns))
	for _, c := range p.conns {
		conns = append(conns, c)
		refs = append(refs, c.refs)
	}
	p.mu.Unlock()
	out := make([]ConnStats, len(conns))
	for i, c := range conns {
		out[i] = c.snapshot()
		out[i].Refs = refs[i]
	}
	return out
}

// Close closes every connection; handles still held fail with ErrClosed.
func (p *TCPPool) Close() error {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[string]*tcpConn{}
	p.closed = true
	p.mu.Unlock()
	var errs []error
	for _, c := range conns {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}

func (p *TCPPool) release(c *tcpConn) error {
	p.mu.Lock()
	c.refs--
	last := c.refs == 0 && p.conns[c.addr] == c
	if last {
		delete(p.conns, c.addr)
	}
	p.mu.Unlock()
	if last {
		return c.close()
	}
	return nil
}

// TCPDevice is one holder's handle on a pooled connection. It implements
// Device and is safe for concurrent use.
type TCPDevice struct {
	pool *TCPPool
	c    *tcpConn
	once sync.Once
}

var _ Device = (*TCPDevice)(nil)

// Addr is the host:port the handle talks to.
func (d *TCPDevice) Addr() string { return d.c.addr }

// Stats snapshots the shared connection.
func (d *TCPDevice) Stats() ConnStats { return d.c.snapshot() }

// Close releases the handle; the last release closes the connection.
func (d *TCPDevice) Close() error {
	var err error
	d.once.Do(func() { err = d.pool.release(d.c) })
	return err
}

// ReadBlocks implements Device. Each block takes the connection separately,
// so a command from another goroutine can go between two blocks.
func (d *TCPDevice) ReadBlocks(ctx context.Context, unit byte, blocks []Block) ([]Result, error) {
	results := make([]Result, len(blocks))
	for i, b := range blocks {
		results[i].Block = b
		r := readRequest(b)
		if err := checkBlock(b); err != nil {
			results[i].Err = invalid(d.c.addr, unit, r, err)
			continue
		}
		results[i].Values, results[i].Err = d.c.exchange(ctx, unit, r)
	}
	return results, firstErr(results)
}

// WriteRegisters implements Device (FC16).
func (d *TCPDevice) WriteRegisters(ctx context.Context, unit byte, addr uint16, words []uint16) error {
	r, err := writeRegistersRequest(addr, words)
	if err != nil {
		return invalid(d.c.addr, unit, r, err)
	}
	_, err = d.c.exchange(ctx, unit, r)
	return err
}

// WriteRegister implements Device (FC06).
func (d *TCPDevice) WriteRegister(ctx context.Context, unit byte, addr uint16, word uint16) error {
	_, err := d.c.exchange(ctx, unit, request{fc: fcWriteRegister, addr: addr, count: 1, words: []uint16{word}})
	return err
}

// WriteCoils implements Device (FC15).
func (d *TCPDevice) WriteCoils(ctx context.Context, unit byte, addr uint16, values []bool) error {
	r, err := writeCoilsRequest(addr, values)
	if err != nil {
		return invalid(d.c.addr, unit, r, err)
	}
	_, err = d.c.exchange(ctx, unit, r)
	return err
}

// WriteCoil implements Device (FC05).
func (d *TCPDevice) WriteCoil(ctx context.Context, unit byte, addr uint16, on bool) error {
	_, err := d.c.exchange(ctx, unit, request{fc: fcWriteCoil, addr: addr, count: 1, on: on})
	return err
}
