package echonet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// ErrTimeout is matched (errors.Is) by every TimeoutError.
var ErrTimeout = errors.New("echonet: no response")

// TimeoutError says that a device stayed silent through every try. Silence
// is a normal outcome in ECHONET Lite: a device drops requests for objects
// it does not have.
type TimeoutError struct {
	To    netip.AddrPort
	EOJ   EOJ
	ESV   ESV
	Tries int
	Wait  time.Duration // per try
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("echonet: no response to %v of %v from %v after %d tries of %v", e.ESV, e.EOJ, e.To, e.Tries, e.Wait)
}

func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// SNAError is a device's "service not available" reply: some properties
// were refused (Set) or unavailable (Get).
type SNAError struct {
	From    netip.AddrPort
	EOJ     EOJ
	ESV     ESV    // the reply's service code, e.g. SetC_SNA
	Refused []byte // EPCs the device did not process
}

func (e *SNAError) Error() string {
	epcs := make([]string, len(e.Refused))
	for i, p := range e.Refused {
		epcs[i] = fmt.Sprintf("0x%02X", p)
	}
	verb := "refused"
	if e.ESV == GetSNA || e.ESV == GetRes {
		verb = "could not read"
	}
	return fmt.Sprintf("echonet: %v at %v %s EPC %s (%v)", e.EOJ, e.From, verb, strings.Join(epcs, ", "), e.ESV)
}

// Refuses reports whether epc is among the refused properties.
func (e *SNAError) Refuses(epc byte) bool {
	for _, p := range e.Refused {
		if p == epc {
			return true
		}
	}
	return false
}

func (c *Client) resolve(to netip.AddrPort) netip.AddrPort {
	if to.Port() == 0 {
		return netip.AddrPortFrom(to.Addr(), c.cfg.DevicePort)
	}
	return to
}

// request sends f and waits for a reply whose ESV is in want. Each
// retransmission uses a fresh TID, and a late answer to any earlier try is
// still accepted, because it answers the same question.
func (c *Client) request(ctx context.Context, to netip.AddrPort, f *Frame, want ...ESV) (*Frame, netip.AddrPort, error) {
	to = c.resolve(to)
	w := &waiter{from: to.Addr().Unmap(), ch: make(chan inbound, 1)}
	var tids []uint16
	defer func() { c.unregister(tids) }()
	tries, wait := c.cfg.Retries+1, tryTimeout(ctx, c.cfg.Timeout)
	for try := range tries {
		tid, err := c.register(w)
		if err != nil {
			return nil, to, err
		}
		tids = append(tids, tid)
		f.TID = tid
		if try > 0 {
			c.n.retransmits.Add(1)
		}
		if err := c.send(to, f); err != nil {
			return nil, to, err
		}
		timer := time.NewTimer(wait)
		res, from, err := c.await(ctx, w, timer.C, want)
		timer.Stop()
		if err != nil || res != nil {
			return res, from, err
		}
	}
	c.n.timeouts.Add(1)
	return nil, to, &TimeoutError{To: to, EOJ: f.DEOJ, ESV: f.ESV, Tries: tries, Wait: wait}
}

type tryTimeoutKey struct{}

// WithTryTimeout makes the requests made with ctx wait d for each try
// instead of Config.Timeout: one client serves every device of a gateway,
// and devices answer at different speeds. d <= 0 keeps the default.
func WithTryTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, tryTimeoutKey{}, d)
}

func tryTimeout(ctx context.Context, def time.Duration) time.Duration {
	if d, ok := ctx.Value(tryTimeoutKey{}).(time.Duration); ok && d > 0 {
		return d
	}
	return def
}

// await returns (nil, nil) when the timer fires.
func (c *Client) await(ctx context.Context, w *waiter, expired <-chan time.Time, want []ESV) (*Frame, netip.AddrPort, error) {
	for {
		select {
		case in := <-w.ch:
			for _, e := range want {
				if in.f.ESV == e {
					return in.f, in.from, nil
				}
			}
			c.n.unmatched.Add(1) // right TID, wrong kind of answer: keep waiting
		case <-expired:
			return nil, netip.AddrPort{}, nil
		case <-ctx.Done():
			return nil, netip.AddrPort{}, fmt.Errorf("echonet: waiting for answer: %w", ctx.Err())
		case <-c.done:
			return nil, netip.AddrPort{}, ErrClosed
		}
	}
}

