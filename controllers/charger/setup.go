package charger

import (
	"log/slog"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/store"
)

// Kind is the resource kind this package reconciles.
const Kind = "Charger"

// New returns the charger controller. Besides its own kind it watches
// Templates: a template change (including its status, written by the template
// controller) re-queues every charger whose templateRef is that template or
// one that extends it.
func New(m *controllers.Manager, st *store.Store, log *slog.Logger) *controllers.Controller {
	if log == nil {
		log = m.Logger()
	}
	r := &Reconciler{
		st:        st,
		chargers:  m.Informer(Kind),
		templates: m.Informer(template.Kind),
		now:       time.Now,
	}
	c := controllers.NewController("charger", Kind, r, controllers.ControllerOptions{
		Workers: 2,
		Logger:  log,
	})
	c.Watches(template.Kind, r.chargersUsing)
	return c
}

// Setup adds the charger controller to m.
func Setup(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
	return m.Add(New(m, st, log))
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
