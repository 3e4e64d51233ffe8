// Package modbus is the gateway's Modbus client: a per-address connection
// pool for Modbus TCP and a per-line Arbiter for Modbus RTU, both behind the
// Device interface the controllers poll and command chargers through.
//
// Contract: a block read is one request per block. Every failure is an
// *Error whose Kind, matched with errors.Is against ErrNoResponse,
// ErrException, ErrCRC, ErrConnection, ErrBackedOff, ErrBadResponse,
// ErrInvalid, ErrClosed or ErrCanceled, says what happened, and whose
// message names the device, unit, function and address. Requests are
// repeated only as configured (RTU retries), and no call outlives its
// context by more than the one request already on the wire.
package modbus
