package template

import (
	"log/slog"
	"reflect"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

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

// ownedStatusChanged: the typed status holds exactly the fields this
// controller owns (observedGeneration, its conditions, resolvedChain).
func ownedStatusChanged(old, cur *v1alpha1.Template) bool {
	return !reflect.DeepEqual(old.Status, cur.Status)
}
