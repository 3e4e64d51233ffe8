package sitelimit

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// The kinds the controller reads.
const (
	Kind            = v1alpha1.KindChargingProfile
	chargerKind     = v1alpha1.KindCharger
	transactionKind = v1alpha1.KindTransaction
)

// DefaultSettle is how long an EV must draw clearly less than it is allowed
// before the unused current goes to others: long enough for an EV to ramp
// up after a raise (most take a few seconds), short against a session.
const DefaultSettle = 60 * time.Second

// Options tune the controller. The zero value gives the defaults.
type Options struct {
	// Settle is DefaultSettle when zero.
	Settle time.Duration
	// Clock is the time source of schedules, settling and requeues;
	// RealClock when nil.
	Clock controllers.Clock
}

// New returns the site-limit controller. Its work items are the names of
// operator ChargingProfiles; any change of a Charger or a Transaction
// queues every site limit, and a change of a site share queues its site.
func New(m *controllers.Manager, st *store.Store, log *slog.Logger, opts Options) (*controllers.Controller, error) {
	if opts.Settle < 0 {
		return nil, fmt.Errorf("site limit settle time %v: must not be negative", opts.Settle)
	}
	if opts.Settle == 0 {
		opts.Settle = DefaultSettle
	}
	if opts.Clock == nil {
		opts.Clock = controllers.RealClock
	}
	if log == nil {
		log = m.Logger()
	}
	r := &Reconciler{
		st: st, opts: opts, log: log.With("controller", "sitelimit"),
		profiles: m.Informer(Kind), chargers: m.Informer(chargerKind),
		sites: &siteIndex{names: map[string]bool{}}, sessions: newSessionIndex(),
		under: map[underKey]time.Time{},
	}
	// Registered before the manager wires the controller's handlers, so a
	// reconcile always finds in the indexes the event that queued it.
	r.profiles.AddHandler(r.sites.handle)
	m.Informer(transactionKind).AddHandler(r.sessions.handle)
	c := controllers.NewController("sitelimit", Kind, r, controllers.ControllerOptions{Clock: opts.Clock, Logger: log})
	c.Watches(Kind, siteOfShare)
	c.Watches(chargerKind, func(*v1alpha1.Object) []string { return r.sites.list() })
	c.Watches(transactionKind, func(*v1alpha1.Object) []string { return r.sites.list() })
	return c, nil
}

// Setup returns a setup that adds the site-limit controller.
func Setup(opts Options) func(*controllers.Manager, *store.Store, *slog.Logger) error {
	return controllers.SetupWith(New, opts)
}

// siteOfShare maps a site share to the site limit it belongs to, so a share
// changed or deleted by someone else is put right, and one whose site is
// gone is deleted.
func siteOfShare(obj *v1alpha1.Object) []string {
	if site := obj.Metadata.Labels[v1alpha1.SiteLimitLabel]; site != "" {
		return []string{site}
	}
	return nil
}

// siteIndex is the set of operator ChargingProfiles, kept by the informer.
type siteIndex struct {
	mu    sync.Mutex
	names map[string]bool
}

func (x *siteIndex) handle(ev v1alpha1.Event) {
	name := ev.Object.Metadata.Name
	operator := false
	if ev.Type != v1alpha1.Deleted {
		var spec v1alpha1.ChargingProfileSpec
		operator = json.Unmarshal(ev.Object.Spec, &spec) == nil && isOperator(&spec)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if operator {
		x.names[name] = true
	} else {
		delete(x.names, name)
	}
}

func (x *siteIndex) list() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]string, 0, len(x.names))
	for n := range x.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// isOperator: an operator profile is a site limit (source defaults to it).
func isOperator(spec *v1alpha1.ChargingProfileSpec) bool {
	return spec.Source == v1alpha1.ProfileSourceOperator || spec.Source == ""
}
