package charger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler brings one Charger's status in line with the declared state.
// Today it checks the template reference; device polling joins here later
// (read the device, merge signals, RequeueAfter the poll interval).
type Reconciler struct {
	st        *store.Store
	chargers  *controllers.Informer
	templates *controllers.Informer
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
func (r *Reconciler) Reconcile(_ context.Context, name string) (controllers.Result, error) {
	obj, ok := r.chargers.Get(name)
	if !ok {
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
	return controllers.Result{}, nil
}
