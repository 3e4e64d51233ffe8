package modbusdev

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// TestClassify: each way the Modbus driver fails is reported as the kind
// the charger's conditions and the CSMS need, keeping the driver's text.
func TestClassify(t *testing.T) {
	exc := &modbus.Error{Device: "10.0.0.5:502", Unit: 1, Function: 3, Count: 2, Kind: modbus.KindException,
		Exception: modbus.IllegalDataAddress}
	cases := []struct {
		err     error
		kind    error // nil: left unclassified
		absence string
		text    string
	}{
		{exc, drivers.ErrRejected, "answered exception 0x02 illegal data address", "check the template's addresses"},
		{&modbus.Error{Kind: modbus.KindCRC}, drivers.ErrMalformed, "CRC", ""},
		{&modbus.Error{Kind: modbus.KindBadResponse}, drivers.ErrMalformed, "", ""},
		{&modbus.Error{Kind: modbus.KindNoResponse}, drivers.ErrTimeout, "", ""},
		{&modbus.Error{Kind: modbus.KindBackedOff}, drivers.ErrTimeout, "", ""},
		{fmt.Errorf("read: %w", context.DeadlineExceeded), drivers.ErrTimeout, "NotResponding", ""},
		{&modbus.Error{Kind: modbus.KindClosed}, drivers.ErrClosed, "", ""},
		{&modbus.Error{Kind: modbus.KindInvalid}, nil, "", ""},
	}
	kinds := []error{drivers.ErrRejected, drivers.ErrMalformed, drivers.ErrTimeout, drivers.ErrClosed}
	for _, c := range cases {
		got := Classify(c.err)
		for _, k := range kinds {
			if errors.Is(got, k) != (k == c.kind) {
				t.Errorf("%v: Is(%v) = %v", c.err, k, errors.Is(got, k))
			}
		}
		if !errors.Is(got, c.err) || !strings.HasPrefix(got.Error(), c.err.Error()) || !strings.Contains(got.Error(), c.text) {
			t.Errorf("%v: classified as %q", c.err, got)
		}
		if c.absence != "" && !strings.Contains(absence(c.err), c.absence) {
			t.Errorf("%v: absence %q, want %q", c.err, absence(c.err), c.absence)
		}
	}
	if got := drivers.Outcome(Classify(exc)).Error(); !strings.HasPrefix(got, "rejected by the device: modbus:") {
		t.Errorf("a refused write reads %q", got)
	}
}
