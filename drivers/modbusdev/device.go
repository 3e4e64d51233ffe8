package modbusdev

import (
	"context"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// device reads a template's blocks from one unit (or the unit a block
// names) and runs register and coil writes.
type device struct {
	dev     modbus.Device
	unit    byte
	groups  []unitBlocks // in template order of first appearance
	release func() error
}

// unitBlocks are the blocks read from one unit, one request each.
type unitBlocks struct {
	unit     byte
	blocks   []modbus.Block
	optional []bool
}

func newDevice(dev modbus.Device, unit byte, read *v1alpha1.TemplateRead, release func() error) (*device, error) {
	m := &device{dev: dev, unit: unit, release: release}
	if read == nil || read.Modbus == nil {
		return m, nil
	}
	for _, b := range read.Modbus.Blocks {
		fn, err := modbus.ParseFunction(b.Function)
		if err != nil {
			release()
			return nil, fmt.Errorf("block %q: %w", b.Name, err)
		}
		u := byte(derefInt(b.Unit, int(unit)))
		g := m.group(u)
		g.blocks = append(g.blocks, modbus.Block{Name: b.Name, Function: fn, Address: uint16(b.Address), Count: uint16(b.Count)})
		g.optional = append(g.optional, b.Optional)
	}
	return m, nil
}

func (m *device) group(unit byte) *unitBlocks {
	for i := range m.groups {
		if m.groups[i].unit == unit {
			return &m.groups[i]
		}
	}
	m.groups = append(m.groups, unitBlocks{unit: unit})
	return &m.groups[len(m.groups)-1]
}

// Read reads every block. Blocks that failed are listed with what the
// device did; the poll as a whole fails only when no block got an answer.
func (m *device) Read(ctx context.Context) (*drivers.Reading, error) {
	if drivers.IsProbe(ctx) {
		ctx = modbus.WithProbe(ctx)
	}
	rd := &drivers.Reading{Input: &cel.Input{Regs: map[string][]uint16{}}}
	answered := false
	var silent error
	for _, g := range m.groups {
		results, _ := m.dev.ReadBlocks(ctx, g.unit, g.blocks)
		for i, r := range results {
			if r.Err == nil {
				rd.Input.Regs[r.Block.Name] = r.Values
				answered = true
				continue
			}
			err := Classify(r.Err)
			if !notResponding(err) {
				answered = true
			} else if silent == nil && !g.optional[i] {
				silent = err
			}
			rd.Failed = append(rd.Failed, drivers.ReadFailure{What: blockWhat(g.unit, r.Block), Optional: g.optional[i], Err: err})
			if rd.Input.RegsAbsent == nil {
				rd.Input.RegsAbsent = map[string]string{}
			}
			rd.Input.RegsAbsent[r.Block.Name] = absence(r.Err)
		}
	}
	if !answered && silent != nil {
		return nil, silent
	}
	return rd, nil
}

func blockWhat(unit byte, b modbus.Block) string {
	return fmt.Sprintf("block %q (unit %d, %v 0x%04X x%d)", b.Name, unit, b.Function, b.Address, b.Count)
}

// Write runs the writes in order and stops at the first failure.
func (m *device) Write(ctx context.Context, writes []cel.Write) error {
	for _, w := range writes {
		unit := byte(derefInt(w.Unit, int(m.unit)))
		var err error
		switch w.Kind {
		case cel.WriteRegisters:
			err = m.dev.WriteRegisters(ctx, unit, w.Address, w.Words)
		case cel.WriteRegister:
			err = m.dev.WriteRegister(ctx, unit, w.Address, w.Words[0])
		case cel.WriteCoil:
			err = m.dev.WriteCoil(ctx, unit, w.Address, w.Coil)
		case cel.WriteCoils:
			err = m.dev.WriteCoils(ctx, unit, w.Address, w.Coils)
		default:
			err = fmt.Errorf("%w: a Modbus charger cannot run %s", cel.ErrUnsupported, w)
		}
		if err != nil {
			return drivers.Outcome(Classify(err))
		}
	}
	return nil
}

func (m *device) Close() error { return m.release() }
