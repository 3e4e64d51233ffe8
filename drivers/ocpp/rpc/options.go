package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"
)

// Subprotocol is OCPP 2.0.1's WebSocket subprotocol (Part 4 §3.1.2), the
// one a Conn speaks when Options.Subprotocol is empty. OCPP-J framing and
// the CALLERROR codes are shared by the OCPP versions, so another version
// (e.g. "ocpp1.6") reuses this package by naming its own.
const Subprotocol = "ocpp2.0.1"

// Handler answers an incoming CALL. The payload is the raw JSON object,
// already accepted by the Validator. The response may be []byte or
// json.RawMessage (sent as is) or any value json.Marshal accepts; nil means
// an empty object. Returning an *Error sends that CALLERROR; any other
// error sends InternalError without leaking its text to the peer.
type Handler func(ctx context.Context, action string, payload json.RawMessage) (response any, err error)

// Validator checks payloads against the message schemas. Errors should be
// *Error carrying the Part 4 code (FormatViolation,
// OccurrenceConstraintViolation, ...); an unknown action is NotImplemented.
// A plain error is treated as FormatViolation.
type Validator interface {
	ValidateRequest(action string, payload []byte) error
	ValidateResponse(action string, payload []byte) error
}

// Defaults used when an Options field is zero.
const (
	DefaultMessageTimeout = 30 * time.Second
	DefaultWriteTimeout   = 10 * time.Second
	// DefaultMaxMessageSize bounds a buffered frame. It is the value to
	// report as DeviceDataCtrlr.BytesPerMessage; OCPP 2.0.1 Core traffic to
	// a station stays far below it.
	DefaultMaxMessageSize = 64 << 10
	// DefaultMaxQueuedCalls bounds incoming CALLs waiting for the handler
	// when a peer does not wait for answers (Part 4 §4.1.1 says it should).
	DefaultMaxQueuedCalls = 4
)

// Options configure a Conn. The zero value is usable: no validation, no
// handler (every CALL gets NotImplemented), no pings.
type Options struct {
	Handler   Handler
	Validator Validator
	// MessageTimeout is how long Call waits for the answer
	// (OCPPCommCtrlr.MessageTimeout). It also bounds a handler's context.
	MessageTimeout time.Duration
	// PingInterval is OCPPCommCtrlr.WebSocketPingInterval; 0 disables pings.
	PingInterval time.Duration
	// PongTimeout is how long after a ping the peer may stay silent before
	// the Conn closes with ErrPongTimeout. Zero means PingInterval.
	PongTimeout time.Duration
	// WriteTimeout bounds one frame write.
	WriteTimeout time.Duration
	// MaxMessageSize is the largest frame buffered. A larger one, of any
	// size, is drained unbuffered, logged, and answered with
	// FormatViolation (a CALL) or dropped; the connection stays up.
	MaxMessageSize int64
	// MaxQueuedCalls bounds incoming CALLs waiting behind the one being
	// handled; more get RpcFrameworkError.
	MaxQueuedCalls int
	// Logger receives dropped frames and handler failures. Nil means
	// slog.Default().
	Logger *slog.Logger
	// Observer learns how each CALL ended, for metrics; nil: none.
	Observer Observer
	// Subprotocol is the WebSocket subprotocol Dial offers and Server
	// requires; empty means Subprotocol (ocpp2.0.1).
	Subprotocol string
	// Redact returns a frame fit for the TRACE log, its secrets (tokens,
	// passwords) replaced; they depend on the version's messages. Nil
	// logs only each frame's size.
	Redact func(frame []byte) []byte
}

// Results an Observer is told, for each CALL either end sent.
const (
	ResultOK        = "ok"        // a CALLRESULT
	ResultCallError = "callerror" // a CALLERROR, with its code
	ResultTimeout   = "timeout"   // no answer within MessageTimeout
	ResultInvalid   = "invalid"   // an answer that failed validation
	ResultFailed    = "failed"    // the connection closed or the caller gave up first
)

// Observer learns how each CALL ended. It is called on the connection's
// goroutines, so it must not block. Actions are those of the frames; a
// frame too broken to name its action is not reported.
type Observer interface {
	// CallEnded: a CALL this end sent ended with result; code is the
	// CALLERROR's, and rtt the time to the answer (0 when none arrived).
	CallEnded(action, result, code string, rtt time.Duration)
	// Served: a CALL from the peer was answered with result (ResultOK or
	// ResultCallError) and, for a CALLERROR, its code.
	Served(action, result, code string)
}

func (o Options) normalize() (Options, error) {
	if o.MessageTimeout < 0 || o.PingInterval < 0 || o.PongTimeout < 0 || o.WriteTimeout < 0 ||
		o.MaxMessageSize < 0 || o.MaxQueuedCalls < 0 {
		return o, fmt.Errorf("rpc: options: durations and sizes must not be negative")
	}
	if o.MessageTimeout == 0 {
		o.MessageTimeout = DefaultMessageTimeout
	}
	if o.PongTimeout == 0 {
		o.PongTimeout = o.PingInterval
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.MaxQueuedCalls == 0 {
		o.MaxQueuedCalls = DefaultMaxQueuedCalls
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Subprotocol == "" {
		o.Subprotocol = Subprotocol
	}
	return o, nil
}
