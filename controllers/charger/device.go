package charger

import (
	"context"
	"errors"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// Device is one charger's device connection, as the poller and the command
// loop use it. Implementations are safe for concurrent use: the command loop
// writes while a poll may be in flight (the driver orders them; RTU writes go
// before polls).
type Device interface {
	// Read does one poll: the template's register blocks or EPCs. It returns
	// what arrived, with each read that did not in Reading.Failed. The error
	// is set only when nothing arrived because the device did not answer at
	// all; a device that answered with errors returns a Reading.
	Read(ctx context.Context) (*Reading, error)
	// Write runs a command's writes in order and stops at the first failure.
	Write(ctx context.Context, writes []cel.Write) error
	Close() error
}

// Reading is what one poll got from a device.
type Reading struct {
	Input *cel.Input
	// Failed lists the reads (blocks, EPCs) that did not arrive usable.
	Failed []ReadFailure
}

// failBlock records a register block that did not arrive, and why, for the
// signals it leaves unknown.
func (rd *Reading) failBlock(name string, f ReadFailure) {
	rd.Failed = append(rd.Failed, f)
	if rd.Input.RegsAbsent == nil {
		rd.Input.RegsAbsent = map[string]string{}
	}
	rd.Input.RegsAbsent[name] = absence(f.Err)
}

// failEPC records a property that did not arrive usable, and why.
func (rd *Reading) failEPC(epc byte, f ReadFailure) {
	rd.Failed = append(rd.Failed, f)
	if rd.Input.EPCAbsent == nil {
		rd.Input.EPCAbsent = map[byte]string{}
	}
	rd.Input.EPCAbsent[epc] = absence(f.Err)
}

// ReadFailure is one read that did not arrive usable.
type ReadFailure struct {
	// What names the read for an installer: `block "status" (holding
	// 0x4008 x24)` or `EPC 0xC7`.
	What string
	// Optional reads may be missing without an alarm (the template says so).
	Optional bool
	Err      error
}

// DeviceConfig is what an Opener needs to reach one charger's device.
type DeviceConfig struct {
	Charger    string
	Connection v1alpha1.ChargerConnection
	// Bus is the RS-485 line of a Modbus RTU charger; nil otherwise.
	Bus     *v1alpha1.BusSpec
	BusName string
	// Read is the resolved template's read section.
	Read *v1alpha1.TemplateRead
}

// Opener connects to devices: the Modbus and ECHONET Lite drivers behind one
// interface. Open must not block on the network for long; a device that is
// down is reported by Read.
type Opener interface {
	Open(ctx context.Context, cfg DeviceConfig) (Device, error)
}

// The outcomes of a command other than success. Device adapters wrap driver
// errors in them so the station can answer the CSMS truthfully.
var (
	// ErrUnsupported: the template has no such command.
	ErrUnsupported = cel.ErrUnsupported
	// ErrRejected: the device refused the write (a Modbus exception, an
	// ECHONET Lite SetC_SNA, an EPC its Set property map does not list).
	ErrRejected = errors.New("rejected by the device")
	// ErrTimeout: the device did not answer in time.
	ErrTimeout = errors.New("device did not answer")
	// ErrNoDevice: the charger has no running device connection.
	ErrNoDevice = errors.New("no device connection")
	// ErrNoData: the command's expression needs values no poll has read yet.
	ErrNoData = errors.New("no device data to compute the command from")
)

// ErrMalformed marks a reply that arrived but cannot be used: wrong length,
// bad checksum, an answer to another question.
var ErrMalformed = errors.New("malformed answer")
