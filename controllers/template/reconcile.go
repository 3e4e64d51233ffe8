package template

import (
	"context"
	"log/slog"
	"reflect"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler resolves one Template's extends chain and records the outcome in
// its status.
type Reconciler struct {
	st        *store.Store
	templates *controllers.Lister[v1alpha1.Template]
	ctrl      *controllers.Controller // for status writes that do not come back to it
	log       *slog.Logger
	now       func() time.Time
}

// Options tune the template controller; it has none yet. They give it the
// Setup shape every controller package shares.
type Options struct{}

// Setup returns a setup that adds the template controller.
func Setup(opts Options) controllers.SetupFunc {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if log == nil {
			log = m.Logger()
		}
		r := &Reconciler{st: st, templates: NewLister(m), log: log, now: time.Now}
		return r.SetupWithManager(m, log)
	}
}

// SetupWithManager declares what the controller watches and adds it to m:
// Templates, by spec, and by the status fields it owns when someone else
// changed them (so it puts them back); its own status writes do not re-run
// it. A change of a template's spec re-queues every template whose chain
// passes through it, since their resolution may change.
func (r *Reconciler) SetupWithManager(m *controllers.Manager, log *slog.Logger) error {
	c := controllers.NewController("template", Kind, r, controllers.ControllerOptions{Workers: 2, Logger: log})
	r.ctrl = c
	c.For(controllers.Any(controllers.SpecOrMetadataChanged, controllers.TypedChanged(ownedStatusChanged)))
	c.Watches(Kind, func(obj *v1alpha1.Object) []string {
		return Dependents(r.templates.Informer(), obj.Metadata.Name)
	})
	return m.Add(c)
}

// Reconcile resolves the chain of the named template from the cache and writes
// its status if that changed. A deleted template needs nothing: it owns nothing,
// and its dependents are re-queued by the watch.
func (r *Reconciler) Reconcile(_ context.Context, name string) (controllers.Result, error) {
	// The raw object, for the status merge that keeps other owners' fields.
	obj, ok := r.templates.Informer().Get(name)
	if !ok {
		return controllers.Result{}, nil
	}
	res := resolve(lookupOf(cachedSpecs(r.templates)), name)
	if err := r.updateStatus(obj, res); err != nil {
		return controllers.Result{}, err
	}
	return controllers.Result{}, nil
}

// ownedStatusChanged: the typed status holds exactly the fields this
// controller owns (observedGeneration, its conditions, resolvedChain).
func ownedStatusChanged(old, cur *v1alpha1.Template) bool {
	return !reflect.DeepEqual(old.Status, cur.Status)
}
