package modbusdev

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// Opener opens Modbus devices: one Modbus TCP pool (a connection per
// address, shared by unit ids) and one arbiter per RS-485 bus, shared by
// the chargers on it.
type Opener struct {
	tcp *modbus.TCPPool

	mu    sync.Mutex
	buses map[string]*sharedBus // by serial device
}

type sharedBus struct {
	key  string // the Bus spec it was opened with
	name string // the Bus resource
	arb  *modbus.Arbiter
	refs int
}

// New returns an Opener with an empty pool.
func New() *Opener {
	return &Opener{tcp: modbus.NewTCPPool(modbus.TCPPoolConfig{}), buses: map[string]*sharedBus{}}
}

// Open implements drivers.Opener.
func (o *Opener) Open(_ context.Context, cfg drivers.Config) (drivers.Device, error) {
	switch c := cfg.Connection.Spec().(type) {
	case *v1alpha1.ModbusTCPConnection:
		dev, err := o.tcp.Acquire(modbus.TCPConfig{Host: c.Host, Port: c.Port, Timeout: c.Timeout.Duration()})
		if err != nil {
			return nil, err
		}
		return newDevice(dev, byte(derefInt(c.UnitID, 1)), cfg.Read, dev.Close)
	case *v1alpha1.ModbusRTUConnection:
		arb, release, err := o.bus(cfg.BusName, cfg.Bus)
		if err != nil {
			return nil, err
		}
		return newDevice(arb, byte(c.UnitID), cfg.Read, release)
	}
	return nil, fmt.Errorf("modbus: connection %q is not a Modbus connection", cfg.Connection.Key())
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// bus returns the shared arbiter of a Bus, opening it on first use. The
// arbiters are kept by serial device, not by Bus name, so that two Bus
// resources naming one line, or a Bus whose spec changed, never have two
// arbiters driving the line at once: a changed spec closes the old arbiter
// before the new one opens. Chargers still holding the old one get
// ErrClosed (not counted against the device) until their own reconcile,
// which the Bus change triggers, moves them over.
func (o *Opener) bus(name string, spec *v1alpha1.BusSpec) (*modbus.Arbiter, func() error, error) {
	if spec == nil {
		return nil, nil, fmt.Errorf("bus %q: no spec", name)
	}
	keyb, _ := json.Marshal(spec)
	key := string(keyb)
	o.mu.Lock()
	defer o.mu.Unlock()
	b := o.buses[spec.Device]
	if b != nil && b.key != key {
		if b.name != name {
			return nil, nil, fmt.Errorf("bus %q: device %s is already driven by bus %q with other settings; "+
				"chargers on one line must share one Bus", name, spec.Device, b.name)
		}
		b.arb.Close()
		delete(o.buses, spec.Device)
		b = nil
	}
	if b == nil {
		arb, err := openBus(name, spec)
		if err != nil {
			return nil, nil, err
		}
		b = &sharedBus{key: key, name: name, arb: arb}
		o.buses[spec.Device] = b
	}
	b.refs++
	return b.arb, o.releaser(b, spec.Device), nil
}

func openBus(name string, spec *v1alpha1.BusSpec) (*modbus.Arbiter, error) {
	retries := 2
	if spec.Retries != nil {
		retries = *spec.Retries
	}
	arb, err := modbus.OpenBus(modbus.BusConfig{Device: spec.Device, BaudRate: spec.BaudRate, Parity: spec.Parity,
		StopBits: spec.StopBits, Timeout: spec.Timeout.Duration(), Retries: retries,
		DeadUnitAfter: spec.DeadUnitAfter, DeadUnitBackoff: spec.DeadUnitBackoff.Duration(),
		LateReplyGuard: spec.LateReplyGuard.Duration(), PollBudget: spec.PollBudget})
	if err != nil {
		return nil, fmt.Errorf("bus %q: %w", name, err)
	}
	return arb, nil
}

// releaser returns the release of one reference to b, closing the line
// with the last one.
func (o *Opener) releaser(b *sharedBus, device string) func() error {
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			o.mu.Lock()
			defer o.mu.Unlock()
			if b.refs--; b.refs == 0 {
				if o.buses[device] == b {
					delete(o.buses, device)
				}
				err = b.arb.Close()
			}
		})
		return err
	}
}

// TCPStats lists the open Modbus TCP connections.
func (o *Opener) TCPStats() []modbus.ConnStats { return o.tcp.Stats() }

// RTUStats lists the open RS-485 lines, by device path.
func (o *Opener) RTUStats() []modbus.BusStats {
	o.mu.Lock()
	arbs := make([]*modbus.Arbiter, 0, len(o.buses))
	for _, b := range o.buses {
		arbs = append(arbs, b.arb)
	}
	o.mu.Unlock()
	out := make([]modbus.BusStats, len(arbs))
	for i, a := range arbs {
		out[i] = a.Stats()
	}
	slices.SortFunc(out, func(a, b modbus.BusStats) int { return strings.Compare(a.Device, b.Device) })
	return out
}

// Close ends the TCP pool. A bus closes with the release of its last
// device.
func (o *Opener) Close() error { return o.tcp.Close() }
