package charger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
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
	if n := p.state.failCount(); n > 0 {
		notes = append(notes, fmt.Sprintf("the device failed its last %d polls; this test read it once anyway", n))
	}
	p.state.mu.Lock()
	conns := p.state.connectors
	p.state.mu.Unlock()
	out, err := probe(ctx, p.dev, p.mapping, conns, p.evaluate)
	if err != nil {
		return nil, fmt.Errorf("charger %q: read: %s", name, describe(err))
	}
	out.Charger, out.Template, out.Protocol, out.Notes = name, p.templateRef, p.protocol, notes
	return out, nil
}

// TryTemplate reads a device that no Charger describes yet once, through a
// template, so an installer can try a template before writing the Charger.
// The connection is opened for this read only.
func (r *Reconciler) TryTemplate(ctx context.Context, req v1alpha1.MappingTestRequest) (*v1alpha1.MappingTest, error) {
	if r.devices == nil {
		return nil, ErrNoDevice
	}
	spec := v1alpha1.ChargerSpec{TemplateRef: req.Template, Connection: req.Connection, EVSEs: req.EVSEs}
	spec.SetDefaults(&v1alpha1.ObjectMeta{Name: "mapping-test"})
	if errs := spec.Validate(&v1alpha1.ObjectMeta{Name: "mapping-test"}); len(errs) > 0 {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, errs)
	}
	w := r.desired(spec)
	switch {
	case w.tplErr != nil:
		return nil, fmt.Errorf("%w: template %q: %v", ErrInvalidRequest, req.Template, w.tplErr)
	case w.busErr != nil:
		return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, w.busErr)
	}
	mapping, errs := cel.NewMapping(&w.template)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: template %q: %w", ErrInvalidRequest, req.Template, errors.Join(errs...))
	}
	dev, err := r.devices.opener.Open(ctx, DeviceConfig{Charger: "mapping-test", Connection: spec.Connection, Bus: w.bus,
		BusName: w.busName, Read: w.template.Read})
	if err != nil {
		return nil, fmt.Errorf("open the device: %w", err)
	}
	defer dev.Close()
	conns := layout(spec)
	out, err := probe(ctx, dev, mapping, conns, func(in *cel.Input) evaluation { return evaluate(mapping, conns, nil, in) })
	if err != nil {
		return nil, fmt.Errorf("read: %s", describe(err))
	}
	out.Template, out.Protocol = req.Template, w.template.Protocol
	return out, nil
}

// ErrInvalidRequest marks a mapping test or a discovery that cannot be
// tried as asked (drivers.ErrInvalidRequest).
var ErrInvalidRequest = drivers.ErrInvalidRequest

// probe reads dev once, marked as a probe so a driver that skips a device
// in back-off still sends it, and reports what the mapping makes of it.
func probe(ctx context.Context, dev Device, m *cel.Mapping, conns []v1alpha1.OCPPEVSE, eval func(*cel.Input) evaluation) (*v1alpha1.MappingTest, error) {
	rctx, cancel := context.WithTimeout(WithProbe(ctx), probeCap)
	defer cancel()
	rd, err := dev.Read(rctx)
	if err != nil {
		return nil, err
	}
	out := &v1alpha1.MappingTest{}
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
	for k, v := range in.Data {
		if b, err := json.Marshal(v); err == nil {
			if out.Raw.Data == nil {
				out.Raw.Data = map[string]json.RawMessage{}
			}
			out.Raw.Data[k] = b
		}
	}
	for _, f := range rd.Failed {
		opt := ""
		if f.Optional {
			opt = " (optional)"
		}
		out.ReadFailures = append(out.ReadFailures, fmt.Sprintf("%s%s: %s: %s", f.What, opt, faultReason(f.Err), describe(f.Err)))
	}
	ev := eval(in)
	for i, c := range conns {
		out.Connectors = append(out.Connectors, v1alpha1.MappingTestConnector{EVSEID: c.ID, ConnectorID: c.ConnectorID,
			Signals: ev.signals[i], Unknown: ev.unknown[i]})
	}
	for _, e := range ev.errs {
		out.Errors = append(out.Errors, e.Error())
	}
	have := m.Signals()
	for _, s := range v1alpha1.SignalNames {
		if !slices.Contains(have, s) {
			out.UnsupportedSignals = append(out.UnsupportedSignals, s)
		}
	}
	for _, c := range v1alpha1.CommandNames {
		if m.HasCommand(c) {
			out.Commands = append(out.Commands, c)
		} else {
			out.UnsupportedCommands = append(out.UnsupportedCommands, c)
		}
	}
	return out, nil
}

// WithProbe marks a read made on an installer's request: a driver that
// skips a device in back-off still sends it once.
func WithProbe(ctx context.Context) context.Context { return drivers.WithProbe(ctx) }
