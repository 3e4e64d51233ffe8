package sitelimit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler shares one operator ChargingProfile's limit among the chargers
// it selects.
type Reconciler struct {
	st           *store.Store
	opts         Options
	log          *slog.Logger
	profiles     *controllers.Lister[v1alpha1.ChargingProfile]
	chargers     *controllers.Lister[v1alpha1.Charger]
	transactions *controllers.Lister[v1alpha1.Transaction]
	// inflight logs the shares stored, which stations may still be writing.
	inflight *shareLog

	mu sync.Mutex
	// under holds since when each charger has been under-using its share
	// of each site.
	under map[underKey]time.Time
}

type underKey struct{ site, charger string }

// Reconcile takes the name of a ChargingProfile. For an operator profile it
// stores each selected charger's share; for any other name (a deleted
// site limit, a share, a CSMS profile) it deletes the shares labelled with
// that name, of which there are none unless a site limit by that name is
// gone.
func (r *Reconciler) Reconcile(_ context.Context, name string) (controllers.Result, error) {
	p, ok, err := r.profiles.Get(name)
	if !ok || err != nil || !isOperator(&p.Spec) {
		return controllers.Result{}, r.removeAll(name)
	}
	// The object as stored, for the status merge that keeps other owners' fields.
	obj, ok := r.profiles.Informer().Get(name)
	if !ok {
		return controllers.Result{}, nil // deleted meanwhile: its event queues it again
	}
	return r.share(obj, &p.Spec)
}

// removeAll deletes every share of site.
func (r *Reconciler) removeAll(site string) error {
	r.forget(site, nil)
	if !r.hasShares(site) {
		return nil
	}
	n := 0
	var gone map[string]stored
	err := r.st.Txn(false, func(tx *store.Tx) error {
		have, err := sharesIn(tx, site)
		if err == nil {
			n, err = applyShares(tx, site, have, nil)
		}
		gone = have
		return err
	})
	if err != nil {
		return fmt.Errorf("site limit %s is gone: %w", site, err)
	}
	r.logShares(gone, nil)
	r.log.Info("site limit gone, deleted its shares", "site", site, "deleted", n)
	return nil
}

// hasShares says whether the cache holds shares of site; a share the
// cache does not show yet comes with an event that queues site again.
func (r *Reconciler) hasShares(site string) bool {
	return len(r.profiles.Informer().ByIndex(indexSite, site)) > 0
}

// cachedShares returns site's shares as the cache holds them, by name.
func (r *Reconciler) cachedShares(site string) map[string]stored {
	out := map[string]stored{}
	for _, name := range r.profiles.Informer().ByIndex(indexSite, site) {
		p, ok, err := r.profiles.Get(name)
		switch {
		case !ok:
		case err != nil:
			// An unreadable share is replaced.
			if obj, ok := r.profiles.Informer().Get(name); ok {
				out[name] = stored{found: true, labels: obj.Metadata.Labels}
			}
		default:
			out[name] = stored{found: true, labels: p.Metadata.Labels, spec: p.Spec}
		}
	}
	return out
}

// sharesIn reads site's shares as tx sees them.
func sharesIn(tx *store.Tx, site string) (map[string]stored, error) {
	objs, err := tx.List(Kind)
	if err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	return sharesOf(objs, site), nil
}

// share computes and stores the shares of one site limit and its status.
// It reads the stored shares and writes the new ones and the status in one
// transaction, so what it computes from is what it replaces.
func (r *Reconciler) share(obj *v1alpha1.Object, spec *v1alpha1.ChargingProfileSpec) (controllers.Result, error) {
	site := obj.Metadata.Name
	now := r.opts.Clock.Now()
	sel, err := r.selected(spec)
	if err != nil {
		return controllers.Result{}, r.fail(site, "InvalidSelection", err)
	}
	phases, volts := supplies(sel)
	lim, err := limitNow(spec, now, phases, volts)
	if err != nil {
		return controllers.Result{}, r.fail(site, "InvalidLimit", err)
	}
	// Most passes (a charger's draw moved) change nothing: the cache says
	// so without a write transaction, which costs an fsync even when empty.
	cached := r.cachedShares(site)
	p := r.plan(site, lim, sel, cached, now)
	if !r.changes(obj, cached, p, lim, now) {
		return controllers.Result{RequeueAfter: p.requeue(lim.Next, now)}, nil
	}
	n := 0
	var have map[string]stored
	err = r.st.Txn(false, func(tx *store.Tx) error {
		if have, err = sharesIn(tx, site); err != nil {
			return err
		}
		p = r.plan(site, lim, sel, have, now)
		if n, err = applyShares(tx, site, have, p.want); err != nil {
			return err
		}
		// Logged once committed and before any station can read them, so
		// a station that confirms a share confirms it after its entry.
		want := p.want
		tx.OnCommit(func() { r.logShares(have, want) })
		return r.setReady(tx, site, v1alpha1.ConditionTrue, p.reason(), p.message(lim), now)
	})
	if err != nil {
		return controllers.Result{}, fmt.Errorf("site limit %s: %w", site, err)
	}
	if n > 0 {
		r.log.Info("site limit shared", "site", site, "limit", lim.String(), "writes", n, "shares", p.summary())
	}
	return controllers.Result{RequeueAfter: p.requeue(lim.Next, now)}, nil
}

