package transaction

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Reconciler prunes the ended sessions of one charger at a time.
type Reconciler struct {
	st       *store.Store
	opts     Options
	sessions sessions
	log      *slog.Logger
	enqueue  func(key string)
}

// chargerKey is the prefix of the work items that prune one charger. The
// others are Transaction names, which cannot contain a slash.
const chargerKey = "charger/"

// Reconcile takes a Transaction name or a charger key. A Transaction that
// has ended queues its charger, so the events of many sessions of one
// charger make one pass. A charger's pass deletes what plan chooses and
// comes back when the next kept session expires, or after Resync.
func (r *Reconciler) Reconcile(_ context.Context, key string) (controllers.Result, error) {
	if charger, ok := strings.CutPrefix(key, chargerKey); ok {
		return r.prune(charger)
	}
	if s, ok := r.sessions.get(key); ok && s.ended {
		r.enqueue(chargerKey + s.charger)
	}
	return controllers.Result{}, nil
}

func (r *Reconciler) prune(charger string) (controllers.Result, error) {
	now := r.opts.Clock.Now()
	sessions := r.sessions.ofCharger(charger)
	doomed := plan(sessions, now, r.opts)
	if err := r.delete(charger, doomed); err != nil {
		return controllers.Result{}, err
	}
	gone := map[string]bool{}
	for _, d := range doomed {
		gone[d.name] = true
	}
	again, keep := r.opts.Resync, false
	for _, s := range sessions {
		if !s.ended || gone[s.name] {
			continue
		}
		keep = true
		if left, ok := expiresIn(s, now, r.opts.Retention); ok && left+time.Second < again {
			// A moment past the expiry, so the next pass finds it expired.
			again = left + time.Second
		}
	}
	if !keep {
		// Nothing ended is left; the next session to end queues the charger.
		return controllers.Result{}, nil
	}
	return controllers.Result{RequeueAfter: again}, nil
}

// doom is a session to delete and why.
type doom struct {
	session
	reason string
}

// Why a session is deleted, as logged.
const (
	reasonExpired = "retention passed"
	reasonHistory = "history limit"
)

// plan chooses which of one charger's sessions to delete: ended ones with an
// empty outbox whose retention has passed, then, while more ended ones than
// History remain, the oldest of those with an empty outbox. Ended sessions
// whose events are still queued count towards History but are never chosen.
// One without a readable endedAt never expires and counts as the oldest.
func plan(sessions []session, now time.Time, o Options) []doom {
	var ended []session
	for _, s := range sessions {
		if s.ended {
			ended = append(ended, s)
		}
	}
	slices.SortFunc(ended, func(a, b session) int {
		return cmp.Or(a.endedAt.Compare(b.endedAt), cmp.Compare(a.name, b.name))
	})
	var out []doom
	kept := ended[:0:0]
	for _, s := range ended {
		if left, ok := expiresIn(s, now, o.Retention); ok && left <= 0 {
			out = append(out, doom{s, reasonExpired})
		} else {
			kept = append(kept, s)
		}
	}
	excess := len(kept) - o.History
	for _, s := range kept {
		if o.History == 0 || excess <= 0 {
			break
		}
		if s.queued == 0 {
			out = append(out, doom{s, reasonHistory})
			excess--
		}
	}
	return out
}

// expiresIn is how long an ended session with an empty outbox has left; false
// when it cannot expire (no retention, events queued, or no endedAt).
func expiresIn(s session, now time.Time, retention time.Duration) (time.Duration, bool) {
	if retention == 0 || s.queued > 0 || s.endedAt.IsZero() {
		return 0, false
	}
	return s.endedAt.Add(retention).Sub(now), true
}

// delete removes the chosen sessions with the resourceVersion each was
// planned on. One already gone is fine; a conflict means the station wrote
// it meanwhile and the new state is queued for another look.
func (r *Reconciler) delete(charger string, doomed []doom) error {
	var errs []error
	count := map[string]int{}
	for _, d := range doomed {
		_, err := r.st.Delete(Kind, d.name, d.resourceVersion)
		switch {
		case err == nil:
			count[d.reason]++
			r.log.Debug("deleted ended session", "transaction", d.name, "charger", charger, "reason", d.reason, "endedAt", d.endedAt)
		case errors.Is(err, store.ErrNotFound):
		default:
			errs = append(errs, fmt.Errorf("delete ended session %s of charger %q: %w", d.name, charger, err))
		}
	}
	if len(count) > 0 {
		r.log.Info("pruned ended sessions", "charger", charger, "expired", count[reasonExpired], "overHistory", count[reasonHistory])
	}
	return errors.Join(errs...)
}
