package charger

import (
	"context"
	"encoding/json"
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
	chargers  *controllers.Informer
	templates *controllers.Informer
	buses     *controllers.Informer
	devices   *devices // nil: no device access (tests of the template rules)
	now       func() time.Time
}

func decodeSpec(obj *v1alpha1.Object) (v1alpha1.ChargerSpec, error) {
	var s v1alpha1.ChargerSpec
	if len(obj.Spec) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(obj.Spec, &s); err != nil {
		return s, fmt.Errorf("charger %q: decode spec: %w", obj.Metadata.Name, err)
	}
	return s, nil
}

// Reconcile reads the named charger from the cache, works out its conditions
// and writes its status if that changed. A deleted charger needs nothing yet.
func (r *Reconciler) Reconcile(ctx context.Context, name string) (controllers.Result, error) {
	obj, ok := r.chargers.Get(name)
	if !ok {
		if r.devices != nil {
			r.devices.remove(name)
		}
		return controllers.Result{}, nil
	}
	sp, err := decodeSpec(obj)
	if err != nil {
		// Admission validates specs, so only a new spec can fix this.
		return controllers.Result{}, controllers.TerminalError(err)
	}
	status, err := r.loadStatus(obj)
	if err != nil {
		return controllers.Result{}, err
	}
	status.SetObservedGeneration(obj.Metadata.Generation)
	r.setTemplateReady(status, sp.TemplateRef, obj.Metadata.Generation)
	if _, err := controllers.UpdateStatusIfChanged(r.st, obj, status); err != nil {
		return controllers.Result{}, err
	}
	if r.devices == nil {
		return controllers.Result{}, nil
	}
	return controllers.Result{RequeueAfter: r.devices.ensure(ctx, name, r.desired(sp))}, nil
}

// desired resolves what the charger's poller is built from.
func (r *Reconciler) desired(sp v1alpha1.ChargerSpec) desired {
	w := desired{spec: sp}
	w.template, _, w.tplErr = template.Resolve(r.templates, sp.TemplateRef)
	if name := sp.Connection.Bus(); name != "" {
		w.busName = name
		obj, ok := r.buses.Get(name)
		if !ok {
			w.busErr = fmt.Errorf("bus %q not found", name)
			return w
		}
		var bus v1alpha1.BusSpec
		if err := json.Unmarshal(obj.Spec, &bus); err != nil {
			w.busErr = fmt.Errorf("bus %q: decode spec: %w", name, err)
			return w
		}
		w.bus = &bus
	}
	return w
}
