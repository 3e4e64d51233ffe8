package station

import (
	"encoding/json"
	"log/slog"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// Setup returns a setup that adds the station controller, running device
// commands through commands (the charger controller; nil: none).
func Setup(commands Commander) func(*controllers.Manager, *store.Store, *slog.Logger) error {
	return SetupWithMetrics(commands, nil)
}

// SetupWithMetrics is Setup recording each station's connection, messages,
// outbox, sessions and energy in met (nil: no metrics).
func SetupWithMetrics(commands Commander, met *metrics.OCPP) func(*controllers.Manager, *store.Store, *slog.Logger) error {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if log == nil {
			log = m.Logger()
		}
		r := &Reconciler{st: st, chargers: m.Informer(Kind), commands: commands, log: log.With("controller", "station"),
			resolver: resolver{csmss: m.Informer(v1alpha1.KindCSMS), secrets: m.Informer(v1alpha1.KindSecret), templates: m.Informer(template.Kind)},
			running:  map[string]*runningStation{}, profilesChanged: map[string]bool{}, met: met}
		met.WatchStations(r.stationStates)
		c := controllers.NewController("station", Kind, r, controllers.ControllerOptions{Workers: 2, Logger: log, OnStop: r.stopAll})
		c.Watches(v1alpha1.KindCSMS, r.using(func(s v1alpha1.ChargerSpec, name string) bool { return s.OCPP != nil && s.OCPP.CSMSRef == name }))
		c.Watches(v1alpha1.KindSecret, r.usingSecret)
		c.Watches(template.Kind, func(tpl *v1alpha1.Object) []string {
			deps := template.Dependents(r.resolver.templates, tpl.Metadata.Name)
			return r.using(func(s v1alpha1.ChargerSpec, _ string) bool {
				_, found := slices.BinarySearch(deps, s.TemplateRef)
				return found
			})(tpl)
		})
		c.Watches(profileKind, r.profileOwner)
		return m.Add(c)
	}
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

// using maps a changed object to the chargers whose spec match accepts.
func (r *Reconciler) using(match func(v1alpha1.ChargerSpec, string) bool) func(*v1alpha1.Object) []string {
	return func(obj *v1alpha1.Object) []string {
		var out []string
		for _, ch := range r.chargers.List() {
			if s, err := decode[v1alpha1.ChargerSpec](ch); err == nil && match(s, obj.Metadata.Name) {
				out = append(out, ch.Metadata.Name)
			}
		}
		return out
	}
}

// usingSecret maps a changed Secret to the chargers whose CSMS, or own
// password reference, names it.
func (r *Reconciler) usingSecret(sec *v1alpha1.Object) []string {
	var out []string
	for _, ch := range r.chargers.List() {
		s, err := decode[v1alpha1.ChargerSpec](ch)
		if err != nil || s.OCPP == nil {
			continue
		}
		var ref *v1alpha1.SecretKeyRef
		var status v1alpha1.ChargerStatus
		if json.Unmarshal(ch.Status, &status) == nil && status.OCPP != nil {
			ref = status.OCPP.BasicAuthPasswordSecretRef
		}
		names := []string{}
		if csms, ok := r.resolver.csmss.Get(s.OCPP.CSMSRef); ok {
			if cs, err := decode[v1alpha1.CSMSSpec](csms); err == nil {
				names = secretNames(cs, ref)
			}
		}
		if slices.Contains(names, sec.Metadata.Name) {
			out = append(out, ch.Metadata.Name)
		}
	}
	return out
}
