package charger

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// echonetDevice reads a template's EPCs from one EL object.
type echonetDevice struct {
	cl    *echonet.Client
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
			dev.reads = append(dev.reads, epcRead{epc: epc})
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.el == nil {
		cl, err := echonet.NewClient(d.Echonet)
		if err != nil {
			return nil, fmt.Errorf("echonet client: %w", err)
		}
		d.el = cl
	}
	dev.cl = d.el
	return dev, nil
}

// Read gets every EPC in one Get. EPCs the device did not return, returned
// empty, or returned with another length than the template declares are
// listed as failed and left out of the input, so their signals are unknown.
func (e *echonetDevice) Read(ctx context.Context) (*Reading, error) {
	rd := &Reading{Input: &cel.Input{EPC: map[byte][]byte{}}}
	if len(e.reads) == 0 {
		return rd, nil
	}
	epcs := make([]byte, len(e.reads))
	for i, r := range e.reads {
		epcs[i] = r.epc
	}
	props, err := e.cl.Get(echonet.WithTryTimeout(ctx, e.wait), e.to, e.eoj, epcs...)
	var sna *echonet.SNAError
	if err != nil && !errors.As(err, &sna) {
		return nil, err
	}
	got := map[byte][]byte{}
	for _, p := range props {
		got[p.EPC] = p.EDT
	}
	for _, r := range e.reads {
		what := fmt.Sprintf("EPC 0x%02X", r.epc)
		edt, ok := got[r.epc]
		switch {
		case !ok && sna != nil:
			one := *sna
			one.Refused = []byte{r.epc}
			rd.Failed = append(rd.Failed, ReadFailure{What: what, Optional: r.optional, Err: &one})
		case !ok:
			rd.Failed = append(rd.Failed, ReadFailure{What: what, Optional: r.optional,
				Err: fmt.Errorf("%w: not in the reply", ErrMalformed)})
		case r.size > 0 && len(edt) != r.size:
			rd.Failed = append(rd.Failed, ReadFailure{What: what, Optional: r.optional,
				Err: fmt.Errorf("%w: % X is %d bytes, the template declares %d", ErrMalformed, edt, len(edt), r.size)})
		default:
			rd.Input.EPC[r.epc] = edt
		}
	}
	return rd, nil
}

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
	return outcome(e.cl.SetC(echonet.WithTryTimeout(ctx, e.wait), e.to, e.eoj, props...))
}

// Close leaves the shared client open for the other EL chargers.
func (e *echonetDevice) Close() error { return nil }
