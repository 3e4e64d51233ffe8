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
	templates *controllers.Lister[v1alpha1.Template]
	ctrl      *controllers.Controller // for status writes that do not come back to it
	log       *slog.Logger
	now       func() time.Time
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
