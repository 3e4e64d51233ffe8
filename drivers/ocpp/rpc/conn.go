package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Errors a Conn reports. Every reason a Conn closes wraps ErrClosed.
var (
	ErrClosed      = errors.New("rpc: connection closed")
	ErrTimeout     = errors.New("rpc: no answer within MessageTimeout")
	ErrPongTimeout = errors.New("rpc: peer did not answer the WebSocket ping")
)

// Conn is one OCPP-J connection. Both ends may Call and serve CALLs; at
// most one CALL is outstanding per direction. A Conn costs one goroutine
// (the reader) while idle, plus one while a handler runs.
type Conn struct {
	ws      *websocket.Conn
	station string
	opts    Options
	handler atomic.Pointer[Handler]

	ctx    context.Context // cancelled when the Conn closes; parent of handler contexts
	cancel context.CancelFunc
	done   chan struct{}
	// reading is set once the reader runs; before that (inside a Server's
	// OnConnect) Close must not wait for it.
	reading atomic.Bool
	// closing is set by Close: the peer's answering close frame then ends
	// the Conn with ErrClosed, not as a close by the peer.
	closing atomic.Bool

	callSlot chan struct{} // holds the one outstanding CALL; waiters queue in order
	writeMu  sync.Mutex    // gorilla allows one writer at a time

	// call and timer belong to whoever holds callSlot; reusing them keeps
	// a Call free of per-call channel and timer allocations.
	call  pendingCall
	timer *time.Timer

	mu      sync.Mutex
	pending *pendingCall
	inbox   []frame // CALLs waiting for the handler goroutine
	serving bool
	err     error
	ping    *time.Timer
}

type pendingCall struct {
	id     string
	action string
	result chan callResult // buffered 1: the reader never blocks on it
}

type callResult struct {
	payload json.RawMessage
	err     error
	result  string // what arrived, for the Observer: ResultOK, ResultCallError or ResultInvalid
}

func newConn(ws *websocket.Conn, station string, opts Options) *Conn {
	c := &Conn{ws: ws, station: station, opts: opts,
		done: make(chan struct{}), callSlot: make(chan struct{}, 1)}
	c.call.result = make(chan callResult, 1)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if opts.Handler != nil {
		h := opts.Handler
		c.handler.Store(&h)
	}
	// No read limit on the socket: a frame over MaxMessageSize is drained
	// unbuffered by readFrame, so its size costs bandwidth, not memory,
	// and is no reason to drop the link (see README, Frame size).
	if opts.PingInterval > 0 {
		ws.SetPongHandler(func(string) error { return c.extendReadDeadline() })
	}
	return c
}

// start runs the reader in its own goroutine (the station side).
func (c *Conn) start() {
	c.armPing()
	c.reading.Store(true) // before the goroutine, so an early Close waits for it
	go c.readLoop()
}

// StationID is the station this connection belongs to.
func (c *Conn) StationID() string { return c.station }

// SetHandler replaces the handler for CALLs received from now on.
func (c *Conn) SetHandler(h Handler) { c.handler.Store(&h) }

// Done is closed once the connection is closed and the reader has stopped.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is why the connection closed (wrapping ErrClosed), or nil while open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// CloseTimeout bounds how long Close waits for the peer's close frame.
const CloseTimeout = 5 * time.Second

// Close sends a normal WebSocket close, waits for the peer's close frame
// (at most CloseTimeout), then tears the connection down. Waiting is RFC
// 6455 §7.1.1's closing handshake, and it is what lets a station dial again
// only once the CSMS has seen this connection end: a CSMS never sees two
// connections for one station id. The wait is skipped when called before
// the reader started (from a Server's OnConnect).
func (c *Conn) Close() error { return c.CloseContext(context.Background()) }

// CloseContext is Close whose wait for the peer's close frame also ends
// with ctx: a process shutting down does not wait for a silent peer.
func (c *Conn) CloseContext(ctx context.Context) error {
	c.closing.Store(true)
	deadline := time.Now().Add(CloseTimeout)
	err := c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
	if err == nil && c.reading.Load() && ctx.Err() == nil {
		t := time.NewTimer(CloseTimeout)
		select {
		case <-c.done: // the reader saw the peer's close frame, or the socket end
		case <-ctx.Done():
		case <-t.C:
			c.opts.Logger.Warn("rpc: peer did not answer the close frame", "station", c.station, "waited", CloseTimeout)
		}
		t.Stop()
	}
	c.closeWith(ErrClosed)
	if c.reading.Load() {
		<-c.done
	}
	return nil
}

// closeWith records the first reason and releases everything that waits on
// the connection. Closing the socket makes the reader return.
func (c *Conn) closeWith(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if !errors.Is(err, ErrClosed) {
		err = fmt.Errorf("%w: %w", ErrClosed, err)
	}
	c.err = err
	if c.ping != nil {
		c.ping.Stop()
	}
	c.mu.Unlock()
	c.cancel()
	_ = c.ws.Close()
}