// selected returns the chargers spec selects, by name: chargerRef,
// chargers.names and the chargers matching chargers.selector. Named
// chargers that do not exist are left out.
func (r *Reconciler) selected(spec *v1alpha1.ChargingProfileSpec) ([]observed, error) {
	names := map[string]bool{}
	if spec.ChargerRef != "" {
		names[spec.ChargerRef] = true
	}
	sel := labels.Everything()
	hasSel := false
	if spec.Chargers != nil {
		for _, n := range spec.Chargers.Names {
			names[n] = true
		}
		if spec.Chargers.Selector != "" {
			s, err := labels.Parse(spec.Chargers.Selector)
			if err != nil {
				return nil, fmt.Errorf("chargers.selector: %w", err)
			}
			sel, hasSel = s, true
		}
	}
	chosen := map[string]*v1alpha1.Charger{}
	var bad []error
	if hasSel {
		list, err := r.chargers.List(sel)
		for _, ch := range list {
			chosen[ch.Metadata.Name] = ch
		}
		bad = append(bad, unjoin(err)...)
	}
	for n := range names {
		ch, ok, err := r.chargers.Get(n)
		switch {
		case err != nil:
			bad = append(bad, err)
		case ok:
			chosen[n] = ch
		}
	}
	for _, err := range bad {
		var de *controllers.DecodeError
		name := ""
		if errors.As(err, &de) {
			name = de.Name
		}
		r.log.Warn("charger left out of its site limit", "charger", name, "err", err)
	}
	out := make([]observed, 0, len(chosen))
	for _, n := range sortedKeys(chosen) {
		out = append(out, observe(chosen[n]))
	}
	return out, nil
}

// unjoin splits an errors.Join.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err != nil {
		return []error{err}
	}
	return nil
}

// supplies lists the phases and voltages of the chargers.
func supplies(sel []observed) ([]int, []float64) {
	phases, volts := make([]int, len(sel)), make([]float64, len(sel))
	for i, o := range sel {
		phases[i], volts[i] = o.supply.Phases, o.supply.VoltageV
	}
	return phases, volts
}

// fail records why a site limit cannot be shared. Its shares stay as they
// are: the last valid shares are safer than none. Only a new spec can fix
// it, so it is not retried.
func (r *Reconciler) fail(site, reason string, cause error) error {
	err := r.st.Txn(false, func(tx *store.Tx) error {
		return r.setReady(tx, site, v1alpha1.ConditionFalse, reason, cause.Error(), r.opts.Clock.Now())
	})
	if err != nil {
		return fmt.Errorf("site limit %s: %w", site, err)
	}
	return controllers.TerminalError(fmt.Errorf("site limit %s: %w", site, cause))
}

// changes reports whether storing p would write anything, judged from the
// cache: a share to create, change or delete, or a new status.
func (r *Reconciler) changes(obj *v1alpha1.Object, have map[string]stored, p *plan, lim siteLimit, now time.Time) bool {
	for name, w := range p.want {
		if !upToDate(have[name], p.site, w) {
			return true
		}
	}
	for name := range have {
		if _, ok := p.want[name]; !ok {
			return true
		}
	}
	next, err := readyStatus(obj, v1alpha1.ConditionTrue, p.reason(), p.message(lim), now)
	if err != nil {
		return true
	}
	cur, err := v1alpha1.Canonical(obj.Status)
	return err != nil || !bytes.Equal(cur, next)
}

// setReady merges the Ready condition into the site limit's status as tx
// reads it, and writes it if that changed it.
func (r *Reconciler) setReady(tx *store.Tx, site string, status v1alpha1.ConditionStatus, reason, msg string, now time.Time) error {
	obj, err := tx.Get(Kind, site)
	if err != nil {
		return fmt.Errorf("read site limit: %w", err)
	}
	if obj.Status, err = readyStatus(obj, status, reason, msg, now); err != nil {
		return err
	}
	_, err = tx.UpdateStatus(obj)
	return err
}

// readyStatus is obj's status with the Ready condition merged in.
func readyStatus(obj *v1alpha1.Object, status v1alpha1.ConditionStatus, reason, msg string, now time.Time) (json.RawMessage, error) {
	s, err := controllers.DecodeStatus(obj.Status)
	if err != nil {
		s, _ = controllers.DecodeStatus(nil)
	}
	gen := obj.Metadata.Generation
	s.SetObservedGeneration(gen)
	s.SetCondition(v1alpha1.Condition{Type: ConditionReady, Status: status, ObservedGeneration: gen,
		Reason: reason, Message: msg}, now)
	return s.Encode()
}

// logShares notes the shares just stored (want) in the log of shares in
// flight, and forgets those deleted (in have, not in want).
func (r *Reconciler) logShares(have map[string]stored, want map[string]shareWant) {
	now := time.Now()
	for name, w := range want {
		r.inflight.record(name, w.a, now)
	}
	for name := range have {
		if _, ok := want[name]; !ok {
			r.inflight.drop(name)
		}
	}
}

// forget drops the under-use timers of site's chargers other than keep.
func (r *Reconciler) forget(site string, keep map[string]bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.under {
		if k.site == site && !keep[k.charger] {
			delete(r.under, k)
		}
	}
}

// settled tracks whether charger has under-used its share of site for
// long enough; when it has not yet, wait says how long is left.
func (r *Reconciler) settled(site, charger string, underusing bool, now time.Time) (ok bool, wait time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := underKey{site, charger}
	if !underusing {
		delete(r.under, k)
		return false, 0
	}
	since, seen := r.under[k]
	if !seen {
		since = now
		r.under[k] = now
	}
	left := since.Add(r.opts.Settle).Sub(now)
	return left <= 0, max(left, 0)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
