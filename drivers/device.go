package drivers

import (
	"context"
	"errors"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// Device is one charger's device connection, as the poller and the command
// loop use it. Implementations are safe for concurrent use: the command loop
// writes while a poll may be in flight (the driver orders them).
type Device interface {
	// Read does one poll: what the template's read section names. It
	// returns what arrived, with each read that did not in Reading.Failed.
	// The error is set only when nothing arrived because the device did
	// not answer at all; a device that answered with errors returns a
	// Reading.
	Read(ctx context.Context) (*Reading, error)
	// Write runs a command's writes in order and stops at the first
	// failure. It returns nil only when the device confirmed every write.
	Write(ctx context.Context, writes []cel.Write) error
	Close() error
}

// Reading is what one poll got from a device.
type Reading struct {
	Input *cel.Input
	// Failed lists the reads (blocks, EPCs, keys) that did not arrive usable.
	Failed []ReadFailure
}

// ReadFailure is one read that did not arrive usable.
type ReadFailure struct {
	// What names the read for an installer: `block "status" (holding
	// 0x4008 x24)`, `EPC 0xC7`, `key "car"`.
	What string
	// Optional reads may be missing without an alarm (the template says so).
	Optional bool
	Err      error
}

// Config is what an Opener needs to reach one charger's device.
type Config struct {
	Charger    string
	Connection v1alpha1.ChargerConnection
	// Bus is the RS-485 line of a Modbus RTU charger; nil otherwise.
	Bus     *v1alpha1.BusSpec
	BusName string
	// Read is the resolved template's read section.
	Read *v1alpha1.TemplateRead
}

// Opener connects to devices. Open must not block on the network for long;
// a device that is down is reported by Read.
type Opener interface {
	Open(ctx context.Context, cfg Config) (Device, error)
}

// The outcomes of a read or write other than success. Drivers wrap their
// errors in them so the station can answer the CSMS truthfully and the
// charger's conditions say where to look.
var (
	// ErrRejected: the device refused the write or the read (a Modbus
	// exception, an ECHONET Lite SNA, an HTTP API's error answer).
	ErrRejected = errors.New("rejected by the device")
	// ErrTimeout: the device did not answer in time.
	ErrTimeout = errors.New("device did not answer")
	// ErrMalformed: a reply arrived but cannot be used: wrong length, bad
	// checksum, not the document the API defines.
	ErrMalformed = errors.New("malformed answer")
)
