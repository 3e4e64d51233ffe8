package charger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ocppgw/ocppgw/drivers"
)

// Reasons of DeviceReachable and DeviceDataValid that say what the device
// did, so an installer knows where to look.
const (
	// ReasonNotResponding: no answer (timeout, refused or broken connection,
	// a gateway's 0x0A/0x0B, a unit skipped after not answering).
	ReasonNotResponding = "NotResponding"
	// ReasonDeviceError: the device answered with an error (a Modbus
	// exception, an ECHONET Lite SNA, an HTTP API's error).
	ReasonDeviceError = "DeviceError"
	// ReasonMalformedAnswer: something arrived that does not answer the
	// request (wrong length or checksum, too short for its declared size).
	ReasonMalformedAnswer = "MalformedAnswer"
)

// faultReason sorts a read or write error into one of the reasons above,
// by the kind its driver classified it as (drivers.Fault).
func faultReason(err error) string {
	switch {
	case errors.Is(err, ErrMalformed):
		return ReasonMalformedAnswer
	case errors.Is(err, ErrRejected):
		return ReasonDeviceError
	}
	return ReasonNotResponding
}

// transient reports an error that says nothing about the device: the
// driver was closed under the poll (a Bus swap) or the poll was stopped.
func transient(err error) bool {
	return errors.Is(err, drivers.ErrClosed) || errors.Is(err, context.Canceled)
}

// describe is an error's text; a driver puts its hint for the installer
// in it (drivers.Fault).
func describe(err error) string { return err.Error() }

// failuresText joins read failures for a condition message.
func failuresText(fs []ReadFailure) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("%s: %s", f.What, describe(f.Err))
	}
	return strings.Join(parts, "; ")
}

// worstReason is the reason of the failures that matter most: an error
// answer over a malformed one over none.
func worstReason(fs []ReadFailure) string {
	reason := ""
	for _, f := range fs {
		switch r := faultReason(f.Err); {
		case r == ReasonDeviceError:
			return r
		case r == ReasonMalformedAnswer || reason == "":
			reason = r
		}
	}
	return reason
}