// Get reads properties of eoj at to (port 0 means DevicePort). On Get_SNA it
// returns the properties that did come back together with an *SNAError
// naming the unavailable ones; a Get_Res that omits a requested EPC is
// reported the same way.
func (c *Client) Get(ctx context.Context, to netip.AddrPort, eoj EOJ, epcs ...byte) ([]Property, error) {
	if len(epcs) == 0 {
		return nil, errors.New("echonet: Get: no EPCs given")
	}
	req := &Frame{SEOJ: c.cfg.SEOJ, DEOJ: eoj, ESV: Get, Props: make([]Property, len(epcs))}
	for i, e := range epcs {
		req.Props[i].EPC = e
	}
	res, from, err := c.request(ctx, to, req, GetRes, GetSNA)
	if err != nil {
		return nil, err
	}
	var got []Property
	var missing []byte
	for _, e := range epcs {
		if edt, ok := Lookup(res.Props, e); ok && len(edt) > 0 {
			got = append(got, Property{EPC: e, EDT: edt})
		} else {
			missing = append(missing, e)
		}
	}
	if len(missing) > 0 {
		if res.ESV == GetSNA {
			c.n.snas.Add(1)
		}
		return got, &SNAError{From: from, EOJ: eoj, ESV: res.ESV, Refused: missing}
	}
	return got, nil
}

// SetC writes properties and waits for Set_Res. On SetC_SNA the error is an
// *SNAError listing the refused EPCs: in a SetC_SNA the accepted properties
// come back with PDC 0 and the refused ones echo the data that was sent.
func (c *Client) SetC(ctx context.Context, to netip.AddrPort, eoj EOJ, props ...Property) error {
	if len(props) == 0 {
		return errors.New("echonet: SetC: no properties given")
	}
	for _, p := range props {
		if len(p.EDT) == 0 {
			return fmt.Errorf("echonet: SetC: EPC 0x%02X has no data", p.EPC)
		}
	}
	req := &Frame{SEOJ: c.cfg.SEOJ, DEOJ: eoj, ESV: SetC, Props: props}
	res, from, err := c.request(ctx, to, req, SetRes, SetCSNA)
	if err != nil {
		return err
	}
	if res.ESV == SetRes {
		return nil
	}
	c.n.snas.Add(1)
	sna := &SNAError{From: from, EOJ: eoj, ESV: res.ESV}
	for _, p := range res.Props {
		if len(p.EDT) > 0 {
			sna.Refused = append(sna.Refused, p.EPC)
		}
	}
	if len(sna.Refused) == 0 {
		// An SNA that marks nothing refused still means "not processed".
		for _, p := range props {
			sna.Refused = append(sna.Refused, p.EPC)
		}
	}
	return sna
}

// InfReq asks eoj to announce properties; the answer is an INF to us.
// On INF_SNA the error is an *SNAError naming the EPCs that came back empty.
func (c *Client) InfReq(ctx context.Context, to netip.AddrPort, eoj EOJ, epcs ...byte) ([]Property, error) {
	if len(epcs) == 0 {
		return nil, errors.New("echonet: INF_REQ: no EPCs given")
	}
	req := &Frame{SEOJ: c.cfg.SEOJ, DEOJ: eoj, ESV: InfReq, Props: make([]Property, len(epcs))}
	for i, e := range epcs {
		req.Props[i].EPC = e
	}
	res, from, err := c.request(ctx, to, req, Inf, InfSNA)
	if err != nil {
		return nil, err
	}
	if res.ESV == Inf {
		return res.Props, nil
	}
	c.n.snas.Add(1)
	sna := &SNAError{From: from, EOJ: eoj, ESV: res.ESV}
	for _, p := range res.Props {
		if len(p.EDT) == 0 {
			sna.Refused = append(sna.Refused, p.EPC)
		}
	}
	return res.Props, sna
}

// SetI writes properties without asking for an answer. A device may still
// reply SetI_SNA; that reply is not waited for.
func (c *Client) SetI(to netip.AddrPort, eoj EOJ, props ...Property) error {
	w := &waiter{from: to.Addr(), ch: make(chan inbound, 1)}
	tid, err := c.register(w)
	if err != nil {
		return err
	}
	c.unregister([]uint16{tid})
	return c.send(c.resolve(to), &Frame{TID: tid, SEOJ: c.cfg.SEOJ, DEOJ: eoj, ESV: SetI, Props: props})
}
