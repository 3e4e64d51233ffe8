package sitelimit

import (
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// wantsCurrent files a Transaction under its charger while it wants
// current: it has not ended and its authorization holds. A session held for
// authorization, or ended, wants none.
func wantsCurrent(t *v1alpha1.Transaction) []string {
	if t.Status.State != v1alpha1.TransactionActive || !t.Status.Authorized {
		return nil
	}
	if c := t.Metadata.Labels[v1alpha1.ChargerLabel]; c != "" {
		return []string{c}
	}
	return []string{t.Spec.ChargerRef}
}

// wantChanged: whether a Transaction wants current, or for which charger,
// changed.
func wantChanged(old, cur *v1alpha1.Transaction) bool {
	a, b := wantsCurrent(old), wantsCurrent(cur)
	return len(a) != len(b) || (len(a) == 1 && a[0] != b[0])
}

// session reports whether charger has a session that wants current, and
// when the earliest such one started (zero when unreadable).
func (r *Reconciler) session(charger string) (time.Time, bool) {
	names := r.transactions.Informer().ByIndex(indexWants, charger)
	var first time.Time
	for _, n := range names {
		t, ok, err := r.transactions.Get(n)
		if !ok || err != nil {
			continue // filed while it decoded; gone or replaced since
		}
		start, _ := time.Parse(time.RFC3339, t.Spec.StartedAt)
		if first.IsZero() || start.Before(first) {
			first = start
		}
	}
	return first, len(names) > 0
}
