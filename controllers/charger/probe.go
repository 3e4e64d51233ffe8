package charger

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// probeCap bounds one mapping test read.
const probeCap = time.Minute

// Probe reads the charger's device once, now, and evaluates its mapping.
// It tries even while the device is marked not responding, and says so. It
// fails when the charger has no running device connection or the device
// did not answer; the error says which.
func (r *Reconciler) Probe(ctx context.Context, name string) (*v1alpha1.MappingTest, error) {
	if r.devices == nil {
		return nil, fmt.Errorf("charger %q: %w", name, ErrNoDevice)
	}
	r.devices.mu.Lock()
	var p *poller
	if run := r.devices.running[name]; run != nil {
		p = run.poller
	}
	r.devices.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("charger %q: %w (see its DeviceReachable and MappingValid conditions)", name, ErrNoDevice)
	}
	var notes []string
	if p.state.failCount() > 0 {
		notes = append(notes, fmt.Sprintf("the device failed its last %d polls; this test read it once anyway", p.state.failCount()))
	}
	rctx, cancel := context.WithTimeout(WithProbe(ctx), probeCap)
	defer cancel()
	rd, err := p.dev.Read(rctx)
	if err != nil {
		return nil, fmt.Errorf("charger %q: read: %s", name, describe(err))
	}
	out := &v1alpha1.MappingTest{Charger: name, Template: p.templateRef, Protocol: p.protocol, Notes: notes}
	in := rd.Input
	if len(in.Regs) > 0 {
		out.Raw.Registers = in.Regs
	}
	if len(in.EPC) > 0 {
		out.Raw.EPC = map[string]string{}
		for epc, data := range in.EPC {
			out.Raw.EPC[fmt.Sprintf("0x%02X", epc)] = fmt.Sprintf("%X", data)
		}
	}
	for _, f := range rd.Failed {
		opt := ""
		if f.Optional {
			opt = " (optional)"
		}
		out.ReadFailures = append(out.ReadFailures, fmt.Sprintf("%s%s: %s: %s", f.What, opt, faultReason(f.Err), describe(f.Err)))
	}
	ev := p.evaluate(in)
	p.state.mu.Lock()
	conns := p.state.connectors
	p.state.mu.Unlock()
	for i, c := range conns {
		out.Connectors = append(out.Connectors, v1alpha1.MappingTestConnector{EVSEID: c.ID, ConnectorID: c.ConnectorID,
			Signals: ev.signals[i], Unknown: ev.unknown[i]})
	}
	for _, e := range ev.errs {
		out.Errors = append(out.Errors, e.Error())
	}
	have := p.mapping.Signals()
	for _, s := range v1alpha1.SignalNames {
		if !slices.Contains(have, s) {
			out.UnsupportedSignals = append(out.UnsupportedSignals, s)
		}
	}
	for _, c := range v1alpha1.CommandNames {
		if p.mapping.HasCommand(c) {
			out.Commands = append(out.Commands, c)
		} else {
			out.UnsupportedCommands = append(out.UnsupportedCommands, c)
		}
	}
	return out, nil
}

type probeKey struct{}

// WithProbe marks a read made on an installer's request: a driver that
// skips a device in back-off still sends it once.
func WithProbe(ctx context.Context) context.Context { return context.WithValue(ctx, probeKey{}, true) }

// isProbe reports whether ctx comes from WithProbe.
func isProbe(ctx context.Context) bool { v, _ := ctx.Value(probeKey{}).(bool); return v }
