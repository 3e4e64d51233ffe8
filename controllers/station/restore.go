package station

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// restoreSessions picks up, after a start or restart, what the store holds
// for this charger: open sessions continue on their EVSE with their
// transactionId and next seqNo (the first observation then continues or
// ends them), and queued events go back into the outbox in the order they
// were made. They are re-sent with offline set: the connection they were
// made on is gone.
func (s *Station) restoreSessions() {
	stored, err := s.host.Transactions()
	if err != nil {
		s.log.Error("stored sessions not readable: they are not resumed", "err", err)
		return
	}
	slices.SortFunc(stored, func(a, b *v1alpha1.Transaction) int { return cmp.Compare(a.Spec.StartedAt, b.Spec.StartedAt) })
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	var queue []queued
	for _, t := range stored {
		open := t.Status.State != v1alpha1.TransactionEnded
		if !open && len(t.Status.Outbox) == 0 {
			continue
		}
		rec := &txRecord{t: t, stored: true, evse: t.Spec.EVSEID, lastProgress: time.Now()}
		s.ss.records[t.Spec.TransactionID] = rec
		for i := range t.Status.Outbox {
			t.Status.Outbox[i].Offline = true
			queue = append(queue, queued{rec: rec, seqNo: t.Status.Outbox[i].SeqNo})
		}
		m := s.ss.machine(t.Spec.EVSEID)
		if open && m != nil {
			if m.Session() != nil {
				s.log.Warn("two open sessions stored for one EVSE: the older one is not resumed", "evse", t.Spec.EVSEID,
					"transactionId", m.Session().ID)
			}
			st, auth := restoredState(t, s.now())
			m.Restore(st, auth)
			s.log.Info("session resumed", "transactionId", t.Spec.TransactionID, "evse", t.Spec.EVSEID, "seqNo", t.Status.SeqNo)
		}
	}
	s.ss.queue = mergeQueues(queue)
	if len(queue) > 0 {
		signal(s.ss.ready)
	}
}

// restoredState is the machine state a stored session stands for.
func restoredState(t *v1alpha1.Transaction, now time.Time) (tx.State, *tx.Auth) {
	started, _ := time.Parse(time.RFC3339, t.Spec.StartedAt)
	st := tx.State{ID: t.Spec.TransactionID, StartedAt: started, ChargingState: ocpp.ChargingStateEnumType(t.Status.ChargingState),
		Authorized: t.Status.Authorized, RemoteStartID: t.Status.RemoteStartID, StopReason: ocpp.ReasonEnumType(t.Status.StopReason),
		LastPeriodic: now}
	for _, p := range t.Status.Seen {
		st.Seen = append(st.Seen, tx.Point(p))
	}
	var auth *tx.Auth
	if tok := t.Status.IDToken; tok != nil {
		st.IDToken = &ocpp.IdTokenType{IDToken: tok.IDToken, Type: ocpp.IdTokenEnumType(tok.Type)}
		if t.Status.Authorized {
			src := tx.SourceLocal
			if t.Status.RemoteStartID != nil {
				src = tx.SourceRemote
			}
			auth = &tx.Auth{IDToken: *st.IDToken, Source: src, RemoteStartID: t.Status.RemoteStartID, At: started}
		}
	}
	return st, auth
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func devicemodelVariable(name string) devicemodel.Variable { return devicemodel.Variable{Name: name} }

// mergeQueues orders restored events: each session's in seqNo order, the
// sessions' interleaved by when their events were made. A clock stepped
// back can misplace an event between sessions, never within one.
func mergeQueues(queue []queued) []queued {
	per := map[*txRecord][]queued{}
	var recs []*txRecord
	for _, q := range queue {
		if per[q.rec] == nil {
			recs = append(recs, q.rec)
		}
		per[q.rec] = append(per[q.rec], q)
	}
	for _, r := range recs {
		slices.SortFunc(per[r], func(a, b queued) int { return cmp.Compare(a.seqNo, b.seqNo) })
	}
	made := func(q queued) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, q.rec.entry(q.seqNo).Timestamp)
		return t
	}
	out := make([]queued, 0, len(queue))
	for len(out) < len(queue) {
		var next *txRecord
		for _, r := range recs {
			if len(per[r]) > 0 && (next == nil || made(per[r][0]).Before(made(per[next][0]))) {
				next = r
			}
		}
		out = append(out, per[next][0])
		per[next] = per[next][1:]
	}
	return out
}
