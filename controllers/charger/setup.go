package charger

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// Kind is the resource kind this package reconciles.
const Kind = v1alpha1.KindCharger

// BusKind is the kind of the RS-485 lines Modbus RTU chargers sit on.
const BusKind = v1alpha1.KindBus

// newController returns the charger controller. Besides its own kind it
// watches Templates: a template change (including its status, written by
// the template controller) re-queues every charger whose templateRef is
// that template or one that extends it; and Buses, whose changes re-queue
// the chargers on them. With a nil opener it only checks templates and
// polls no device. It records polls, reachability and commands in met
// (nil: no metrics).
func newController(m *controllers.Manager, st *store.Store, log *slog.Logger, opener Opener, met *metrics.Charger) *controllers.Controller {
	if log == nil {
		log = m.Logger()
	}
	r := &Reconciler{
		st:        st,
		chargers:  m.Informer(Kind),
		templates: m.Informer(template.Kind),
		buses:     m.Informer(BusKind),
		now:       time.Now,
	}
	opts := controllers.ControllerOptions{Workers: 2, Logger: log}
	if opener != nil {
		r.devices = &devices{opener: opener, st: st, now: time.Now, log: log, met: met, running: map[string]*running{}}
		opts.OnStop = r.devices.stopAll
	}
	c := controllers.NewController("charger", Kind, r, opts)
	c.Watches(template.Kind, r.chargersUsing)
	c.Watches(BusKind, r.chargersOnBus)
	return c
}

// Setup adds the charger controller to m, without device access: the
// template checks alone, for tests.
func Setup(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
	return m.Add(newController(m, st, log, nil, nil))
}

// SetupWith returns a setup that adds the charger controller polling devices
// through opener, and hands the reconciler to use for commands.
func SetupWith(opener Opener, out **Reconciler) func(*controllers.Manager, *store.Store, *slog.Logger) error {
	return SetupWithMetrics(opener, nil, out)
}

// SetupWithMetrics is SetupWith recording each charger's polls,
// reachability and commands in met (nil: no metrics).
func SetupWithMetrics(opener Opener, met *metrics.Charger, out **Reconciler) func(*controllers.Manager, *store.Store, *slog.Logger) error {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		c := newController(m, st, log, opener, met)
		if out != nil {
			*out = c.Reconciler().(*Reconciler)
		}
		return m.Add(c)
	}
}

// chargersOnBus maps a changed bus to the chargers on it.
func (r *Reconciler) chargersOnBus(bus *v1alpha1.Object) []string {
	var out []string
	for _, ch := range r.chargers.List() {
		sp, err := decodeSpec(ch)
		if err == nil && sp.Connection.Bus() == bus.Metadata.Name {
			out = append(out, ch.Metadata.Name)
		}
	}
	return out
}

// Command runs a canonical command (start, stop, setCurrentLimit, …) on a
// charger's device through its template. Its error wraps ErrUnsupported,
// ErrRejected, ErrTimeout or ErrNoDevice when the outcome is one of those.
func (r *Reconciler) Command(ctx context.Context, charger, command string, connector int, args cel.Args) error {
	if r.devices == nil {
		return fmt.Errorf("charger %q: %w", charger, ErrNoDevice)
	}
	return r.devices.command(ctx, charger, command, connector, args)
}

// chargersUsing maps a changed template to the chargers that depend on it.
func (r *Reconciler) chargersUsing(tpl *v1alpha1.Object) []string {
	affected := template.Dependents(r.templates, tpl.Metadata.Name)
	var out []string
	for _, ch := range r.chargers.List() {
		sp, err := decodeSpec(ch)
		if err != nil {
			continue // its own reconcile reports the bad spec
		}
		if _, found := slices.BinarySearch(affected, sp.TemplateRef); found {
			out = append(out, ch.Metadata.Name)
		}
	}
	return out
}

// RunCommand runs one command an operator asked for by hand and reports
// the device's outcome in API terms.
func (r *Reconciler) RunCommand(ctx context.Context, charger string, c v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult {
	if c.Command == "start" && c.LimitA == 0 {
		// start offers the limit in force; by hand, without one, that is
		// the charger's own maximum.
		if obj, ok := r.chargers.Get(charger); ok {
			if spec, err := decodeSpec(obj); err == nil {
				c.LimitA = spec.Supply().MaxCurrentA
			}
		}
	}
	err := r.Command(ctx, charger, c.Command, c.ConnectorID, cel.Args{LimitA: c.LimitA, LimitW: c.LimitW, Available: c.Available})
	res := v1alpha1.ChargerCommandResult{Charger: charger, Command: c.Command, Result: CommandResult(err)}
	if err != nil {
		res.Message = describe(err)
	}
	return res
}
