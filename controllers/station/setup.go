package station

import (
	"log/slog"
	"reflect"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// Options configure the station controller.
type Options struct {
	// Commands runs device commands (the charger controller); nil: none.
	Commands Commander
	// Metrics records each station's connection, messages, outbox,
	// sessions and energy; nil: no metrics.
	Metrics *metrics.OCPP
}

// indexPasswordSecret files chargers under the Secret their status names
// as the station's own basic-auth password (set by the CSMS, A01).
const indexPasswordSecret = "station.passwordSecret"

// Setup returns a setup that adds the station controller.
func Setup(opts Options) controllers.SetupFunc {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if log == nil {
			log = m.Logger()
		}
		r := &Reconciler{st: st, chargers: controllers.ListerFor[v1alpha1.Charger](m), commands: opts.Commands, log: log.With("controller", "station"),
			resolver: resolver{csmss: controllers.ListerFor[v1alpha1.CSMS](m), secrets: controllers.ListerFor[v1alpha1.Secret](m), templates: template.NewLister(m)},
			running:  map[string]*runningStation{}, profilesChanged: map[string]bool{}, met: opts.Metrics}
		opts.Metrics.WatchStations(r.stationStates)
		return r.SetupWithManager(m, log)
	}
}

// SetupWithManager declares what the controller watches and adds it to m.
// Chargers, by spec, and by the status it reads that others write: the
// connectors' signals and DeviceReachable (the charger controller's), and
// the password Secret the station itself named (so the new password is
// taken up once its Secret is cached). Its other status writes do not
// re-run it. CSMSs, Secrets and Templates, by spec: a change re-queues the
// chargers that use them, found through reverse references. A
// ChargingProfile of one charger (its label) re-queues that charger.
func (r *Reconciler) SetupWithManager(m *controllers.Manager, log *slog.Logger) error {
	c := controllers.NewController("station", Kind, r, controllers.ControllerOptions{Workers: 2, Logger: log, OnStop: r.stopAll})
	chargers := r.chargers.Informer().IndexReferences()
	chargers.AddIndex(indexPasswordSecret, controllers.TypedIndex(ownPasswordSecret))
	csmss := r.resolver.csmss.Informer().IndexReferences()
	c.For(controllers.Any(controllers.SpecOrMetadataChanged, controllers.TypedChanged(observedChanged)))
	c.Watches(v1alpha1.KindCSMS, func(obj *v1alpha1.Object) []string {
		return chargers.Referrers(v1alpha1.KindCSMS, obj.Metadata.Name)
	})
	c.Watches(v1alpha1.KindSecret, func(sec *v1alpha1.Object) []string {
		return usingSecret(chargers, csmss, sec.Metadata.Name)
	})
	c.Watches(template.Kind, func(tpl *v1alpha1.Object) []string {
		return template.UsedBy(chargers, r.resolver.templates.Informer(), tpl.Metadata.Name)
	})
	c.Watches(profileKind, r.profileOwner)
	return m.Add(c)
}

// observedChanged: what the station reads of a charger's status, and did
// not write itself, differs.
func observedChanged(old, cur *v1alpha1.Charger) bool {
	reachable := func(ch *v1alpha1.Charger) *v1alpha1.Condition {
		return v1alpha1.FindCondition(ch.Status.Conditions, "DeviceReachable")
	}
	return !reflect.DeepEqual(old.Status.Connectors, cur.Status.Connectors) ||
		!reflect.DeepEqual(reachable(old), reachable(cur)) ||
		!reflect.DeepEqual(ownPasswordSecret(old), ownPasswordSecret(cur))
}

// ownPasswordSecret is the Secret a charger's station keeps its own password in.
func ownPasswordSecret(ch *v1alpha1.Charger) []string {
	if ch.Spec.OCPP == nil || ch.Status.OCPP == nil || ch.Status.OCPP.BasicAuthPasswordSecretRef == nil {
		return nil
	}
	return []string{ch.Status.OCPP.BasicAuthPasswordSecretRef.Name}
}

// usingSecret returns the chargers whose CSMS, or own password reference,
// names the Secret called name: index lookups only.
func usingSecret(chargers, csmss *controllers.Informer, name string) []string {
	out := chargers.ByIndex(indexPasswordSecret, name)
	for _, cs := range csmss.Referrers(v1alpha1.KindSecret, name) {
		out = append(out, chargers.Referrers(v1alpha1.KindCSMS, cs)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// profileOwner maps a changed ChargingProfile to the charger it applies
// to alone (its label), noting that the charger's profiles must be read
// again. An operator's site limit names no single charger: its shares do.
func (r *Reconciler) profileOwner(obj *v1alpha1.Object) []string {
	name := obj.Metadata.Labels[v1alpha1.ChargerLabel]
	if name == "" {
		return nil
	}
	r.mu.Lock()
	r.profilesChanged[name] = true
	r.mu.Unlock()
	return []string{name}
}
