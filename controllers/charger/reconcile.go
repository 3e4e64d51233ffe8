package charger

import (
	"context"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler brings one Charger's status in line with the declared state:
// the TemplateReady condition, and through devices the poller that reads the
// device (when an Opener is configured).
type Reconciler struct {
	st        *store.Store
	chargers  *controllers.Lister[v1alpha1.Charger]
	templates *controllers.Lister[v1alpha1.Template]
	buses     *controllers.Lister[v1alpha1.Bus]
	ctrl      *controllers.Controller // for status writes that do not come back to it
	devices   *devices                // nil: no device access (tests of the template rules)
	now       func() time.Time
}

// Reconcile reads the named charger from the cache, works out its conditions
// and writes its status if that changed. A deleted charger needs nothing yet.
func (r *Reconciler) Reconcile(ctx context.Context, name string) (controllers.Result, error) {
	ch, ok, err := r.chargers.Get(name)
	if !ok {
		if r.devices != nil {
			r.devices.remove(name)
		}
		return controllers.Result{}, nil
	}
	if err != nil {
		// Admission validates specs, so only a new spec can fix this.
		return controllers.Result{}, controllers.TerminalError(fmt.Errorf("charger %q: %w", name, err))
	}
	// The object as stored, for a status merge that keeps other owners' fields.
	obj, ok := r.chargers.Informer().Get(name)
	if !ok {
		return controllers.Result{}, nil // deleted meanwhile: its event queues it again
	}
	status, err := r.loadStatus(obj)
	if err != nil {
		return controllers.Result{}, err
	}
	status.SetObservedGeneration(obj.Metadata.Generation)
	r.setTemplateReady(status, ch.Spec.TemplateRef, obj.Metadata.Generation)
	if _, err := r.ctrl.UpdateStatusIfChanged(r.st, obj, status); err != nil {
		return controllers.Result{}, err
	}
	if r.devices == nil {
		return controllers.Result{}, nil
	}
	return controllers.Result{RequeueAfter: r.devices.ensure(ctx, name, r.desired(ch.Spec))}, nil
}

// desired resolves what the charger's poller is built from.
func (r *Reconciler) desired(sp v1alpha1.ChargerSpec) desired {
	w := desired{spec: sp}
	w.template, _, w.tplErr = template.Resolve(r.templates, sp.TemplateRef)
	if name := sp.Connection.Bus(); name != "" {
		w.busName = name
		bus, ok, err := r.buses.Get(name)
		switch {
		case !ok:
			w.busErr = fmt.Errorf("bus %q not found", name)
		case err != nil:
			w.busErr = fmt.Errorf("bus %q: %w", name, err)
		default:
			w.bus = &bus.Spec
		}
	}
	return w
}
