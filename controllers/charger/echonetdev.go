package charger

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// echonetDevice reads a template's EPCs from one EL object.
type echonetDevice struct {
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

func (d *Drivers) echonetDevice(c *v1alpha1.EchonetConnection, read *v1alpha1.TemplateRead) (Device, error) {
	addr, err := netip.ParseAddr(c.Address)
	if err != nil {
		return nil, fmt.Errorf("echonet address %q: %w", c.Address, err)
	}
	eoj, err := echonet.ParseEOJ(strings.TrimPrefix(strings.TrimPrefix(c.EOJ, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("echonet eoj %q: %w", c.EOJ, err)
	}
	port := c.Port
	if port == 0 {
		port = echonet.DefaultPort
	}
	dev := &echonetDevice{to: netip.AddrPortFrom(addr, uint16(port)), eoj: eoj, wait: c.Timeout.Duration()}
	if read != nil && read.Echonet != nil {
		for _, s := range read.Echonet.EPCs {
			epc, err := v1alpha1.ParseEPC(s)
			if err != nil {
				return nil, err
			}
			decl := read.Echonet.Decl(epc)
			dev.reads = append(dev.reads, epcRead{epc: epc, size: decl.Size, optional: decl.Optional})
		}
	}
	cl, err := d.EchonetClient()
	if err != nil {
		return nil, err
	}
	dev.dev = cl.Device(dev.to, eoj)
	return dev, nil
}

// EchonetClient is the ECHONET Lite client every EL charger shares, opened
// on first use (it owns UDP 3610).
func (d *Drivers) EchonetClient() (*echonet.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.el == nil {
		cl, err := echonet.NewClient(d.Echonet)
		if err != nil {
			return nil, fmt.Errorf("echonet client: %w", err)
		}
		d.el = cl
	}
	return d.el, nil
}

// Read gets every EPC the device lists in its Get property map in one Get.
// An EPC the device does not list, did not return, returned empty, or
// returned with another length than the specification or the template
// declares is listed as failed and left out of the input, so its signals
// are unknown.
func (e *echonetDevice) Read(ctx context.Context) (*Reading, error) {
	rd := &Reading{Input: &cel.Input{EPC: map[byte][]byte{}}}
	if len(e.reads) == 0 {
		return rd, nil
	}
	ctx = echonet.WithTryTimeout(ctx, e.wait)
	maps, err := e.dev.Maps(ctx)
	if err != nil {
		return nil, err
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
		failEPC(rd, r.epc, ReadFailure{What: fmt.Sprintf("EPC 0x%02X", r.epc), Optional: r.optional,
			Err: &echonet.NotInMapError{To: e.to, EOJ: e.eoj, Map: "Get", EPCs: []byte{r.epc}}})
	}
	if len(epcs) == 0 {
		return rd, nil
	}
	props, err := e.dev.Get(ctx, epcs...)
	var sna *echonet.SNAError
	if err != nil && !errors.As(err, &sna) {
		return nil, err
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
			failEPC(rd, r.epc, *f)
			continue
		}
		rd.Input.EPC[r.epc] = got[r.epc]
	}
	return rd, nil
}

// check says why one EPC of a Get reply cannot be used, or nil.
func (e *echonetDevice) check(r epcRead, got map[byte][]byte, sna *echonet.SNAError) *ReadFailure {
	f := &ReadFailure{What: fmt.Sprintf("EPC 0x%02X", r.epc), Optional: r.optional}
	edt, ok := got[r.epc]
	switch {
	case !ok && sna != nil:
		one := *sna
		one.Refused, one.Missing = []byte{r.epc}, nil
		if why, found := sna.Why(r.epc); found {
			one.Missing = []echonet.Unavailable{{EPC: r.epc, Why: why}}
			if why == echonet.AbsentWrongSize {
				f.Err = fmt.Errorf("%w: %w", ErrMalformed, &one)
				return f
			}
		}
		f.Err = &one
	case !ok:
		f.Err = fmt.Errorf("%w: EPC 0x%02X is not in the reply", ErrMalformed, r.epc)
	case r.size > 0 && len(edt) != r.size:
		f.Err = fmt.Errorf("%w: EPC 0x%02X is % X, %d bytes; the template declares %d", ErrMalformed, r.epc, edt, len(edt), r.size)
	default:
		return nil
	}
	return f
}

// Write runs the writes as one SetC, refused before it is sent when the
// device's Set property map does not list an EPC.
func (e *echonetDevice) Write(ctx context.Context, writes []cel.Write) error {
	var props []echonet.Property
	for _, w := range writes {
		if w.Kind != cel.WriteEPC {
			return fmt.Errorf("%w: an ECHONET Lite charger cannot run %s", ErrUnsupported, w)
		}
		props = append(props, echonet.Property{EPC: w.EPC, EDT: w.Data})
	}
	if len(props) == 0 {
		return nil
	}
	return outcome(e.dev.SetC(echonet.WithTryTimeout(ctx, e.wait), props...))
}

// Close leaves the shared client open for the other EL chargers.
func (e *echonetDevice) Close() error { return nil }
