package charger

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers"
)

// candidates resolves the templates of protocol, or the named ones.
func (r *Reconciler) candidates(protocol string, names []string) ([]drivers.Candidate, error) {
	if len(names) == 0 {
		for _, o := range r.templates.List() {
			names = append(names, o.Metadata.Name)
		}
	}
	slices.Sort(names)
	var out []drivers.Candidate
	for _, n := range names {
		spec, _, err := template.Resolve(r.templates, n)
		if err != nil || spec.Protocol != protocol || spec.Read == nil {
			continue // not resolved, another protocol, or nothing to read
		}
		m, errs := cel.NewMapping(&spec)
		if len(errs) > 0 {
			continue // its MappingValid condition says why
		}
		out = append(out, drivers.Candidate{Name: n, Spec: spec, Mapping: m})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no usable %s template to try", ErrInvalidRequest, protocol)
	}
	return out, nil
}

// DiscoverModbus tries each unit of a Bus or a Modbus TCP address with the
// known templates. A unit that does not answer the first read is not tried
// further, so a scan of silent units costs one timeout each.
func (r *Reconciler) DiscoverModbus(ctx context.Context, req v1alpha1.ModbusDiscoverRequest) (*v1alpha1.ModbusDiscoverResult, error) {
	if r.devices == nil {
		return nil, ErrNoDevice
	}
	if (req.BusRef == "") == (req.ModbusTCP == nil) {
		return nil, fmt.Errorf("%w: give a busRef or a modbusTCP address", ErrInvalidRequest)
	}
	if len(req.Units) == 0 || len(req.Units) > 256 {
		return nil, fmt.Errorf("%w: give 1 to 256 unit ids", ErrInvalidRequest)
	}
	cands, err := r.candidates(v1alpha1.ProtocolModbus, req.Templates)
	if err != nil {
		return nil, err
	}
	res := &v1alpha1.ModbusDiscoverResult{}
	for _, unit := range req.Units {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		u, err := r.tryUnit(ctx, req, unit, cands)
		if err != nil {
			return nil, err
		}
		res.Units = append(res.Units, u)
	}
	return res, nil
}

func (r *Reconciler) tryUnit(ctx context.Context, req v1alpha1.ModbusDiscoverRequest, unit int, cands []drivers.Candidate) (v1alpha1.DiscoveredUnit, error) {
	out := v1alpha1.DiscoveredUnit{Unit: unit, Mismatches: map[string]string{}}
	spec := v1alpha1.ChargerSpec{}
	if req.BusRef != "" {
		spec.Connection = v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: req.BusRef, UnitID: unit})
	} else {
		c := *req.ModbusTCP
		c.UnitID = &unit
		spec.Connection = v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &c)
	}
	for _, c := range cands {
		spec.TemplateRef = c.Name
		w := r.desired(spec)
		if w.busErr != nil {
			return out, fmt.Errorf("%w: %v", ErrInvalidRequest, w.busErr)
		}
		dev, err := r.devices.opener.Open(ctx, DeviceConfig{Charger: "discover", Connection: spec.Connection, Bus: w.bus,
			BusName: w.busName, Read: c.Spec.Read})
		if err != nil {
			return out, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
		}
		rd, err := dev.Read(WithProbe(ctx))
		dev.Close()
		if err != nil {
			if !out.Answered && faultReason(err) == ReasonNotResponding && !errors.Is(err, context.Canceled) {
				out.Mismatches = nil
				return out, nil // silent: no other template will fare better
			}
			out.Mismatches[c.Name] = describe(err)
			continue
		}
		out.Answered = true
		if why := mismatch(rd, c.Mapping); why != "" {
			out.Mismatches[c.Name] = why
			continue
		}
		out.Matches = append(out.Matches, c.Name)
	}
	if len(out.Mismatches) == 0 {
		out.Mismatches = nil
	}
	return out, nil
}

// mismatch says why a reading does not fit a template: a required read
// failed, or a signal could not be computed.
func mismatch(rd *Reading, m *cel.Mapping) string {
	for _, f := range rd.Failed {
		if !f.Optional {
			return fmt.Sprintf("%s: %s", f.What, describe(f.Err))
		}
	}
	ev := m.Evaluate(rd.Input)
	if len(ev.Errors) > 0 {
		return ev.Errors[0].Error()
	}
	return ""
}

// DiscoverEchonet multicasts a discovery from the gateway's own ECHONET
// Lite socket and describes every device object that answered, with the
// templates that fit it (the protocol's discovery hook does the work).
func (r *Reconciler) DiscoverEchonet(ctx context.Context, req v1alpha1.EchonetDiscoverRequest) (*v1alpha1.EchonetDiscoverResult, error) {
	res, err := r.discover(ctx, v1alpha1.ProtocolEchonet, req)
	if err != nil {
		return nil, err
	}
	out, ok := res.(*v1alpha1.EchonetDiscoverResult)
	if !ok {
		return nil, fmt.Errorf("echonet discovery answered a %T", res)
	}
	return out, nil
}

// discover runs protocol's discovery hook with the protocol's usable
// templates; none is fine, devices are still listed.
func (r *Reconciler) discover(ctx context.Context, protocol string, req any) (any, error) {
	if r.devices == nil {
		return nil, ErrNoDevice
	}
	src, ok := r.devices.opener.(interface {
		Opener(protocol string) (drivers.Opener, error)
	})
	if !ok {
		return nil, ErrNoDevice
	}
	o, err := src.Opener(protocol)
	if err != nil {
		return nil, err
	}
	d, ok := o.(drivers.Discoverer)
	if !ok {
		return nil, fmt.Errorf("%w: protocol %q has no discovery", ErrInvalidRequest, protocol)
	}
	cands, _ := r.candidates(protocol, nil)
	return d.Discover(ctx, req, cands)
}
