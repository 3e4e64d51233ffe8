package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/gorilla/websocket"
)

// readLoop is the Conn's one permanent goroutine: it reads, decodes and
// routes every frame, and answers bad ones itself.
func (c *Conn) readLoop() {
	c.reading.Store(true)
	defer close(c.done)
	for {
		data, err := c.readFrame()
		if err != nil && c.closing.Load() {
			c.closeWith(ErrClosed)
			return
		}
		if err != nil {
			c.closeWith(c.readError(err))
			return
		}
		if data == nil {
			continue
		}
		f, ferr := decodeFrame(data)
		if ferr != nil {
			c.rejectFrame(ferr)
			continue
		}
		switch f.Type {
		case typeCall:
			c.enqueue(f)
		default:
			c.deliver(f)
		}
	}
}

// readFrame returns the next text frame, or nil for a frame that was
// dropped or answered here (binary, oversized).
func (c *Conn) readFrame() ([]byte, error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	if c.opts.PingInterval > 0 {
		_ = c.extendReadDeadline()
	}
	if mt != websocket.TextMessage {
		n, err := io.Copy(io.Discard, r)
		c.opts.Logger.Warn("rpc: dropped binary frame; OCPP-J uses text frames",
			"station", c.station, "bytes", n)
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, c.opts.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) <= c.opts.MaxMessageSize {
		c.trace("in", data)
		return data, nil
	}
	// Drain without buffering so one oversized frame costs no memory and
	// does not cost the connection either.
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return nil, err
	}
	c.rejectOversized(data, int64(len(data))+n)
	return nil, nil
}

func (c *Conn) rejectOversized(prefix []byte, size int64) {
	id, isCall := callIDFromPrefix(prefix)
	c.opts.Logger.Warn("rpc: frame over MaxMessageSize drained and refused; the connection stays up", "station", c.station,
		"bytes", size, "limit", c.opts.MaxMessageSize, "call", isCall, "id", id)
	if !isCall {
		return
	}
	e := Errorf(FormatViolation, "frame of %d bytes exceeds the limit of %d bytes", size, c.opts.MaxMessageSize)
	_ = c.send(appendError(nil, id, e))
}

// callIDFromPrefix reads `[2, "id"` from the start of a truncated frame.
func callIDFromPrefix(prefix []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(prefix))
	if t, err := d.Token(); err != nil || t != json.Delim('[') {
		return unknownID, false
	}
	if t, err := d.Token(); err != nil || t != float64(typeCall) {
		return unknownID, false
	}
	t, err := d.Token()
	id, ok := t.(string)
	if err != nil || !ok || id == "" || len(id) > maxIDLen {
		return unknownID, true
	}
	return id, true
}

func (c *Conn) readError(err error) error {
	var ne net.Error
	var ce *websocket.CloseError
	switch {
	case c.opts.PingInterval > 0 && errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %s silent for %v", ErrPongTimeout, c.station, c.opts.PingInterval+c.opts.PongTimeout)
	case errors.As(err, &ce):
		return fmt.Errorf("rpc: %s closed the connection: %w", c.station, err)
	default:
		return fmt.Errorf("rpc: read from %s: %w", c.station, err)
	}
}

func (c *Conn) rejectFrame(fe *frameError) {
	c.opts.Logger.Warn("rpc: bad frame", "station", c.station, "id", fe.ID,
		"answered", fe.Reply, "error", fe.Err.Error())
	if fe.Reply {
		_ = c.send(appendError(nil, fe.ID, fe.Err))
	}
}

// deliver hands a CALLRESULT or CALLERROR to the waiting Call. One for any
// other id (unknown, or timed out already) is dropped.
func (c *Conn) deliver(f frame) {
	c.mu.Lock()
	p := c.pending
	if p == nil || p.id != f.ID {
		c.mu.Unlock()
		c.opts.Logger.Warn("rpc: dropped answer for no outstanding CALL", "station", c.station,
			"id", f.ID, "type", f.Type)
		return
	}
	c.pending = nil
	c.mu.Unlock()
	if f.Type == typeCallResult {
		if !isObject(f.Payload) {
			p.result <- callResult{err: Errorf(FormatViolation, "%s result is not a JSON object", p.action), result: ResultInvalid}
			return
		}
		p.result <- callResult{payload: f.Payload, result: ResultOK}
		return
	}
	p.result <- callResult{err: callError(f), result: ResultCallError}
}

