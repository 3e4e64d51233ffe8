package charger

import (
	"context"
	"errors"

	"github.com/ocppgw/ocppgw/drivers"
	"github.com/prometheus/client_golang/prometheus"
)

// Drivers opens devices through the drivers registry: each protocol's
// opener, made on its first device, shares what its devices share (the
// Modbus TCP pool and RS-485 arbiters, the ECHONET Lite client).
type Drivers struct {
	set *drivers.Set
}

// NewDrivers returns an Opener over the registered drivers; configs holds
// the protocols' configurations by name (drivers.NewSet), each given to
// its opener, made on first use.
func NewDrivers(configs map[string]any) *Drivers {
	return &Drivers{set: drivers.NewSet(configs)}
}

// Open implements Opener.
func (d *Drivers) Open(ctx context.Context, cfg DeviceConfig) (Device, error) {
	if cfg.Connection.Spec() == nil {
		return nil, errors.New("charger has no connection")
	}
	return d.set.Open(ctx, cfg)
}

// Opener returns the Set's opener of the named protocol, for the hooks
// beyond Open (discovery).
func (d *Drivers) Opener(protocol string) (drivers.Opener, error) { return d.set.Opener(protocol) }

// Describe implements prometheus.Collector with Collect: the metric
// families of every registered protocol (metrics.Registry.WatchDrivers).
func (d *Drivers) Describe(ch chan<- *prometheus.Desc) { d.set.Describe(ch) }

// Collect implements prometheus.Collector: the metrics of the protocols
// whose openers are made.
func (d *Drivers) Collect(ch chan<- prometheus.Metric) { d.set.Collect(ch) }

// Close ends every protocol's opener: the shared ECHONET Lite client, the
// TCP pool, the registered protocols' own.
func (d *Drivers) Close() error { return d.set.Close() }
