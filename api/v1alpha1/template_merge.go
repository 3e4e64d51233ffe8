package v1alpha1

import (
	"maps"
	"slices"
)

// MergeTemplate returns child laid over parent, which is how `extends`
// works, so a new model writes only what differs:
//
//   - protocol, manufacturer, model and description: the child's value when
//     it sets one, else the parent's;
//   - read.modbus.blocks: by name; a child block replaces the parent's block
//     of the same name in place, other child blocks are appended;
//   - read.echonet.epcs: the parent's, then the child's not already listed;
//     a child entry that declares a size or optional replaces the parent's
//     declaration of that EPC (both fields), a plain one keeps it;
//   - read.modbus.blocks[].optional goes with its block: a child block
//     replaces the parent's whole;
//   - signals and commands: by name; the child's expression replaces the
//     parent's, the others are inherited.
//
// A child cannot remove what it inherits; it overrides it (a signal with a
// constant expression, e.g. "false"). The result has no extends.
func MergeTemplate(parent, child TemplateSpec) TemplateSpec {
	return TemplateSpec{
		Description:  or(child.Description, parent.Description),
		Protocol:     or(child.Protocol, parent.Protocol),
		Manufacturer: or(child.Manufacturer, parent.Manufacturer),
		Model:        or(child.Model, parent.Model),
		Read:         mergeRead(parent.Read, child.Read),
		Signals:      mergeMap(parent.Signals, child.Signals),
		Commands:     mergeMap(parent.Commands, child.Commands),
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func mergeMap[V any](parent, child map[string]V) map[string]V {
	if parent == nil && child == nil {
		return nil
	}
	out := maps.Clone(parent)
	if out == nil {
		out = map[string]V{}
	}
	maps.Copy(out, child)
	return out
}

func mergeRead(parent, child *TemplateRead) *TemplateRead {
	if parent == nil && child == nil {
		return nil
	}
	var p, c TemplateRead
	if parent != nil {
		p = *parent
	}
	if child != nil {
		c = *child
	}
	// A child's registered section replaces its parent's whole.
	out := &TemplateRead{Sections: mergeMap(p.Sections, c.Sections)}
	if p.Modbus != nil || c.Modbus != nil {
		out.Modbus = &ModbusRead{Blocks: mergeBlocks(blocksOf(p.Modbus), blocksOf(c.Modbus))}
	}
	if p.Echonet != nil || c.Echonet != nil {
		out.Echonet = &EchonetRead{}
		for _, r := range []*EchonetRead{p.Echonet, c.Echonet} {
			for _, e := range r.Entries() {
				out.Echonet.add(e, true)
			}
		}
	}
	return out
}

func blocksOf(r *ModbusRead) []ModbusBlock {
	if r == nil {
		return nil
	}
	return r.Blocks
}

func mergeBlocks(parent, child []ModbusBlock) []ModbusBlock {
	out := slices.Clone(parent)
	for _, b := range child {
		if i := slices.IndexFunc(out, func(p ModbusBlock) bool { return p.Name == b.Name }); i >= 0 {
			out[i] = b
		} else {
			out = append(out, b)
		}
	}
	return out
}
