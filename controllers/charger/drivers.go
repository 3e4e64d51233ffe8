package charger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// Drivers opens devices through the Modbus and ECHONET Lite drivers: one
// Modbus TCP pool (a connection per address, shared by unit ids), one
// arbiter per RS-485 bus shared by the chargers on it, and one ECHONET Lite
// client (UDP 3610) shared by every EL charger.
type Drivers struct {
	// Echonet configures the shared ECHONET Lite client, made on first use.
	Echonet echonet.Config

	tcp *modbus.TCPPool

	mu    sync.Mutex
	buses map[string]*sharedBus
	el    *echonet.Client
}

type sharedBus struct {
	key  string
	arb  *modbus.Arbiter
	refs int
}

// NewDrivers returns an Opener over the real drivers.
func NewDrivers(el echonet.Config) *Drivers {
	return &Drivers{Echonet: el, tcp: modbus.NewTCPPool(modbus.TCPPoolConfig{}), buses: map[string]*sharedBus{}}
}

// Open implements Opener.
func (d *Drivers) Open(_ context.Context, cfg DeviceConfig) (Device, error) {
	c := cfg.Connection
	switch {
	case c.ModbusTCP != nil:
		dev, err := d.tcp.Acquire(modbus.TCPConfig{Host: c.ModbusTCP.Host, Port: c.ModbusTCP.Port, Timeout: c.ModbusTCP.Timeout.Duration()})
		if err != nil {
			return nil, err
		}
		return newModbusDevice(dev, byte(derefInt(c.ModbusTCP.UnitID, 1)), cfg.Read, dev.Close)
	case c.ModbusRTU != nil:
		arb, release, err := d.bus(cfg.BusName, cfg.Bus)
		if err != nil {
			return nil, err
		}
		return newModbusDevice(arb, byte(c.ModbusRTU.UnitID), cfg.Read, release)
	case c.Echonet != nil:
		return d.echonetDevice(c.Echonet, cfg.Read)
	}
	return nil, errors.New("charger has no connection")
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// bus returns the shared arbiter of a Bus, opening it (or, when its spec
// changed, a new one) on first use.
func (d *Drivers) bus(name string, spec *v1alpha1.BusSpec) (*modbus.Arbiter, func() error, error) {
	if spec == nil {
		return nil, nil, fmt.Errorf("bus %q: no spec", name)
	}
	keyb, _ := json.Marshal(spec)
	key := string(keyb)
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.buses[name]
	if b == nil || b.key != key {
		retries := 2
		if spec.Retries != nil {
			retries = *spec.Retries
		}
		arb, err := modbus.OpenBus(modbus.BusConfig{Device: spec.Device, BaudRate: spec.BaudRate, Parity: spec.Parity,
			StopBits: spec.StopBits, Timeout: spec.Timeout.Duration(), Retries: retries,
			DeadUnitBackoff: spec.DeadUnitBackoff.Duration(), PollBudget: spec.PollBudget})
		if err != nil {
			return nil, nil, fmt.Errorf("bus %q: %w", name, err)
		}
		// The old arbiter, if any, closes when its last charger lets go.
		b = &sharedBus{key: key, arb: arb}
		d.buses[name] = b
	}
	b.refs++
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if b.refs--; b.refs == 0 {
				if d.buses[name] == b {
					delete(d.buses, name)
				}
				err = b.arb.Close()
			}
		})
		return err
	}
	return b.arb, release, nil
}

// Close ends the shared ECHONET Lite client and the TCP pool.
func (d *Drivers) Close() error {
	d.mu.Lock()
	el := d.el
	d.el = nil
	d.mu.Unlock()
	var errs []error
	if el != nil {
		errs = append(errs, el.Close())
	}
	errs = append(errs, d.tcp.Close())
	return errors.Join(errs...)
}

// modbusDevice reads a template's blocks from one unit (or the unit a
// block names) and runs register and coil writes.
type modbusDevice struct {
	dev     modbus.Device
	unit    byte
	groups  map[byte][]modbus.Block // blocks by unit
	release func() error
}

func newModbusDevice(dev modbus.Device, unit byte, read *v1alpha1.TemplateRead, release func() error) (*modbusDevice, error) {
	m := &modbusDevice{dev: dev, unit: unit, groups: map[byte][]modbus.Block{}, release: release}
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
		m.groups[u] = append(m.groups[u], modbus.Block{Name: b.Name, Function: fn, Address: uint16(b.Address), Count: uint16(b.Count)})
	}
	return m, nil
}