// Call sends a CALL and waits for its CALLRESULT payload. request is
// []byte / json.RawMessage (sent as is) or a value for json.Marshal. A
// received CALLERROR is returned as *Error; no answer within
// MessageTimeout is ErrTimeout, and a result arriving later is dropped.
// Calls made while another is outstanding wait, in order.
func (c *Conn) Call(ctx context.Context, action string, request any) (json.RawMessage, error) {
	payload, err := marshalPayload(request)
	if err != nil {
		return nil, fmt.Errorf("rpc: %s request: %w", action, err)
	}
	if v := c.opts.Validator; v != nil {
		if err := v.ValidateRequest(action, payload); err != nil {
			return nil, fmt.Errorf("rpc: own %s request invalid: %w", action, err)
		}
	}
	select {
	case c.callSlot <- struct{}{}:
		defer func() { <-c.callSlot }()
	case <-ctx.Done():
		return nil, fmt.Errorf("rpc: %s waiting to send: %w", action, ctx.Err())
	case <-c.done:
		return nil, fmt.Errorf("rpc: %s: %w", action, c.Err())
	}
	p := &c.call
	p.id, p.action = newID(), action
	if err := c.setPending(p); err != nil {
		return nil, fmt.Errorf("rpc: %s: %w", action, err)
	}
	if err := c.send(appendCall(nil, p.id, action, payload)); err != nil {
		c.clearPending(p)
		if c.opts.Observer != nil {
			c.opts.Observer.CallEnded(action, ResultFailed, "", 0)
		}
		return nil, fmt.Errorf("rpc: %s send: %w", action, err)
	}
	var sent time.Time
	if c.opts.Observer != nil {
		sent = time.Now()
	}
	r := c.wait(ctx, p)
	if r.err == nil && c.opts.Validator != nil {
		if err := c.opts.Validator.ValidateResponse(action, r.payload); err != nil {
			r = callResult{err: fmt.Errorf("rpc: %s response from peer invalid: %w", action, err), result: ResultInvalid}
		}
	}
	if c.opts.Observer != nil {
		c.observeCall(action, r, sent)
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.payload, nil
}

// observeCall tells the Observer how a CALL sent at sent ended.
func (c *Conn) observeCall(action string, r callResult, sent time.Time) {
	var rtt time.Duration
	code := ""
	switch r.result {
	case ResultCallError:
		var oe *Error
		if errors.As(r.err, &oe) {
			code = string(oe.Code)
		}
		rtt = time.Since(sent)
	case ResultOK, ResultInvalid:
		rtt = time.Since(sent)
	}
	c.opts.Observer.CallEnded(action, r.result, code, rtt)
}

// wait returns what answered p; without an answer, its err says why and
// result is ResultTimeout or ResultFailed.
func (c *Conn) wait(ctx context.Context, p *pendingCall) callResult {
	if c.timer == nil {
		c.timer = time.NewTimer(c.opts.MessageTimeout)
	} else {
		c.timer.Reset(c.opts.MessageTimeout)
	}
	defer c.timer.Stop()
	cause := callResult{result: ResultFailed}
	select {
	case r := <-p.result:
		return r
	case <-c.timer.C:
		cause = callResult{err: fmt.Errorf("rpc: %s (id %s): %w (%v)", p.action, p.id, ErrTimeout, c.opts.MessageTimeout),
			result: ResultTimeout}
	case <-ctx.Done():
		cause.err = fmt.Errorf("rpc: %s (id %s): %w", p.action, p.id, ctx.Err())
	case <-c.done:
		cause.err = fmt.Errorf("rpc: %s (id %s): %w", p.action, p.id, c.Err())
	}
	if !c.clearPending(p) {
		// The reader took the call between the wake-up and the lock: its
		// result is (about to be) in the channel, is the honest answer, and
		// must be drained before the slot is reused.
		return <-p.result
	}
	return cause
}

func (c *Conn) setPending(p *pendingCall) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.pending = p
	return nil
}

// clearPending forgets p; false means the reader already took it.
func (c *Conn) clearPending(p *pendingCall) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending != p {
		return false
	}
	c.pending = nil
	return true
}

// send writes one text frame. A failed write leaves a gorilla connection
// unusable, so it closes the Conn.
func (c *Conn) send(b []byte) error {
	c.trace("out", b)
	c.writeMu.Lock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.opts.WriteTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, b)
	c.writeMu.Unlock()
	if err != nil {
		err = fmt.Errorf("rpc: write to %s: %w", c.station, err)
		c.closeWith(err)
	}
	return err
}

// armPing schedules the next ping with time.AfterFunc rather than a ticker
// goroutine, so an idle Conn keeps only its reader.
func (c *Conn) armPing() {
	if c.opts.PingInterval <= 0 {
		return
	}
	_ = c.extendReadDeadline()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.ping = time.AfterFunc(c.opts.PingInterval, c.sendPing)
	}
}

func (c *Conn) sendPing() {
	err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.opts.WriteTimeout))
	if err != nil {
		c.closeWith(fmt.Errorf("rpc: ping %s: %w", c.station, err))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.ping.Reset(c.opts.PingInterval)
	}
}

// extendReadDeadline gives the peer one more interval plus the pong
// timeout; any frame or pong from it proves it alive.
func (c *Conn) extendReadDeadline() error {
	return c.ws.SetReadDeadline(time.Now().Add(c.opts.PingInterval + c.opts.PongTimeout))
}

func marshalPayload(request any) ([]byte, error) {
	var b []byte
	switch r := request.(type) {
	case nil:
		return []byte("{}"), nil
	case []byte:
		b = r
	case json.RawMessage:
		b = r
	default:
		var err error
		if b, err = json.Marshal(r); err != nil {
			return nil, err
		}
		if !isObject(b) {
			return nil, fmt.Errorf("payload %T is not a JSON object", request)
		}
		return b, nil
	}
	if !isObject(b) || !json.Valid(b) {
		return nil, errors.New("payload is not a JSON object")
	}
	return b, nil
}

// asOCPPError keeps an *Error and wraps anything else with fallback.
func asOCPPError(err error, fallback ErrorCode) *Error {
	var oe *Error
	if errors.As(err, &oe) {
		return oe
	}
	return &Error{Code: fallback, Description: err.Error()}
}
