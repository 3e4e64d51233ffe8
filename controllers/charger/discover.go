package charger

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// candidate is one template a discovery tries, resolved and compiled.
type candidate struct {
	name    string
	spec    v1alpha1.TemplateSpec
	mapping *cel.Mapping
}

// candidates resolves the templates of protocol, or the named ones.
func (r *Reconciler) candidates(protocol string, names []string) ([]candidate, error) {
	if len(names) == 0 {
		tpls, _ := r.templates.List(labels.Everything()) // one that does not decode cannot be tried
		for _, o := range tpls {
			names = append(names, o.Metadata.Name)
		}
	}
	slices.Sort(names)
	var out []candidate
	for _, n := range names {
		spec, _, err := template.Resolve(r.templates, n)
		if err != nil || spec.Protocol != protocol || spec.Read == nil {
			continue // not resolved, another protocol, or nothing to read
		}
		m, errs := cel.NewMapping(&spec)
		if len(errs) > 0 {
			continue // its MappingValid condition says why
		}
		out = append(out, candidate{name: n, spec: spec, mapping: m})
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

func (r *Reconciler) tryUnit(ctx context.Context, req v1alpha1.ModbusDiscoverRequest, unit int, cands []candidate) (v1alpha1.DiscoveredUnit, error) {
	out := v1alpha1.DiscoveredUnit{Unit: unit, Mismatches: map[string]string{}}
	spec := v1alpha1.ChargerSpec{}
	if req.BusRef != "" {
		spec.Connection.ModbusRTU = &v1alpha1.ModbusRTUConnection{BusRef: req.BusRef, UnitID: unit}
	} else {
		c := *req.ModbusTCP
		c.UnitID = &unit
		spec.Connection.ModbusTCP = &c
	}
	for _, c := range cands {
		spec.TemplateRef = c.name
		w := r.desired(spec)
		if w.busErr != nil {
			return out, fmt.Errorf("%w: %v", ErrInvalidRequest, w.busErr)
		}
		dev, err := r.devices.opener.Open(ctx, DeviceConfig{Charger: "discover", Connection: spec.Connection, Bus: w.bus,
			BusName: w.busName, Read: c.spec.Read})
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
			out.Mismatches[c.name] = describe(err)
			continue
		}
		out.Answered = true
		if why := mismatch(rd, c.mapping); why != "" {
			out.Mismatches[c.name] = why
			continue
		}
		out.Matches = append(out.Matches, c.name)
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

// echonetClients is what an Opener that speaks ECHONET Lite offers
// discovery: its shared client.
type echonetClients interface {
	EchonetClient() (*echonet.Client, error)
}

// elClasses names the device classes an installer meets here.
var elClasses = map[uint16]string{echonet.ClassEVCharger: "EV charger", echonet.ClassEVChargerDischarger: "EV charger/discharger (V2H)"}

// DiscoverEchonet multicasts a discovery from the gateway's own ECHONET
// Lite socket and describes every device object that answered, with the
// templates whose every required EPC the object lists in its Get map.
func (r *Reconciler) DiscoverEchonet(ctx context.Context, req v1alpha1.EchonetDiscoverRequest) (*v1alpha1.EchonetDiscoverResult, error) {
	if r.devices == nil {
		return nil, ErrNoDevice
	}
	els, ok := r.devices.opener.(echonetClients)
	if !ok {
		return nil, ErrNoDevice
	}
	cl, err := els.EchonetClient()
	if err != nil {
		return nil, err
	}
	cands, _ := r.candidates(v1alpha1.ProtocolEchonet, nil) // none is fine: objects are still listed
	dctx := ctx
	if w := req.Window.Duration(); w > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, w)
		defer cancel()
	}
	nodes, err := cl.Discover(dctx)
	if err != nil && len(nodes) == 0 {
		return nil, fmt.Errorf("echonet discovery: %w", err)
	}
	res := &v1alpha1.EchonetDiscoverResult{Nodes: []v1alpha1.DiscoveredNode{}}
	for _, n := range nodes {
		info, err := cl.Describe(ctx, n.Addr)
		node := v1alpha1.DiscoveredNode{Address: n.Addr.String()}
		if err != nil {
			node.Error = err.Error()
		} else if info.Err != nil {
			node.Error = info.Err.Error()
		}
		for _, o := range info.Objects {
			node.Objects = append(node.Objects, describedObject(o, cands))
		}
		res.Nodes = append(res.Nodes, node)
	}
	return res, nil
}

func describedObject(o echonet.ObjectInfo, cands []candidate) v1alpha1.DiscoveredObject {
	d := v1alpha1.DiscoveredObject{EOJ: fmt.Sprintf("0x%02X%02X%02X", o.EOJ[0], o.EOJ[1], o.EOJ[2]), Class: elClasses[o.Class],
		GetMap: hexEPCs(o.Maps.Get), SetMap: hexEPCs(o.Maps.Set), InfMap: hexEPCs(o.Maps.Announce)}
	if len(o.Manufacturer) > 0 {
		d.Maker = fmt.Sprintf("0x%X", o.Manufacturer)
	}
	if o.Err != nil {
		d.Error = o.Err.Error()
	}
	for _, c := range cands {
		if fits(c.spec, o.Maps.Get) {
			d.Matches = append(d.Matches, c.name)
		}
	}
	return d
}

// fits reports whether the Get map lists every EPC the template reads but
// those it marks optional.
func fits(t v1alpha1.TemplateSpec, get echonet.PropertyMap) bool {
	if !get.Restricts() || t.Read == nil || t.Read.Echonet == nil {
		return false
	}
	for _, s := range t.Read.Echonet.EPCs {
		epc, err := v1alpha1.ParseEPC(s)
		if err != nil {
			return false
		}
		if !get.Has(epc) && !t.Read.Echonet.Decl(epc).Optional {
			return false
		}
	}
	return true
}

func hexEPCs(m echonet.PropertyMap) []string {
	if !m.Known {
		return nil
	}
	out := make([]string, len(m.EPCs))
	for i, e := range m.EPCs {
		out[i] = fmt.Sprintf("0x%02X", e)
	}
	return out
}