func (m *modbusDevice) Read(ctx context.Context) (*cel.Input, error) {
	in := &cel.Input{Regs: map[string][]uint16{}}
	for unit, blocks := range m.groups {
		results, err := m.dev.ReadBlocks(ctx, unit, blocks)
		if err != nil {
			return nil, outcome(err)
		}
		for _, r := range results {
			in.Regs[r.Block.Name] = r.Values
		}
	}
	return in, nil
}

func (m *modbusDevice) Write(ctx context.Context, writes []cel.Write) error {
	for _, w := range writes {
		unit := byte(derefInt(w.Unit, int(m.unit)))
		var err error
		switch w.Kind {
		case cel.WriteRegisters:
			err = m.dev.WriteRegisters(ctx, unit, w.Address, w.Words)
		case cel.WriteCoil:
			err = m.dev.WriteCoil(ctx, unit, w.Address, w.Coil)
		default:
			err = fmt.Errorf("%w: a Modbus charger cannot run %s", ErrUnsupported, w)
		}
		if err != nil {
			return outcome(err)
		}
	}
	return nil
}

func (m *modbusDevice) Close() error { return m.release() }

// outcome classifies a driver error as a command outcome, keeping its text.
func outcome(err error) error {
	var sna *echonet.SNAError
	switch {
	case errors.Is(err, modbus.ErrException), errors.As(err, &sna):
		return fmt.Errorf("%w: %w", ErrRejected, err)
	case errors.Is(err, modbus.ErrNoResponse), errors.Is(err, modbus.ErrBackedOff), errors.Is(err, echonet.ErrTimeout),
		errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

// echonetDevice reads a template's EPCs from one EL object.
type echonetDevice struct {
	cl   *echonet.Client
	to   netip.AddrPort
	eoj  echonet.EOJ
	epcs []byte
	wait time.Duration // per try: the charger's connection timeout
}

func (d *Drivers) echonetDevice(c *v1alpha1.EchonetConnection, read *v1alpha1.TemplateRead) (Device, error) {
	addr, err := netip.ParseAddr(c.Address)
	if err != nil {
		return nil, fmt.Errorf("echonet address %q: %w", c.Address, err)
	}
	eoj, err := echonet.ParseEOJ(strings.TrimPrefix(strings.TrimPrefix(c.EOJ, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("echonet eoj %q: %w", c.EOJ, err)
	}
	port := c.Port
	if port == 0 {
		port = echonet.DefaultPort
	}
	dev := &echonetDevice{to: netip.AddrPortFrom(addr, uint16(port)), eoj: eoj, wait: c.Timeout.Duration()}
	if read != nil && read.Echonet != nil {
		for _, s := range read.Echonet.EPCs {
			epc, err := v1alpha1.ParseEPC(s)
			if err != nil {
				return nil, err
			}
			dev.epcs = append(dev.epcs, epc)
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.el == nil {
		cl, err := echonet.NewClient(d.Echonet)
		if err != nil {
			return nil, fmt.Errorf("echonet client: %w", err)
		}
		d.el = cl
	}
	dev.cl = d.el
	return dev, nil
}

func (e *echonetDevice) Read(ctx context.Context) (*cel.Input, error) {
	in := &cel.Input{EPC: map[byte][]byte{}}
	if len(e.epcs) == 0 {
		return in, nil
	}
	props, err := e.cl.Get(echonet.WithTryTimeout(ctx, e.wait), e.to, e.eoj, e.epcs...)
	var sna *echonet.SNAError
	if err != nil && !errors.As(err, &sna) {
		return nil, outcome(err) // a Get_SNA still carries the properties it has
	}
	for _, p := range props {
		in.EPC[p.EPC] = p.EDT
	}
	return in, nil
}

func (e *echonetDevice) Write(ctx context.Context, writes []cel.Write) error {
	var props []echonet.Property
	for _, w := range writes {
		if w.Kind != cel.WriteEPC {
			return fmt.Errorf("%w: an ECHONET Lite charger cannot run %s", ErrUnsupported, w)
		}
		props = append(props, echonet.Property{EPC: w.EPC, EDT: w.Data})
	}
	if len(props) == 0 {
		return nil
	}
	return outcome(e.cl.SetC(echonet.WithTryTimeout(ctx, e.wait), e.to, e.eoj, props...))
}

// Close leaves the shared client open for the other EL chargers.
func (e *echonetDevice) Close() error { return nil }
