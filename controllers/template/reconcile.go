package template

import (
	"context"
	"log/slog"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler resolves one Template's extends chain and records the outcome in
// its status.
type Reconciler struct {
	st        *store.Store
	templates *controllers.Informer
	log       *slog.Logger
	now       func() time.Time
}

// New returns the template controller. Changing a template re-queues every
// template whose chain passes through it, since their resolution may change.
func New(m *controllers.Manager, st *store.Store, log *slog.Logger) *controllers.Controller {
	if log == nil {
		log = m.Logger()
	}
	templates := m.Informer(Kind)
	r := &Reconciler{st: st, templates: templates, log: log, now: time.Now}
	c := controllers.NewController("template", Kind, r, controllers.ControllerOptions{
		Workers: 2,
		Logger:  log,
	})
	c.Watches(Kind, func(obj *v1alpha1.Object) []string {
		return Dependents(templates, obj.Metadata.Name)
	})
	return c
}

// Setup adds the template controller to m.
func Setup(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
	return m.Add(New(m, st, log))
}

// Reconcile resolves the chain of the named template from the cache and writes
// its status if that changed. A deleted template needs nothing: it owns nothing,
// and its dependents are re-queued by the watch.
func (r *Reconciler) Reconcile(_ context.Context, name string) (controllers.Result, error) {
	obj, ok := r.templates.Get(name)
	if !ok {
		return controllers.Result{}, nil
	}
	res := resolve(lookupOf(r.templates.Get), name)
	if err := r.updateStatus(obj, res); err != nil {
		return controllers.Result{}, err
	}
	return controllers.Result{}, nil
}
