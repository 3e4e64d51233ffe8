package modbus

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// Kind sorts failures by what the caller should do about them.
type Kind uint8

// Kinds of failure. errors.Is(err, ErrX) matches an *Error of the kind.
const (
	// KindNoResponse: nothing arrived within the timeout, or a gateway
	// answered 0x0A/0x0B for the unit behind it. The unit is offline.
	KindNoResponse Kind = iota + 1
	// KindException: the unit answered with a Modbus exception.
	KindException
	// KindCRC: an RTU frame arrived with a bad checksum.
	KindCRC
	// KindConnection: the TCP connection could not be made or broke.
	KindConnection
	// KindBackedOff: the request was not sent because the unit (RTU) or
	// the address (TCP) is in back-off after failing.
	KindBackedOff
	// KindBadResponse: a frame arrived that does not answer the request
	// (wrong unit, function or length, truncated, garbage).
	KindBadResponse
	// KindInvalid: the request itself is not valid Modbus; not sent.
	KindInvalid
	// KindClosed: the device was closed.
	KindClosed
	// KindCanceled: the caller's context ended before the request was sent.
	KindCanceled
)

// Sentinels for errors.Is; every error the driver returns is an *Error.
var (
	ErrNoResponse  = errors.New("modbus: no response")
	ErrException   = errors.New("modbus: exception")
	ErrCRC         = errors.New("modbus: bad CRC")
	ErrConnection  = errors.New("modbus: connection failed")
	ErrBackedOff   = errors.New("modbus: backed off")
	ErrBadResponse = errors.New("modbus: bad response")
	ErrInvalid     = errors.New("modbus: invalid request")
	ErrClosed      = errors.New("modbus: closed")
	ErrCanceled    = errors.New("modbus: canceled")
)

var kindSentinels = map[Kind]error{
	KindNoResponse: ErrNoResponse, KindException: ErrException, KindCRC: ErrCRC,
	KindConnection: ErrConnection, KindBackedOff: ErrBackedOff,
	KindBadResponse: ErrBadResponse, KindInvalid: ErrInvalid, KindClosed: ErrClosed,
	KindCanceled: ErrCanceled,
}

