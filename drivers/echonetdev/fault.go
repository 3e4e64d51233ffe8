package echonetdev

import (
	"context"
	"errors"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// classify turns an ECHONET Lite driver error into a drivers.Fault: an SNA
// or an EPC outside the device's property map is the device refusing, a
// closed client nothing against the device, a timeout no answer. Errors
// already classified (a malformed EDT) and of the gateway's own making stay.
func classify(err error) error {
	var sna *echonet.SNAError
	var f *drivers.Fault
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.As(err, &f), errors.Is(err, drivers.ErrMalformed):
		return err
	case errors.Is(err, echonet.ErrClosed):
		return drivers.Classify(drivers.ErrClosed, err, "")
	case errors.As(err, &sna), errors.Is(err, echonet.ErrNotInMap):
		return drivers.Classify(drivers.ErrRejected, err, "")
	case errors.Is(err, echonet.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return drivers.Classify(drivers.ErrTimeout, err, "")
	}
	return err
}

// absence is a short reason a property did not arrive usable, for the
// unknown signals it leaves behind ("Get_SNA, PDC 0").
func absence(err error) string {
	var sna *echonet.SNAError
	var nim *echonet.NotInMapError
	switch {
	case errors.As(err, &nim):
		return "not in the device's " + nim.Map + " property map"
	case errors.As(err, &sna) && len(sna.Missing) == 1:
		return sna.Missing[0].Why.String()
	case errors.Is(err, drivers.ErrMalformed):
		return "malformed"
	case errors.As(err, &sna), errors.Is(err, echonet.ErrNotInMap):
		return "DeviceError"
	}
	return "NotResponding"
}
