package charger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
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
	// registered opens the devices of the protocols in the drivers
	// registry, each through its own Opener.
	registered *drivers.Set

	mu    sync.Mutex
	buses map[string]*sharedBus // by serial device
	el    *echonet.Client
}

type sharedBus struct {
	key  string // the Bus spec it was opened with
	name string // the Bus resource
	arb  *modbus.Arbiter
	refs int
}

// NewDrivers returns an Opener over the real drivers.
func NewDrivers(el echonet.Config) *Drivers {
	return &Drivers{Echonet: el, tcp: modbus.NewTCPPool(modbus.TCPPoolConfig{}), registered: drivers.NewSet(), buses: map[string]*sharedBus{}}
}

// Open implements Opener.
func (d *Drivers) Open(ctx context.Context, cfg DeviceConfig) (Device, error) {
	switch c := cfg.Connection.Spec().(type) {
	case nil:
		return nil, errors.New("charger has no connection")
	case *v1alpha1.ModbusTCPConnection:
		dev, err := d.tcp.Acquire(modbus.TCPConfig{Host: c.Host, Port: c.Port, Timeout: c.Timeout.Duration()})
		if err != nil {
			return nil, err
		}
		return newModbusDevice(dev, byte(derefInt(c.UnitID, 1)), cfg.Read, dev.Close)
	case *v1alpha1.ModbusRTUConnection:
		arb, release, err := d.bus(cfg.BusName, cfg.Bus)
		if err != nil {
			return nil, err
		}
		return newModbusDevice(arb, byte(c.UnitID), cfg.Read, release)
	case *v1alpha1.EchonetConnection:
		return d.echonetDevice(c, cfg.Read)
	}
	return d.registered.Open(ctx, cfg)
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
func (d *Drivers) bus(name string, spec *v1alpha1.BusSpec) (*modbus.Arbiter, func() error, error) {
	if spec == nil {
		return nil, nil, fmt.Errorf("bus %q: no spec", name)
	}
	keyb, _ := json.Marshal(spec)
	key := string(keyb)
	d.mu.Lock()
	defer d.mu.Unlock()
	b := d.buses[spec.Device]
	if b != nil && b.key != key {
		if b.name != name {
			return nil, nil, fmt.Errorf("bus %q: device %s is already driven by bus %q with other settings; "+
				"chargers on one line must share one Bus", name, spec.Device, b.name)
		}
		b.arb.Close()
		delete(d.buses, spec.Device)
		b = nil
	}
	if b == nil {
		retries := 2
		if spec.Retries != nil {
			retries = *spec.Retries
		}
		arb, err := modbus.OpenBus(modbus.BusConfig{Device: spec.Device, BaudRate: spec.BaudRate, Parity: spec.Parity,
			StopBits: spec.StopBits, Timeout: spec.Timeout.Duration(), Retries: retries,
			DeadUnitAfter: spec.DeadUnitAfter, DeadUnitBackoff: spec.DeadUnitBackoff.Duration(),
			LateReplyGuard: spec.LateReplyGuard.Duration(), PollBudget: spec.PollBudget})
		if err != nil {
			return nil, nil, fmt.Errorf("bus %q: %w", name, err)
		}
		b = &sharedBus{key: key, name: name, arb: arb}
		d.buses[spec.Device] = b
	}
	b.refs++
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if b.refs--; b.refs == 0 {
				if d.buses[spec.Device] == b {
					delete(d.buses, spec.Device)
				}
				err = b.arb.Close()
			}
		})
		return err
	}
	return b.arb, release, nil
}

// Close ends the shared ECHONET Lite client, the TCP pool and the
// registered protocols' openers.
func (d *Drivers) Close() error {
	d.mu.Lock()
	el := d.el
	d.el = nil
	d.mu.Unlock()
	var errs []error
	if el != nil {
		errs = append(errs, el.Close())
	}
	errs = append(errs, d.tcp.Close(), d.registered.Close())
	return errors.Join(errs...)
}
