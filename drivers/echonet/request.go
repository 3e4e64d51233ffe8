package echonet

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

func (c *Client) resolve(to netip.AddrPort) netip.AddrPort {
	if to.Port() == 0 {
		return netip.AddrPortFrom(to.Addr(), c.cfg.DevicePort)
	}
	return to
}

// request sends f and waits for a reply whose ESV is in want and that
// comes from f.DEOJ at to (see waiter.accepts). Each retransmission uses a
// fresh TID, and a late answer to any earlier try is still accepted,
// because it answers the same question.
func (c *Client) request(ctx context.Context, to netip.AddrPort, f *Frame, want ...ESV) (*Frame, netip.AddrPort, error) {
	to = c.resolve(to)
	if err := ctx.Err(); err != nil {
		return nil, to, fmt.Errorf("echonet: %v of %v to %v not sent: %w", f.ESV, f.DEOJ, to, err)
	}
	w := &waiter{from: to.Addr().Unmap(), deoj: f.DEOJ, want: want, ch: make(chan inbound, 1)}
	var tids []uint16
	defer func() { c.unregister(tids) }()
	tries, wait := c.cfg.Retries+1, tryTimeout(ctx, c.cfg.Timeout)
	start := time.Now()
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
		res, from, err := c.await(ctx, w, timer.C)
		timer.Stop()
		if err != nil && ctx.Err() != nil {
			return nil, to, c.endedByContext(ctx, start, to, f, try+1, tries, wait)
		}
		if err != nil || res != nil {
			return res, from, err
		}
	}
	c.n.timeouts.Add(1)
	return nil, to, &TimeoutError{To: to, EOJ: f.DEOJ, ESV: f.ESV, Tries: tries, Planned: tries, Wait: wait}
}

// endedByContext explains a call that the caller's context ended: a
// deadline shorter than the tries need is a timeout that says so, a
// cancellation is not the device's silence.
func (c *Client) endedByContext(ctx context.Context, start time.Time, to netip.AddrPort, f *Frame, sent, tries int, wait time.Duration) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("echonet: %v of %v to %v canceled after %d of %d tries: %w", f.ESV, f.DEOJ, to, sent, tries, ctx.Err())
	}
	c.n.timeouts.Add(1)
	te := &TimeoutError{To: to, EOJ: f.DEOJ, ESV: f.ESV, Tries: sent, Planned: tries, Wait: wait, Cause: ctx.Err()}
	if dl, ok := ctx.Deadline(); ok {
		te.Budget = dl.Sub(start)
	}
	return te
}

// RequestBudget is the longest a request made with ctx can wait for its
// answer: every try's wait (Config.Timeout or WithTryTimeout) one after the
// other. A caller whose deadline is shorter cuts retransmission short.
func (c *Client) RequestBudget(ctx context.Context) time.Duration {
	return time.Duration(c.cfg.Retries+1) * tryTimeout(ctx, c.cfg.Timeout)
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

// await returns (nil, nil) when the timer fires. Only answers the waiter
// accepts reach it (see dispatch).
func (c *Client) await(ctx context.Context, w *waiter, expired <-chan time.Time) (*Frame, netip.AddrPort, error) {
	select {
	case in := <-w.ch:
		return in.f, in.from, nil
	case <-expired:
		return nil, netip.AddrPort{}, nil
	case <-ctx.Done():
		return nil, netip.AddrPort{}, fmt.Errorf("echonet: waiting for answer: %w", ctx.Err())
	case <-c.done:
		return nil, netip.AddrPort{}, ErrClosed
	}
}

// Get reads properties of eoj at to (port 0 means DevicePort). It returns
// the requested properties that arrived with data, in request order. When
// some did not, the error is an *SNAError whose Missing field names each
// of them with how it failed to arrive: Get_SNA with PDC 0, Get_Res with
// PDC 0, or left out of the reply. Callers must treat those as unknown,
// never as a default value.
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
	got, missing := sortGetReply(res, eoj.Class(), epcs)
	if len(missing) == 0 {
		return got, nil
	}
	if res.ESV == GetSNA {
		c.n.snas.Add(1)
	}
	return got, getError(from, eoj, res.ESV, missing)
}

// sortGetReply splits the requested EPCs into those the reply carries
// with usable data and those it does not, with the reason. Data of a
// length the class does not define for the EPC is not usable: read as
// the property it claims to be, it would be a wrong value.
func sortGetReply(res *Frame, class uint16, epcs []byte) ([]Property, []Unavailable) {
	var got []Property
	var missing []Unavailable
	for _, e := range epcs {
		edt, ok := Lookup(res.Props, e)
		switch {
		case !ok:
			missing = append(missing, Unavailable{EPC: e, Why: AbsentOmitted})
		case len(edt) == 0 && res.ESV == GetSNA:
			missing = append(missing, Unavailable{EPC: e, Why: AbsentSNA})
		case len(edt) == 0:
			missing = append(missing, Unavailable{EPC: e, Why: AbsentEmpty})
		case !sizeOK(class, e, edt):
			missing = append(missing, Unavailable{EPC: e, Why: AbsentWrongSize, EDT: edt})
		default:
			got = append(got, Property{EPC: e, EDT: edt})
		}
	}
	return got, missing
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
		if !sizeOK(eoj.Class(), p.EPC, p.EDT) {
			return fmt.Errorf("echonet: SetC of %v: EPC 0x%02X: %d bytes of data (%X), the class defines %s; not sent",
				eoj, p.EPC, len(p.EDT), p.EDT, sizeText(eoj.Class(), p.EPC))
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
	w := &waiter{from: to.Addr(), deoj: eoj, want: []ESV{SetISNA}, ch: make(chan inbound, 1)}
	tid, err := c.register(w)
	if err != nil {
		return err
	}
	c.unregister([]uint16{tid})
	return c.send(c.resolve(to), &Frame{TID: tid, SEOJ: c.cfg.SEOJ, DEOJ: eoj, ESV: SetI, Props: props})
}
