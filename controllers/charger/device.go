package charger

import (
	"errors"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
)

// The device contract lives in package drivers, where every protocol
// implements it; these names keep the controller's code and tests short.
type (
	// Device is one charger's device connection (drivers.Device).
	Device = drivers.Device
	// Reading is what one poll got from a device (drivers.Reading).
	Reading = drivers.Reading
	// ReadFailure is one read that did not arrive usable (drivers.ReadFailure).
	ReadFailure = drivers.ReadFailure
	// DeviceConfig is what an Opener needs to reach one charger's device (drivers.Config).
	DeviceConfig = drivers.Config
	// Opener connects to devices (drivers.Opener).
	Opener = drivers.Opener
)

// The outcomes of a command other than success. Device adapters wrap driver
// errors in them so the station can answer the CSMS truthfully.
var (
	// ErrUnsupported: the template has no such command.
	ErrUnsupported = cel.ErrUnsupported
	// ErrRejected: the device refused the write (drivers.ErrRejected).
	ErrRejected = drivers.ErrRejected
	// ErrTimeout: the device did not answer in time (drivers.ErrTimeout).
	ErrTimeout = drivers.ErrTimeout
	// ErrNoDevice: the charger has no running device connection.
	ErrNoDevice = errors.New("no device connection")
	// ErrNoData: the command's expression needs values no poll has read yet.
	ErrNoData = errors.New("no device data to compute the command from")
)

// ErrMalformed marks a reply that arrived but cannot be used: wrong length,
// bad checksum, an answer to another question (drivers.ErrMalformed).
var ErrMalformed = drivers.ErrMalformed
