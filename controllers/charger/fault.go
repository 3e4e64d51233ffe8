package charger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// Reasons of DeviceReachable and DeviceDataValid that say what the device
// did, so an installer knows where to look.
const (
	// ReasonNotResponding: no answer (timeout, refused or broken connection,
	// a gateway's 0x0A/0x0B, a unit skipped after not answering).
	ReasonNotResponding = "NotResponding"
	// ReasonDeviceError: the device answered with an error (a Modbus
	// exception, an ECHONET Lite SNA).
	ReasonDeviceError = "DeviceError"
	// ReasonMalformedAnswer: something arrived that does not answer the
	// request (wrong length or checksum, too short for its declared size).
	ReasonMalformedAnswer = "MalformedAnswer"
)

// faultReason sorts a read or write error into one of the reasons above.
func faultReason(err error) string {
	var sna *echonet.SNAError
	switch {
	case errors.Is(err, ErrMalformed):
		return ReasonMalformedAnswer
	case errors.Is(err, ErrRejected), errors.Is(err, modbus.ErrException), errors.As(err, &sna), errors.Is(err, echonet.ErrNotInMap):
		return ReasonDeviceError
	case errors.Is(err, modbus.ErrBadResponse), errors.Is(err, modbus.ErrCRC):
		return ReasonMalformedAnswer
	}
	return ReasonNotResponding
}

// transient reports an error that says nothing about the device: the
// driver was closed under the poll (a Bus swap) or the poll was stopped.
func transient(err error) bool {
	return errors.Is(err, modbus.ErrClosed) || errors.Is(err, echonet.ErrClosed) || errors.Is(err, context.Canceled)
}

// exceptionHints say what an installer can do about a Modbus exception.
var exceptionHints = map[modbus.ExceptionCode]string{
	modbus.IllegalFunction:     "the device does not support this function code: check the template's block functions and write kinds",
	modbus.IllegalDataAddress:  "the device has no such register: check the template's addresses, the charger model and the unit id",
	modbus.IllegalDataValue:    "the device refused the value or the register count: check the template's counts and value ranges",
	modbus.ServerDeviceFailure: "the device reported an internal failure",
	modbus.ServerDeviceBusy:    "the device is busy; it was retried as configured",
}

// describe is an error's text with a hint for a Modbus exception.
func describe(err error) string {
	var me *modbus.Error
	if errors.As(err, &me) && me.Kind == modbus.KindException {
		if h, ok := exceptionHints[me.Exception]; ok {
			return fmt.Sprintf("%v (%s)", err, h)
		}
	}
	return err.Error()
}

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

// outcome classifies a driver error as a command outcome, keeping its text.
func outcome(err error) error {
	if errors.Is(err, ErrRejected) || errors.Is(err, ErrTimeout) {
		return err // a registered driver classified it already
	}
	switch faultReason(err) {
	case ReasonDeviceError:
		return fmt.Errorf("%w: %w", ErrRejected, err)
	case ReasonNotResponding:
		if errors.Is(err, modbus.ErrNoResponse) || errors.Is(err, modbus.ErrBackedOff) || errors.Is(err, modbus.ErrConnection) ||
			errors.Is(err, echonet.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%w: %w", ErrTimeout, err)
		}
	}
	return err
}

// absence is a short reason a read did not arrive, for the unknown signals
// it leaves behind ("EPC 0xC7 Get_SNA, PDC 0").
func absence(err error) string {
	var me *modbus.Error
	var sna *echonet.SNAError
	var nim *echonet.NotInMapError
	switch {
	case errors.As(err, &me) && me.Kind == modbus.KindException:
		return fmt.Sprintf("answered exception %v", me.Exception)
	case errors.As(err, &me):
		return me.Kind.String()
	case errors.As(err, &nim):
		return "not in the device's " + nim.Map + " property map"
	case errors.As(err, &sna) && len(sna.Missing) == 1:
		return sna.Missing[0].Why.String()
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return faultReason(err)
}
