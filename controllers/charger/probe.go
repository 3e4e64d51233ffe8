package charger

import (
	"context"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Probe reads the charger's device once, now, and evaluates its mapping.
// It fails when the charger has no running device connection or the read
// fails; the error says which.
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
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	in, err := p.dev.Read(rctx)
	if err != nil {
		return nil, fmt.Errorf("charger %q: read: %w", name, err)
	}
	out := &v1alpha1.MappingTest{Charger: name, Template: p.templateRef, Protocol: p.protocol}
	if len(in.Regs) > 0 {
		out.Raw.Registers = in.Regs
	}
	if len(in.EPC) > 0 {
		out.Raw.EPC = map[string]string{}
		for epc, data := range in.EPC {
			out.Raw.EPC[fmt.Sprintf("0x%02X", epc)] = fmt.Sprintf("%X", data)
		}
	}
	signals, errs := p.evaluate(in)
	p.state.mu.Lock()
	conns := p.state.connectors
	p.state.mu.Unlock()
	for i, c := range conns {
		out.Connectors = append(out.Connectors, v1alpha1.MappingTestConnector{EVSEID: c.ID, ConnectorID: c.ConnectorID, Signals: signals[i]})
	}
	for _, e := range errs {
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