func (k Kind) String() string {
	if s, ok := kindSentinels[k]; ok {
		return s.Error()[len("modbus: "):]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ExceptionCode is the one-byte code of a Modbus exception response.
type ExceptionCode byte

// Exception codes from the Modbus application protocol.
const (
	IllegalFunction       ExceptionCode = 0x01
	IllegalDataAddress    ExceptionCode = 0x02
	IllegalDataValue      ExceptionCode = 0x03
	ServerDeviceFailure   ExceptionCode = 0x04
	Acknowledge           ExceptionCode = 0x05
	ServerDeviceBusy      ExceptionCode = 0x06
	MemoryParityError     ExceptionCode = 0x08
	GatewayPathFailed     ExceptionCode = 0x0A
	GatewayTargetNoAnswer ExceptionCode = 0x0B
)

var exceptionNames = map[ExceptionCode]string{
	IllegalFunction: "illegal function", IllegalDataAddress: "illegal data address",
	IllegalDataValue: "illegal data value", ServerDeviceFailure: "server device failure",
	Acknowledge: "acknowledge", ServerDeviceBusy: "server device busy",
	MemoryParityError: "memory parity error", GatewayPathFailed: "gateway path unavailable",
	GatewayTargetNoAnswer: "gateway target device failed to respond",
}

func (c ExceptionCode) String() string {
	if n, ok := exceptionNames[c]; ok {
		return fmt.Sprintf("0x%02X %s", byte(c), n)
	}
	return fmt.Sprintf("0x%02X unknown exception", byte(c))
}

// Error is every failure the driver reports. The message names where
// (device and unit), what (function and address) and what happened.
type Error struct {
	Device    string // host:port or serial device path
	Unit      byte
	Function  byte // the Modbus function code of the request
	Address   uint16
	Count     uint16 // registers or bits; 1 for single writes
	Kind      Kind
	Exception ExceptionCode // set for KindException and for gateway 0x0A/0x0B
	Attempts  int           // requests sent; 0 when failed before sending
	Until     time.Time     // end of the back-off for KindBackedOff
	Err       error         // the cause, when there is one
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("modbus: %s unit %d %s: %s", e.Device, e.Unit, describeOp(e.Function, e.Address, e.Count), e.what())
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

func (e *Error) what() string {
	switch {
	case e.Kind == KindBackedOff && e.Until.IsZero() && e.Err != nil:
		return fmt.Sprintf("backed off: %v", e.Err)
	case e.Kind == KindBackedOff && e.Err != nil:
		return fmt.Sprintf("backed off until %s: %v", e.Until.Format(time.RFC3339Nano), e.Err)
	case e.Kind == KindBackedOff:
		return fmt.Sprintf("unit %d backed off until %s after not responding", e.Unit, e.Until.Format(time.RFC3339Nano))
	case e.Exception != 0 && e.Kind == KindNoResponse:
		return fmt.Sprintf("exception %v: the unit behind the gateway is not responding", e.Exception)
	case e.Kind == KindException:
		return fmt.Sprintf("exception %v", e.Exception)
	case e.Err != nil:
		return fmt.Sprintf("%v: %v", e.Kind, e.Err)
	}
	return e.Kind.String()
}

// Is makes errors.Is(err, ErrNoResponse) and friends match by Kind.
func (e *Error) Is(target error) bool { return kindSentinels[e.Kind] == target }

// Unwrap exposes the cause (a net error, context.DeadlineExceeded, …).
func (e *Error) Unwrap() error { return e.Err }

func describeOp(fc byte, addr, count uint16) string {
	switch fc {
	case fcReadHolding:
		return fmt.Sprintf("read holding 0x%04X x%d", addr, count)
	case fcReadInput:
		return fmt.Sprintf("read input 0x%04X x%d", addr, count)
	case fcReadCoils:
		return fmt.Sprintf("read coils 0x%04X x%d", addr, count)
	case fcReadDiscrete:
		return fmt.Sprintf("read discrete 0x%04X x%d", addr, count)
	case fcWriteCoil:
		return fmt.Sprintf("write coil (FC05) 0x%04X", addr)
	case fcWriteRegister:
		return fmt.Sprintf("write register (FC06) 0x%04X", addr)
	case fcWriteRegisters:
		return fmt.Sprintf("write registers (FC16) 0x%04X x%d", addr, count)
	case fcWriteCoils:
		return fmt.Sprintf("write coils (FC15) 0x%04X x%d", addr, count)
	}
	return fmt.Sprintf("function 0x%02X 0x%04X x%d", fc, addr, count)
}

// frameError is how the RTU transport reports what it saw on the line, so
// the kind survives the trip through goburrow's client.
type frameError struct {
	kind Kind
	err  error
}

func (e *frameError) Error() string { return e.err.Error() }
func (e *frameError) Unwrap() error { return e.err }

// exceptionError is an exception reply: the unit's considered answer.
type exceptionError struct {
	fc   byte // the request's function code
	code ExceptionCode
}

func (e *exceptionError) Error() string {
	return fmt.Sprintf("exception reply to function 0x%02X: %v", e.fc, e.code)
}

// classify maps whatever the library or the network returned to a Kind.
func classify(err error) (Kind, ExceptionCode) {
	var fe *frameError
	var xe *exceptionError
	var ne net.Error
	switch {
	case errors.As(err, &fe):
		return fe.kind, 0
	case errors.As(err, &xe):
		code := xe.code
		if code == GatewayPathFailed || code == GatewayTargetNoAnswer {
			return KindNoResponse, code
		}
		return KindException, code
	case errors.Is(err, os.ErrDeadlineExceeded):
		return KindNoResponse, 0
	case errors.As(err, &ne) && ne.Timeout():
		return KindNoResponse, 0
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.As(err, &ne):
		return KindConnection, 0
	}
	// Nothing else is expected; call it what it most likely is, a reply
	// that could not be understood.
	return KindBadResponse, 0
}