func callError(f frame) *Error {
	code, known := ParseErrorCode(f.Code)
	e := &Error{Code: code, Description: f.Description}
	if !known {
		e.Description = fmt.Sprintf("%s (code %q)", f.Description, f.Code)
	}
	var details map[string]any
	if json.Unmarshal(f.Details, &details) == nil && len(details) > 0 {
		e.Details = details
	}
	return e
}

// enqueue queues a CALL for the handler goroutine, starting it if idle. The
// goroutine exits when the queue is empty, so an idle Conn has none.
func (c *Conn) enqueue(f frame) {
	c.mu.Lock()
	if len(c.inbox) >= c.opts.MaxQueuedCalls {
		c.mu.Unlock()
		c.rejectFrame(&frameError{ID: f.ID, Reply: true,
			Err: Errorf(RpcFrameworkError, "%d CALLs already wait for an answer", c.opts.MaxQueuedCalls)})
		return
	}
	c.inbox = append(c.inbox, f)
	start := !c.serving
	c.serving = true
	c.mu.Unlock()
	if start {
		go c.serve()
	}
}

func (c *Conn) serve() {
	growStack()
	for {
		c.mu.Lock()
		if len(c.inbox) == 0 || c.err != nil {
			c.inbox, c.serving = nil, false
			c.mu.Unlock()
			return
		}
		f := c.inbox[0]
		c.inbox = c.inbox[1:]
		c.mu.Unlock()
		c.answer(f)
	}
}

func (c *Conn) answer(f frame) {
	resp, then, oe := c.dispatch(f)
	if oe != nil {
		if c.send(appendError(nil, f.ID, oe)) == nil && c.opts.Observer != nil {
			c.opts.Observer.Served(f.Action, ResultCallError, string(oe.Code))
		}
		return
	}
	err := c.send(appendResult(nil, f.ID, resp))
	if err == nil && c.opts.Observer != nil {
		c.opts.Observer.Served(f.Action, ResultOK, "")
	}
	if err == nil && then != nil {
		then()
	}
}

// dispatch validates, runs the handler and validates its answer.
func (c *Conn) dispatch(f frame) ([]byte, func(), *Error) {
	if v := c.opts.Validator; v != nil {
		if err := v.ValidateRequest(f.Action, f.Payload); err != nil {
			return nil, nil, asOCPPError(err, FormatViolation)
		}
	}
	hp := c.handler.Load()
	if hp == nil {
		return nil, nil, Errorf(NotImplemented, "%s is not implemented", f.Action)
	}
	resp, err := c.runHandler(*hp, f)
	if err != nil {
		var oe *Error
		if errors.As(err, &oe) {
			return nil, nil, oe
		}
		c.opts.Logger.Error("rpc: handler failed", "station", c.station, "action", f.Action, "error", err)
		return nil, nil, Errorf(InternalError, "%s failed", f.Action)
	}
	var then func()
	if r, ok := resp.(Reply); ok {
		resp, then = r.Payload, r.Then
	}
	b, err := marshalPayload(resp)
	if err == nil && c.opts.Validator != nil {
		err = c.opts.Validator.ValidateResponse(f.Action, b)
	}
	if err != nil {
		c.opts.Logger.Error("rpc: own response invalid, sent InternalError", "station", c.station,
			"action", f.Action, "error", err)
		return nil, nil, Errorf(InternalError, "%s response failed validation", f.Action)
	}
	return b, then, nil
}

// runHandler turns a handler panic into an InternalError: one bad message
// must not take down the process holding 1,000 stations.
func (c *Conn) runHandler(h Handler, f frame) (resp any, err error) {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.MessageTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rpc: handler for %s panicked: %v", f.Action, r)
		}
	}()
	return h(ctx, f.Action, f.Payload)
}

// handlerStack is the stack a handler goroutine makes room for at its
// start. A new goroutine starts on a small stack, which decoding
// a payload outgrows at once; growing it there copies and re-links every
// frame of the call chain (in BenchmarkStations the CSMS's and the
// stations' handler goroutines spent 5 % of the CPU so), several times
// what growing costs while the goroutine holds one frame. The stack goes
// with the goroutine, which ends when no CALL waits.
const handlerStack = 4 << 10

// growStack grows the calling goroutine's stack to more than handlerStack
// (the frame of its array is that large), unless it has that much.
//
//go:noinline
func growStack() {
	var frame [handlerStack]byte
	use(frame[:])
}

//go:noinline
func use([]byte) {}
