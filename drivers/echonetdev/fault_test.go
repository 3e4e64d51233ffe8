package echonetdev

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// TestClassify: each way an ECHONET Lite exchange fails is reported as the
// kind the charger's conditions and the CSMS need, and the unknown signals
// it leaves say why.
func TestClassify(t *testing.T) {
	eoj := echonet.EOJ{0x02, 0xA1, 0x01}
	sna := &echonet.SNAError{EOJ: eoj, ESV: echonet.GetSNA, Refused: []byte{0xC7},
		Missing: []echonet.Unavailable{{EPC: 0xC7, Why: echonet.AbsentSNA}}}
	cases := []struct {
		err     error
		kind    error
		absence string
	}{
		{sna, drivers.ErrRejected, echonet.AbsentSNA.String()},
		{&echonet.NotInMapError{EOJ: eoj, Map: "Get", EPCs: []byte{0xE4}}, drivers.ErrRejected, "not in the device's Get property map"},
		{fmt.Errorf("get: %w", echonet.ErrTimeout), drivers.ErrTimeout, "NotResponding"},
		{echonet.ErrClosed, drivers.ErrClosed, "NotResponding"},
		{fmt.Errorf("%w: EPC 0xD3 is 00, 1 bytes; the template declares 4", drivers.ErrMalformed), drivers.ErrMalformed, "malformed"},
	}
	kinds := []error{drivers.ErrRejected, drivers.ErrMalformed, drivers.ErrTimeout, drivers.ErrClosed}
	for _, c := range cases {
		got := classify(c.err)
		for _, k := range kinds {
			if errors.Is(got, k) != (k == c.kind) {
				t.Errorf("%v: Is(%v) = %v", c.err, k, errors.Is(got, k))
			}
		}
		if !errors.Is(got, c.err) || got.Error() != c.err.Error() {
			t.Errorf("%v: classified as %q", c.err, got)
		}
		if a := absence(c.err); a != c.absence {
			t.Errorf("%v: absence %q, want %q", c.err, a, c.absence)
		}
	}
	if got := drivers.Outcome(classify(sna)).Error(); !strings.HasPrefix(got, "rejected by the device: echonet:") {
		t.Errorf("a refused SetC reads %q", got)
	}
}
