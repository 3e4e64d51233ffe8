package modbusdev

import (
	"context"
	"errors"
	"fmt"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// Classify turns a Modbus driver error into a drivers.Fault: an exception
// is the device refusing (with a hint for the installer), a bad frame or
// CRC a malformed answer, a closed driver nothing against the device, and
// silence or a broken connection no answer. Errors of the gateway's own
// making (an unsupported write) stay as they are.
func Classify(err error) error {
	var me *modbus.Error
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, modbus.ErrClosed):
		return drivers.Classify(drivers.ErrClosed, err, "")
	case errors.Is(err, modbus.ErrException):
		hint := ""
		if errors.As(err, &me) && me.Kind == modbus.KindException {
			hint = exceptionHints[me.Exception]
		}
		return drivers.Classify(drivers.ErrRejected, err, hint)
	case errors.Is(err, modbus.ErrBadResponse), errors.Is(err, modbus.ErrCRC):
		return drivers.Classify(drivers.ErrMalformed, err, "")
	case errors.Is(err, modbus.ErrNoResponse), errors.Is(err, modbus.ErrBackedOff), errors.Is(err, modbus.ErrConnection),
		errors.Is(err, context.DeadlineExceeded):
		return drivers.Classify(drivers.ErrTimeout, err, "")
	}
	return err // an invalid or canceled request: the gateway's, not the device's
}

// notResponding reports a classified error that is silence: anything but
// an answer (an exception, a bad frame).
func notResponding(err error) bool {
	return !errors.Is(err, drivers.ErrRejected) && !errors.Is(err, drivers.ErrMalformed)
}

// exceptionHints say what an installer can do about a Modbus exception.
var exceptionHints = map[modbus.ExceptionCode]string{
	modbus.IllegalFunction:     "the device does not support this function code: check the template's block functions and write kinds",
	modbus.IllegalDataAddress:  "the device has no such register: check the template's addresses, the charger model and the unit id",
	modbus.IllegalDataValue:    "the device refused the value or the register count: check the template's counts and value ranges",
	modbus.ServerDeviceFailure: "the device reported an internal failure",
	modbus.ServerDeviceBusy:    "the device is busy; it was retried as configured",
}

// absence is a short reason a block did not arrive, for the unknown
// signals it leaves behind ("answered exception 0x02").
func absence(err error) string {
	var me *modbus.Error
	switch {
	case errors.As(err, &me) && me.Kind == modbus.KindException:
		return fmt.Sprintf("answered exception %v", me.Exception)
	case errors.As(err, &me):
		return me.Kind.String()
	case errors.Is(err, modbus.ErrBadResponse), errors.Is(err, modbus.ErrCRC):
		return "MalformedAnswer"
	}
	return "NotResponding"
}
