package sitelimit

import (
	"fmt"
	"log/slog"
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

// Index names in the caches the controller reads.
const (
	indexOperator = "sitelimit.operator" // ChargingProfiles: "yes" for site limits
	indexSite     = "sitelimit.site"     // ChargingProfiles: the site a share belongs to
	indexWants    = "sitelimit.wants"    // Transactions: the charger, while they want current
)

// Setup returns a setup that adds the site-limit controller. Its work
// items are the names of operator ChargingProfiles; any change of a
// Charger or a Transaction queues every site limit, and a change of a site
// share queues its site.
func Setup(opts Options) controllers.SetupFunc {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if opts.Settle < 0 {
			return fmt.Errorf("site limit settle time %v: must not be negative", opts.Settle)
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
			profiles:     controllers.ListerFor[v1alpha1.ChargingProfile](m),
			chargers:     controllers.ListerFor[v1alpha1.Charger](m),
			transactions: controllers.ListerFor[v1alpha1.Transaction](m),
			under:        map[underKey]time.Time{},
			inflight:     newShareLog(time.Now()),
		}
		return r.SetupWithManager(m, log)
	}
}

// SetupWithManager declares what the controller watches and adds it to m.
// ChargingProfiles, by spec and labels: site limits by name, shares by the
// site they belong to (so one changed by someone else is put right). Its
// own status writes do not re-run it. Chargers, by spec and status (the
// draws and the limits the devices took, which others write), and
// Transactions, by spec and by whether they want current: either queues
// every site limit.
func (r *Reconciler) SetupWithManager(m *controllers.Manager, log *slog.Logger) error {
	profiles := r.profiles.Informer()
	profiles.AddIndex(indexOperator, controllers.TypedIndex(func(p *v1alpha1.ChargingProfile) []string {
		if isOperator(&p.Spec) {
			return []string{"yes"}
		}
		return nil
	}))
	profiles.AddIndex(indexSite, controllers.LabelIndex(v1alpha1.SiteLimitLabel))
	r.transactions.Informer().AddIndex(indexWants, controllers.TypedIndex(wantsCurrent))
	sites := func(*v1alpha1.Object) []string { return profiles.ByIndex(indexOperator, "yes") }
	c := controllers.NewController("sitelimit", Kind, r, controllers.ControllerOptions{Clock: r.opts.Clock, Logger: log})
	c.Watches(Kind, siteOfShare)
	c.Watches(chargerKind, sites, controllers.Any(controllers.SpecOrMetadataChanged, controllers.StatusChanged))
	c.Watches(transactionKind, sites, controllers.Any(controllers.SpecOrMetadataChanged, controllers.TypedChanged(wantChanged)))
	return m.Add(c)
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

// isOperator: an operator profile is a site limit (source defaults to it).
func isOperator(spec *v1alpha1.ChargingProfileSpec) bool {
	return spec.Source == v1alpha1.ProfileSourceOperator || spec.Source == ""
}
