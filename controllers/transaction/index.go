package transaction

import (
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
)

// indexCharger files Transactions under their charger.
const indexCharger = "transaction.charger"

// session is what pruning needs to know of one Transaction, as of the
// resourceVersion it was read at.
type session struct {
	name            string
	resourceVersion string
	charger         string
	ended           bool
	// endedAt is zero when the status has none that parses.
	endedAt time.Time
	queued  int // outbox length
}

// chargerOf is a Transaction's charger: its label, else spec.chargerRef.
// One that does not decode is found by its label, or by the reference the
// spec names (v1alpha1.References reads it leniently).
func chargerOf(obj *v1alpha1.Object, typed any) []string {
	if c := obj.Metadata.Labels[v1alpha1.ChargerLabel]; c != "" {
		return []string{c}
	}
	if t, ok := typed.(*v1alpha1.Transaction); ok {
		return []string{t.Spec.ChargerRef}
	}
	for _, ref := range v1alpha1.References(obj) {
		if ref.Kind == v1alpha1.KindCharger {
			return []string{ref.Name}
		}
	}
	return []string{""}
}

// sessions reads Transactions from the cache, decoded once per event.
type sessions struct {
	txs *controllers.Lister[v1alpha1.Transaction]
}

func newSessions(m *controllers.Manager) sessions {
	l := controllers.ListerFor[v1alpha1.Transaction](m)
	l.Informer().AddIndex(indexCharger, chargerOf)
	return sessions{txs: l}
}

// get returns the session called name. One whose object does not decode
// reads as open, so it is never deleted.
func (x sessions) get(name string) (session, bool) {
	t, ok, err := x.txs.Get(name)
	if !ok {
		return session{}, false
	}
	if err != nil {
		obj, ok := x.txs.Informer().Get(name)
		if !ok {
			return session{}, false
		}
		return session{name: name, resourceVersion: obj.Metadata.ResourceVersion, charger: chargerOf(obj, nil)[0]}, true
	}
	return summarize(t), true
}

// summarize reads a session from its Transaction.
func summarize(t *v1alpha1.Transaction) session {
	s := session{name: t.Metadata.Name, resourceVersion: t.Metadata.ResourceVersion, charger: t.Metadata.Labels[v1alpha1.ChargerLabel]}
	if s.charger == "" {
		s.charger = t.Spec.ChargerRef
	}
	s.ended = t.Status.State == v1alpha1.TransactionEnded
	s.queued = len(t.Status.Outbox)
	if at, err := time.Parse(time.RFC3339, t.Status.EndedAt); err == nil {
		s.endedAt = at
	}
	return s
}

// ofCharger returns every session of charger, by name: an index lookup.
func (x sessions) ofCharger(charger string) []session {
	names := x.txs.Informer().ByIndex(indexCharger, charger)
	out := make([]session, 0, len(names))
	for _, n := range names {
		if s, ok := x.get(n); ok {
			out = append(out, s)
		}
	}
	return out
}

// pruningInputsChanged: what pruning reads of a Transaction's status, which
// the station writes, differs.
func pruningInputsChanged(old, cur *v1alpha1.Transaction) bool {
	return old.Status.State != cur.Status.State || old.Status.EndedAt != cur.Status.EndedAt ||
		len(old.Status.Outbox) != len(cur.Status.Outbox)
}
