package transaction

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// Kind is the resource kind this package prunes.
const Kind = v1alpha1.KindTransaction

// Defaults of gwd's --transaction-retention and --transaction-history.
const (
	DefaultRetention = 7 * 24 * time.Hour
	DefaultHistory   = 200
	// DefaultResync is how often a kept ended session is looked at again,
	// so a limit still holds if an event was missed or the clock jumped.
	DefaultResync = 10 * time.Minute
)

// Options bound the history. Zero Retention or History means no bound of
// that kind; gwd passes the defaults above unless told otherwise.
type Options struct {
	// Retention is how long an ended session whose events were all
	// delivered is kept after it ended.
	Retention time.Duration
	// History is how many ended sessions each charger keeps at most.
	History int
	// Resync is the longest a kept ended session waits for another look;
	// DefaultResync when zero.
	Resync time.Duration
	// Clock is the time source of ages and requeues; RealClock when nil.
	Clock controllers.Clock
}

// Validate rejects negative bounds, naming the gwd flag that set them.
func (o Options) Validate() error {
	var errs []error
	if o.Retention < 0 {
		errs = append(errs, fmt.Errorf("--transaction-retention %v: must be 0 (keep regardless of age) or positive", o.Retention))
	}
	if o.History < 0 {
		errs = append(errs, fmt.Errorf("--transaction-history %d: must be 0 (no limit per charger) or positive", o.History))
	}
	if o.Resync < 0 {
		errs = append(errs, fmt.Errorf("transaction resync %v: must not be negative", o.Resync))
	}
	return errors.Join(errs...)
}

// Setup returns a setup that adds the transaction history controller. Its
// work items are the names of changed Transactions and the chargers to
// prune (see Reconcile).
func Setup(opts Options) controllers.SetupFunc {
	return func(m *controllers.Manager, st *store.Store, log *slog.Logger) error {
		if err := opts.Validate(); err != nil {
			return err
		}
		if opts.Resync == 0 {
			opts.Resync = DefaultResync
		}
		if opts.Clock == nil {
			opts.Clock = controllers.RealClock
		}
		if log == nil {
			log = m.Logger()
		}
		r := &Reconciler{st: st, opts: opts, sessions: newSessions(m), log: log.With("controller", "transaction")}
		return r.SetupWithManager(m, log)
	}
}

// SetupWithManager declares what the controller watches and adds it to m:
// Transactions, by spec and by what pruning reads of the status the
// station writes (state, endedAt, outbox).
func (r *Reconciler) SetupWithManager(m *controllers.Manager, log *slog.Logger) error {
	c := controllers.NewController("transaction", Kind, r, controllers.ControllerOptions{Clock: r.opts.Clock, Logger: log})
	c.For(controllers.Any(controllers.SpecOrMetadataChanged, controllers.TypedChanged(pruningInputsChanged)))
	r.enqueue = c.Enqueue
	return m.Add(c)
}
