package charger

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
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

// Options configure the charger controller. The zero value checks templates
// only and polls no device, for tests.
type Options struct {
	// Opener opens devices; nil: no device access.
	Opener Opener
	// Metrics records each charger's polls, reachability and commands;
	// nil: no metrics.
	Metrics *metrics.Charger
	// Reconciler, when set, receives the reconciler, which runs commands.
	Reconciler **Reconciler
}

// Setup returns a setup that adds the charger controller.
func Setup(opts Options) controllers.SetupFunc {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if log == nil {
			log = m.Logger()
		}
		r := &Reconciler{
			st:        st,
			chargers:  controllers.ListerFor[v1alpha1.Charger](m),
			templates: template.NewLister(m),
			buses:     controllers.ListerFor[v1alpha1.Bus](m),
			now:       time.Now,
		}
		if opts.Opener != nil {
			r.devices = &devices{opener: opts.Opener, st: st, now: time.Now, log: log, met: opts.Metrics, running: map[string]*running{}}
		}
		if opts.Reconciler != nil {
			*opts.Reconciler = r
		}
		return r.SetupWithManager(m, log)
	}
}

// SetupWithManager declares what the controller watches and adds it to m.
// Chargers, by spec, and by the status it owns (observedGeneration,
// TemplateReady) when someone else changed it: the device pollers' and the
// stations' writes do not re-run it, nor do its own. Templates, by spec and
// status (TemplateReady follows the template controller's verdict): a
// change re-queues every charger whose templateRef is that template or one
// that extends it. Buses, by spec: a change re-queues the chargers on it.
// Both are reverse-reference lookups in the Charger informer.
func (r *Reconciler) SetupWithManager(m *controllers.Manager, log *slog.Logger) error {
	opts := controllers.ControllerOptions{Workers: 2, Logger: log}
	if r.devices != nil {
		opts.OnStop = r.devices.stopAll
	}
	c := controllers.NewController("charger", Kind, r, opts)
	r.ctrl = c
	refs := r.chargers.Informer().IndexReferences()
	c.For(controllers.Any(controllers.SpecOrMetadataChanged, controllers.TypedChanged(ownedStatusChanged)))
	c.Watches(template.Kind, r.chargersUsing, controllers.Any(controllers.SpecOrMetadataChanged, controllers.StatusChanged))
	c.Watches(BusKind, func(bus *v1alpha1.Object) []string { return refs.Referrers(BusKind, bus.Metadata.Name) })
	return m.Add(c)
}

// ownedStatusChanged: what the reconcile writes, observedGeneration and
// TemplateReady, differs.
func ownedStatusChanged(old, cur *v1alpha1.Charger) bool {
	return old.Status.ObservedGeneration != cur.Status.ObservedGeneration ||
		!reflect.DeepEqual(v1alpha1.FindCondition(old.Status.Conditions, ConditionTemplateReady),
			v1alpha1.FindCondition(cur.Status.Conditions, ConditionTemplateReady))
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
	return template.UsedBy(r.chargers.Informer(), r.templates.Informer(), tpl.Metadata.Name)
}

// RunCommand runs one command an operator asked for by hand and reports
// the device's outcome in API terms.
func (r *Reconciler) RunCommand(ctx context.Context, charger string, c v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult {
	if c.Command == "start" && c.LimitA == 0 {
		// start offers the limit in force; by hand, without one, that is
		// the charger's own maximum.
		if ch, ok, err := r.chargers.Get(charger); ok && err == nil {
			c.LimitA = ch.Spec.Supply().MaxCurrentA
		}
	}
	err := r.Command(ctx, charger, c.Command, c.ConnectorID, cel.Args{LimitA: c.LimitA, LimitW: c.LimitW, Available: c.Available})
	res := v1alpha1.ChargerCommandResult{Charger: charger, Command: c.Command, Result: CommandResult(err)}
	if err != nil {
		res.Message = describe(err)
	}
	return res
}
