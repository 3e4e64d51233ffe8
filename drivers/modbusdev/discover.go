package modbusdev

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
)

var _ drivers.Discoverer = (*Opener)(nil)

// Discover implements drivers.Discoverer: it tries each unit of a Bus or a
// Modbus TCP address (req is a v1alpha1.ModbusDiscoverRequest) with the
// known templates, or the ones the request names. A unit that does not
// answer the first read is not tried further, so a scan of silent units
// costs one timeout each.
func (o *Opener) Discover(ctx context.Context, req any, env drivers.DiscoverEnv) (any, error) {
	r, ok := req.(v1alpha1.ModbusDiscoverRequest)
	switch {
	case !ok:
		return nil, fmt.Errorf("modbus discovery: a %T is not a ModbusDiscoverRequest", req)
	case (r.BusRef == "") == (r.ModbusTCP == nil):
		return nil, fmt.Errorf("%w: give a busRef or a modbusTCP address", drivers.ErrInvalidRequest)
	case len(r.Units) == 0 || len(r.Units) > 256:
		return nil, fmt.Errorf("%w: give 1 to 256 unit ids", drivers.ErrInvalidRequest)
	}
	cands := env.Templates
	if len(r.Templates) > 0 {
		cands = slices.DeleteFunc(slices.Clone(cands), func(c drivers.Candidate) bool { return !slices.Contains(r.Templates, c.Name) })
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: no usable %s template to try", drivers.ErrInvalidRequest, v1alpha1.ProtocolModbus)
	}
	res := &v1alpha1.ModbusDiscoverResult{}
	for _, unit := range r.Units {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		u, err := tryUnit(ctx, r, unit, cands, env.Probe)
		if err != nil {
			return nil, err
		}
		res.Units = append(res.Units, u)
	}
	return res, nil
}

type probeFunc = func(context.Context, v1alpha1.ChargerConnection, drivers.Candidate) (*drivers.Reading, error)

func tryUnit(ctx context.Context, req v1alpha1.ModbusDiscoverRequest, unit int, cands []drivers.Candidate, probe probeFunc) (v1alpha1.DiscoveredUnit, error) {
	out := v1alpha1.DiscoveredUnit{Unit: unit, Mismatches: map[string]string{}}
	var conn v1alpha1.ChargerConnection
	if req.BusRef != "" {
		conn = v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: req.BusRef, UnitID: unit})
	} else {
		c := *req.ModbusTCP
		c.UnitID = &unit
		conn = v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &c)
	}
	for _, c := range cands {
		rd, err := probe(ctx, conn, c)
		switch {
		case errors.Is(err, drivers.ErrInvalidRequest):
			return out, err
		case err != nil && !out.Answered && notResponding(err) && !errors.Is(err, context.Canceled):
			out.Mismatches = nil
			return out, nil // silent: no other template will fare better
		case err != nil:
			out.Mismatches[c.Name] = err.Error()
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
func mismatch(rd *drivers.Reading, m *cel.Mapping) string {
	for _, f := range rd.Failed {
		if !f.Optional {
			return fmt.Sprintf("%s: %s", f.What, f.Err)
		}
	}
	ev := m.Evaluate(rd.Input)
	if len(ev.Errors) > 0 {
		return ev.Errors[0].Error()
	}
	return ""
}
