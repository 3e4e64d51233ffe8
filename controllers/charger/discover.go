package charger

import (
	"context"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers"
)

// candidates resolves and compiles the usable templates of protocol, by
// name.
func (r *Reconciler) candidates(protocol string) []drivers.Candidate {
	var names []string
	for _, o := range r.templates.List() {
		names = append(names, o.Metadata.Name)
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
	return out
}

// DiscoverModbus tries each unit of a Bus or a Modbus TCP address with the
// known templates (the protocol's discovery hook does the work).
func (r *Reconciler) DiscoverModbus(ctx context.Context, req v1alpha1.ModbusDiscoverRequest) (*v1alpha1.ModbusDiscoverResult, error) {
	res, err := r.discover(ctx, v1alpha1.ProtocolModbus, req)
	if err != nil {
		return nil, err
	}
	out, ok := res.(*v1alpha1.ModbusDiscoverResult)
	if !ok {
		return nil, fmt.Errorf("modbus discovery answered a %T", res)
	}
	return out, nil
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
	return d.Discover(ctx, req, drivers.DiscoverEnv{Templates: r.candidates(protocol), Probe: r.probeOnce})
}

// probeOnce opens conn as a Charger using c would be, reads it once and
// closes it: the Probe of a discovery.
func (r *Reconciler) probeOnce(ctx context.Context, conn v1alpha1.ChargerConnection, c drivers.Candidate) (*Reading, error) {
	w := r.desired(v1alpha1.ChargerSpec{TemplateRef: c.Name, Connection: conn})
	if w.busErr != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, w.busErr)
	}
	dev, err := r.devices.opener.Open(ctx, DeviceConfig{Charger: "discover", Connection: conn, Bus: w.bus,
		BusName: w.busName, Read: c.Spec.Read})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	defer dev.Close()
	return dev.Read(WithProbe(ctx))
}
