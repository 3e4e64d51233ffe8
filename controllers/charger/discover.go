package charger

import (
	"context"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers"
)

// candidates resolves and compiles the usable templates of protocol, by
// name.
func (r *Reconciler) candidates(protocol string) []drivers.Candidate {
	var names []string
	tpls, _ := r.templates.List(labels.Everything()) // one that does not decode cannot be tried
	for _, o := range tpls {
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

// Discover runs protocol's discovery hook (drivers.Discoverer) on req,
// the protocol's request type, lending it the protocol's usable templates
// and a probe. A request that cannot be tried is ErrInvalidRequest.
func (r *Reconciler) Discover(ctx context.Context, protocol string, req any) (any, error) {
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
