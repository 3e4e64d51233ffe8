package modbus

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// tcpConn is one Modbus TCP connection shared by every unit id behind an
// address. The lock covers a whole exchange, from writing the request to
// reading its reply, so replies cannot cross between callers; it is a
// channel so a caller waiting for it can give up when its context ends.
type tcpConn struct {
	addr    string
	timeout time.Duration
	pool    TCPPoolConfig
	lock    chan struct{}
	stats   counters

	// Guarded by lock.
	conn    net.Conn
	rd      *bufio.Reader // conn's, so that a frame takes one read
	tid     uint16        // transaction id of the last request sent
	closed  bool
	backoff time.Duration
	dialErr error
	buf     [tcpMaxADU]byte

	// Written under lock and mu, so snapshot can read them under mu alone
	// while a request holds lock for a whole timeout.
	mu        sync.Mutex
	connected bool
	retryAt   time.Time
	dials     uint64

	refs int // guarded by TCPPool.mu
}

func newTCPConn(addr string, timeout time.Duration, pool TCPPoolConfig) *tcpConn {
	return &tcpConn{addr: addr, timeout: timeout, pool: pool, lock: make(chan struct{}, 1),
		rd: bufio.NewReaderSize(nil, tcpMaxADU)}
}

// exchange runs one request with the connection to itself.
func (c *tcpConn) exchange(ctx context.Context, unit byte, r request) ([]uint16, error) {
	select {
	case c.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, canceled(c.addr, unit, r, ctx.Err())
	}
	defer func() { <-c.lock }()
	if c.closed {
		return nil, &Error{Device: c.addr, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count, Kind: KindClosed}
	}
	timeout, err := budget(ctx, c.timeout)
	if err != nil {
		return nil, canceled(c.addr, unit, r, err)
	}
	if err := c.connect(unit, r, timeout, isProbe(ctx)); err != nil {
		return nil, err
	}
	vals, err := c.roundTrip(unit, &r, timeout)
	c.stats.outcome(err)
	if err == nil {
		return vals, nil
	}
	var xe *exceptionError
	if !errors.As(err, &xe) {
		// After a timeout or a garbled reply the stream may be out of step
		// (half a frame still to come); only a fresh socket is known to be.
		c.drop()
	}
	return nil, newError(c.addr, unit, r, err, 1)
}

// connect dials when there is no connection, unless a failed dial put the
// address in back-off. A connection that broke is redialled at once; only a
// failed dial starts the back-off, doubling up to MaxBackoff.
func (c *tcpConn) connect(unit byte, r request, timeout time.Duration, probe bool) error {
	if c.conn != nil {
		return nil
	}
	now := time.Now()
	c.mu.Lock()
	retryAt := c.retryAt
	c.mu.Unlock()
	if now.Before(retryAt) && !probe {
		c.stats.add(func(s *Counters) { s.BackedOff++ })
		return &Error{Device: c.addr, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count,
			Kind: KindConnection, Until: retryAt, Err: backoffErr{retryAt, c.dialErr}}
	}
	conn, err := net.DialTimeout("tcp", c.addr, timeout)
	if err != nil {
		c.backoff = min(max(2*c.backoff, c.pool.MinBackoff), c.pool.MaxBackoff)
		c.dialErr = err
		c.mu.Lock()
		c.retryAt = now.Add(c.backoff)
		c.mu.Unlock()
		c.stats.add(func(s *Counters) { s.ConnErrors++ })
		return &Error{Device: c.addr, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count,
			Kind: KindConnection, Until: now.Add(c.backoff), Err: err}
	}
	c.conn, c.backoff, c.dialErr = conn, 0, nil
	c.rd.Reset(conn)
	c.mu.Lock()
	c.connected, c.retryAt = true, time.Time{}
	c.dials++
	c.mu.Unlock()
	return nil
}

type backoffErr struct {
	until time.Time
	last  error
}

func (e backoffErr) Error() string {
	return "not dialling until " + e.until.Format(time.RFC3339Nano) + " after: " + e.last.Error()
}
func (e backoffErr) Unwrap() error { return e.last }

// drop closes the socket; the next request dials afresh. c.lock is held.
func (c *tcpConn) drop() error {
	var err error
	if c.conn != nil {
		err = c.conn.Close()
		c.conn = nil
	}
	c.mu.Lock()
	c.connected = false
	c.mu.Unlock()
	return err
}

func (c *tcpConn) close() error {
	c.lock <- struct{}{}
	defer func() { <-c.lock }()
	c.closed = true
	return c.drop()
}

func (c *tcpConn) snapshot() ConnStats {
	c.mu.Lock()
	s := ConnStats{Addr: c.addr, RetryAt: c.retryAt, Dials: c.dials, Connected: c.connected}
	c.mu.Unlock()
	s.Counters = c.stats.snapshot()
	return s
}

// budget is the time a request may take: the configured timeout, cut short
// by the caller's deadline.
func budget(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if dl, ok := ctx.Deadline(); ok {
		if d := time.Until(dl); d < timeout {
			if d <= 0 {
				return 0, context.DeadlineExceeded
			}
			return d, nil
		}
	}
	return timeout, nil
}

// canceled reports a request the caller gave up on before it was sent.
func canceled(dev string, unit byte, r request, err error) *Error {
	return &Error{Device: dev, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count, Kind: KindCanceled, Err: err}
}

type probeKey struct{}

// WithProbe marks requests an installer asked for (a mapping test, a
// discovery): a TCP address in dial back-off is dialled anyway, once. An
// RTU unit marked dead is probed by every call already.
func WithProbe(ctx context.Context) context.Context { return context.WithValue(ctx, probeKey{}, true) }

func isProbe(ctx context.Context) bool { v, _ := ctx.Value(probeKey{}).(bool); return v }
