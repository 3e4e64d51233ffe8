package cel

import (
	"fmt"
	"maps"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// declaredReads is what a template declares about its reads, beyond what to
// read: the EDT size of each EPC and which EPCs and blocks are optional.
type declaredReads struct {
	epcs   map[byte]v1alpha1.EPCDecl
	blocks map[string]bool // optional blocks
}

func declare(read *v1alpha1.TemplateRead) declaredReads {
	var d declaredReads
	if read == nil {
		return d
	}
	if read.Echonet != nil {
		d.epcs = maps.Clone(read.Echonet.Declared)
	}
	if read.Modbus != nil {
		for _, b := range read.Modbus.Blocks {
			if b.Optional {
				if d.blocks == nil {
					d.blocks = map[string]bool{}
				}
				d.blocks[b.Name] = true
			}
		}
	}
	return d
}

// EPCSize returns the EDT length the template declares for epc, and
// whether it declares one. An EDT of another length is malformed.
func (m *Mapping) EPCSize(epc byte) (int, bool) {
	n := m.reads.epcs[epc].Size
	return n, n > 0
}

// OptionalEPC reports whether the template marks epc optional: the device
// may lack or refuse it, and its absence is no alarm.
func (m *Mapping) OptionalEPC(epc byte) bool { return m.reads.epcs[epc].Optional }

// OptionalBlock reports whether the template marks the named Modbus block
// optional: the device may refuse or lack it, and its absence is no alarm.
func (m *Mapping) OptionalBlock(name string) bool { return m.reads.blocks[name] }

// Malformed returns, by EPC, why each EDT of in whose length differs from
// the declared size is malformed ("3 bytes, declared 4"); nil when none is.
// Evaluate and EvalCommand treat such EDTs as not received; the caller
// decides what to tell the operator.
func (m *Mapping) Malformed(in *Input) map[byte]string {
	var out map[byte]string
	if in == nil {
		return nil
	}
	for epc, edt := range in.EPC {
		n, ok := m.EPCSize(epc)
		if !ok || len(edt) == n || len(edt) == 0 {
			continue // no declaration, or PDC=0, which is absence, not malformation
		}
		if out == nil {
			out = map[byte]string{}
		}
		out[epc] = fmt.Sprintf("%d bytes, declared %d", len(edt), n)
	}
	return out
}

// screen returns in without its malformed EDTs, each recorded in EPCAbsent;
// in itself when none is malformed.
func (m *Mapping) screen(in *Input) *Input {
	bad := m.Malformed(in)
	if len(bad) == 0 {
		return in
	}
	out := *in
	out.EPC = maps.Clone(in.EPC)
	out.EPCAbsent = maps.Clone(in.EPCAbsent)
	if out.EPCAbsent == nil {
		out.EPCAbsent = map[byte]string{}
	}
	for epc, why := range bad {
		delete(out.EPC, epc)
		out.EPCAbsent[epc] = "malformed: " + why
	}
	return &out
}
