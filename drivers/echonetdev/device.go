package echonetdev

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// device reads a template's EPCs from one EL object.
type device struct {
	dev   *echonet.Device // checked against the object's property maps
	to    netip.AddrPort
	eoj   echonet.EOJ
	reads []epcRead
	wait  time.Duration // per try: the charger's connection timeout
}

// epcRead is one EPC a poll reads, with what the template declares of it.
type epcRead struct {
	epc      byte
	size     int // the EDT length the template declares; 0: any
	optional bool
}

// Read gets every EPC the device lists in its Get property map in one Get.
// An EPC the device does not list, did not return, returned empty, or
// returned with another length than the specification or the template
// declares is listed as failed and left out of the input, so its signals
// are unknown.
func (e *device) Read(ctx context.Context) (*drivers.Reading, error) {
	rd := &drivers.Reading{Input: &cel.Input{EPC: map[byte][]byte{}}}
	if len(e.reads) == 0 {
		return rd, nil
	}
	ctx = echonet.WithTryTimeout(ctx, e.wait)
	maps, err := e.dev.Maps(ctx)
	if err != nil {
		return nil, classify(err)
	}
	if maps.Set.Restricts() {
		rd.Input.SetMap = maps.Set.EPCs
	}
	var epcs []byte
	for _, r := range e.reads {
		if maps.Get.Allows(r.epc) {
			epcs = append(epcs, r.epc)
			continue
		}
		fail(rd, r.epc, drivers.ReadFailure{What: fmt.Sprintf("EPC 0x%02X", r.epc), Optional: r.optional,
			Err: &echonet.NotInMapError{To: e.to, EOJ: e.eoj, Map: "Get", EPCs: []byte{r.epc}}})
	}
	if len(epcs) == 0 {
		return rd, nil
	}
	props, err := e.dev.Get(ctx, epcs...)
	var sna *echonet.SNAError
	if err != nil && !errors.As(err, &sna) {
		return nil, classify(err)
	}
	got := map[byte][]byte{}
	for _, p := range props {
		got[p.EPC] = p.EDT
	}
	for _, r := range e.reads {
		if !slices.Contains(epcs, r.epc) {
			continue
		}
		if f := e.check(r, got, sna); f != nil {
			fail(rd, r.epc, *f)
			continue
		}
		rd.Input.EPC[r.epc] = got[r.epc]
	}
	return rd, nil
}

// fail records a property that did not arrive usable, and why.
func fail(rd *drivers.Reading, epc byte, f drivers.ReadFailure) {
	why := absence(f.Err)
	f.Err = classify(f.Err)
	rd.Failed = append(rd.Failed, f)
	if rd.Input.EPCAbsent == nil {
		rd.Input.EPCAbsent = map[byte]string{}
	}
	rd.Input.EPCAbsent[epc] = why
}

// check says why one EPC of a Get reply cannot be used, or nil.
func (e *device) check(r epcRead, got map[byte][]byte, sna *echonet.SNAError) *drivers.ReadFailure {
	f := &drivers.ReadFailure{What: fmt.Sprintf("EPC 0x%02X", r.epc), Optional: r.optional}
	edt, ok := got[r.epc]
	switch {
	case !ok && sna != nil:
		one := *sna
		one.Refused, one.Missing = []byte{r.epc}, nil
		if why, found := sna.Why(r.epc); found {
			one.Missing = []echonet.Unavailable{{EPC: r.epc, Why: why}}
			if why == echonet.AbsentWrongSize {
				f.Err = fmt.Errorf("%w: %w", drivers.ErrMalformed, &one)
				return f
			}
		}
		f.Err = &one
	case !ok:
		f.Err = fmt.Errorf("%w: EPC 0x%02X is not in the reply", drivers.ErrMalformed, r.epc)
	case r.size > 0 && len(edt) != r.size:
		f.Err = fmt.Errorf("%w: EPC 0x%02X is % X, %d bytes; the template declares %d", drivers.ErrMalformed, r.epc, edt, len(edt), r.size)
	default:
		return nil
	}
	return f
}

// Write runs the writes as one SetC, refused before it is sent when the
// device's Set property map does not list an EPC.
func (e *device) Write(ctx context.Context, writes []cel.Write) error {
	var props []echonet.Property
	for _, w := range writes {
		if w.Kind != cel.WriteEPC {
			return fmt.Errorf("%w: an ECHONET Lite charger cannot run %s", cel.ErrUnsupported, w)
		}
		props = append(props, echonet.Property{EPC: w.EPC, EDT: w.Data})
	}
	if len(props) == 0 {
		return nil
	}
	return drivers.Outcome(classify(e.dev.SetC(echonet.WithTryTimeout(ctx, e.wait), props...)))
}

// Close leaves the shared client open for the other EL chargers.
func (e *device) Close() error { return nil }
