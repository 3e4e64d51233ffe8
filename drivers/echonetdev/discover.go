package echonetdev

import (
	"context"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

var _ drivers.Discoverer = (*Opener)(nil)

// elClasses names the device classes an installer meets here.
var elClasses = map[uint16]string{echonet.ClassEVCharger: "EV charger", echonet.ClassEVChargerDischarger: "EV charger/discharger (V2H)"}

// Discover implements drivers.Discoverer: it multicasts a discovery from
// the shared client (req is a v1alpha1.EchonetDiscoverRequest) and
// describes every device object that answered, with the templates whose
// every required EPC the object lists in its Get map.
func (o *Opener) Discover(ctx context.Context, req any, env drivers.DiscoverEnv) (any, error) {
	r, ok := req.(v1alpha1.EchonetDiscoverRequest)
	if !ok {
		return nil, fmt.Errorf("echonet discovery: a %T is not an EchonetDiscoverRequest", req)
	}
	cl, err := o.Client()
	if err != nil {
		return nil, err
	}
	dctx := ctx
	if w := r.Window.Duration(); w > 0 {
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
		for _, obj := range info.Objects {
			node.Objects = append(node.Objects, describedObject(obj, env.Templates))
		}
		res.Nodes = append(res.Nodes, node)
	}
	return res, nil
}

func describedObject(o echonet.ObjectInfo, cands []drivers.Candidate) v1alpha1.DiscoveredObject {
	d := v1alpha1.DiscoveredObject{EOJ: fmt.Sprintf("0x%02X%02X%02X", o.EOJ[0], o.EOJ[1], o.EOJ[2]), Class: elClasses[o.Class],
		GetMap: hexEPCs(o.Maps.Get), SetMap: hexEPCs(o.Maps.Set), InfMap: hexEPCs(o.Maps.Announce)}
	if len(o.Manufacturer) > 0 {
		d.Maker = fmt.Sprintf("0x%X", o.Manufacturer)
	}
	if o.Err != nil {
		d.Error = o.Err.Error()
	}
	for _, c := range cands {
		if fits(c.Spec, o.Maps.Get) {
			d.Matches = append(d.Matches, c.Name)
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
