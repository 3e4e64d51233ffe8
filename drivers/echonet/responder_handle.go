package echonet

import (
	"slices"
)

// handle answers one request, or returns nil for silence.
func (r *Responder) handle(f *Frame) *Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	o, ok := r.objs[f.DEOJ]
	if !ok && f.DEOJ.Class() == NodeProfile.Class() {
		o, ok = r.objs[NodeProfile] // 0EF000 and 0EF001 both mean "the node"
	}
	if !ok {
		return nil
	}
	res := &Frame{TID: f.TID, SEOJ: o.EOJ, DEOJ: f.SEOJ}
	switch f.ESV {
	case Get:
		var okAll bool
		res.Props, okAll = r.read(o, f.Props)
		res.ESV = pick(okAll, GetRes, GetSNA)
	case SetC, SetI:
		var okAll bool
		res.Props, okAll = r.write(o, f.Props)
		if f.ESV == SetI {
			if okAll {
				return nil
			}
			res.ESV = SetISNA
		} else {
			res.ESV = pick(okAll, SetRes, SetCSNA)
		}
	case SetGet:
		setProps, setOK := r.write(o, f.Props)
		getProps, getOK := r.read(o, f.GetProps)
		res.Props, res.GetProps = setProps, getProps
		res.ESV = pick(setOK && getOK, SetGetRes, SetGetSNA)
	case InfReq:
		var okAll bool
		res.Props, okAll = r.read(o, f.Props)
		res.ESV = pick(okAll, Inf, InfSNA)
	default:
		return nil // answers and notifications need no reply from a device
	}
	return res
}

func pick(ok bool, yes, no ESV) ESV {
	if ok {
		return yes
	}
	return no
}

// read answers each requested EPC with its value, or PDC 0 if absent.
func (r *Responder) read(o *Object, req []Property) ([]Property, bool) {
	out := make([]Property, len(req))
	okAll := true
	for i, p := range req {
		v, ok := o.Props[p.EPC]
		out[i] = Property{EPC: p.EPC, EDT: slices.Clone(v)}
		okAll = okAll && ok && len(v) > 0
	}
	return out, okAll
}

// write applies each property: accepted ones come back with PDC 0, refused
// ones echo the data that was sent, as the specification has SNA replies do.
func (r *Responder) write(o *Object, req []Property) ([]Property, bool) {
	out := make([]Property, len(req))
	okAll := true
	for i, p := range req {
		accepted := len(p.EDT) > 0 && slices.Contains(o.SetMap, p.EPC) &&
			(o.Accept == nil || o.Accept(p.EPC, p.EDT))
		if !accepted {
			out[i] = Property{EPC: p.EPC, EDT: slices.Clone(p.EDT)}
			okAll = false
			continue
		}
		out[i] = Property{EPC: p.EPC}
		changed := !slices.Equal(o.Props[p.EPC], p.EDT)
		o.Props[p.EPC] = slices.Clone(p.EDT)
		if changed {
			r.announce(o, p.EPC)
		}
	}
	return out, okAll
}

// announce multicasts an INF for epc if the object announces it. Runs with
// r.mu held.
func (r *Responder) announce(o *Object, epc byte) {
	if !slices.Contains(o.InfMap, epc) {
		return
	}
	r.tid++
	inf := &Frame{TID: r.tid, SEOJ: o.EOJ, DEOJ: NodeProfile, ESV: Inf,
		Props: []Property{{EPC: epc, EDT: slices.Clone(o.Props[epc])}}}
	if b, err := inf.MarshalBinary(); err == nil {
		_, _ = r.conn.WriteToUDPAddrPort(b, r.group)
	}
}
