package metrics

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every family of the gateway's own.
const namespace = "ocppgw"

// Registry is one gateway's metrics. It is not the client library's
// global default registry, so two gateways in one test process, or a test
// and the code it drives, never share counters.
type Registry struct {
	reg     *prometheus.Registry
	charger *Charger
	ocpp    *OCPP
	store   *Store
}

// New returns a registry holding every family of the gateway, with the Go
// runtime and process collectors.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry(), charger: newCharger(), ocpp: newOCPP(), store: newStore()}
	r.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		r.charger, r.ocpp, r.store,
	)
	return r
}

// Chargers is the handle of the charger controller; nil on a nil Registry.
func (r *Registry) Chargers() *Charger {
	if r == nil {
		return nil
	}
	return r.charger
}

// OCPP is the handle of the station controller; nil on a nil Registry.
func (r *Registry) OCPP() *OCPP {
	if r == nil {
		return nil
	}
	return r.ocpp
}

// Store is the handle of the store; nil on a nil Registry.
func (r *Registry) Store() *Store {
	if r == nil {
		return nil
	}
	return r.store
}

// WatchDrivers makes each scrape collect the device drivers' metrics from
// c, gwd's drivers.Set (through the charger controller's Drivers): the
// families each registered protocol declares, with the gateway's namespace
// put before their names (modbus_requests_total is exported as
// ocppgw_modbus_requests_total), so that no protocol is named here. The
// drivers count every request anyway; reading them at scrape time costs a
// poll nothing. It fails when a family's name is already taken.
func (r *Registry) WatchDrivers(c prometheus.Collector) error {
	if r == nil {
		return nil
	}
	if err := prometheus.WrapRegistererWithPrefix(namespace+"_", r.reg).Register(c); err != nil {
		return fmt.Errorf("driver metrics: %w", err)
	}
	return nil
}

// Gatherer is what a scrape reads, for promhttp and tests.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

// Handler serves the registry in the Prometheus exposition formats. A
// collector that fails is reported in the answer (ContinueOnError): one
// bad source must not hide every other metric.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Registry: r.reg})
}

// fullName is ns_subsystem_name, the one place names are put together.
func fullName(subsystem, name string) string {
	return prometheus.BuildFQName(namespace, subsystem, name)
}

func newDesc(subsystem, name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(fullName(subsystem, name), help, labels, nil)
}

func counter(d *prometheus.Desc, v uint64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}
