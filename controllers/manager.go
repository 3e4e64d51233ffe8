package controllers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// ErrStarted is returned when a controller is added to, or Run is called on, a
// manager that is already running.
var ErrStarted = errors.New("controllers: manager already started")

// Manager owns the informers (one per kind, shared by every controller) and
// the controllers, and runs them together.
type Manager struct {
	st  *store.Store
	log *slog.Logger

	mu          sync.Mutex
	informers   map[string]*Informer
	order       []string // kinds in the order informers were asked for
	controllers []*Controller
	started     bool
	runCtx      context.Context // set while running, for informers asked for late
	wg          sync.WaitGroup
	failed      chan error
	// running is true from the moment every cache is synced and the
	// controllers' workers run until they are told to stop.
	running bool
}

// Ready returns nil while the controllers run on synced caches, and
// otherwise says what is missing: the caches not synced yet, or the
// controllers not running. It is the controllers' readiness.
func (m *Manager) Ready() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running {
		return nil
	}
	if !m.started {
		return errors.New("controllers not started")
	}
	if m.runCtx == nil {
		return errors.New("controllers stopped")
	}
	var waiting []string
	for _, kind := range m.order {
		select {
		case <-m.informers[kind].Synced():
		default:
			waiting = append(waiting, kind)
		}
	}
	return fmt.Errorf("informers not synced yet: %v", waiting)
}

// NewManager returns a manager reading from st. A nil log discards.
func NewManager(st *store.Store, log *slog.Logger) *Manager {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Manager{
		st:        st,
		log:       log,
		informers: map[string]*Informer{},
		failed:    make(chan error, 1),
	}
}

// Store returns the store the manager reads from.
func (m *Manager) Store() *store.Store { return m.st }

// Logger returns the manager's logger.
func (m *Manager) Logger() *slog.Logger { return m.log }

// Informer returns the shared informer of kind, creating it on first use. An
// informer asked for while the manager runs starts at once; its handlers must
// then be added before it delivers anything they need.
func (m *Manager) Informer(kind string) *Informer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.informerLocked(kind)
}

func (m *Manager) informerLocked(kind string) *Informer {
	if inf, ok := m.informers[kind]; ok {
		return inf
	}
	inf := NewInformer(m.st, kind, m.log)
	m.informers[kind] = inf
	m.order = append(m.order, kind)
	if m.runCtx != nil {
		m.startInformer(m.runCtx, inf)
	}
	return inf
}

// Informers returns the informers created so far, in creation order.
func (m *Manager) Informers() []*Informer {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Informer, 0, len(m.order))
	for _, kind := range m.order {
		out = append(out, m.informers[kind])
	}
	return out
}

// Controllers returns the controllers added so far.
func (m *Manager) Controllers() []*Controller {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Controller(nil), m.controllers...)
}

// Add registers c. Controllers must be added before Run.
func (m *Manager) Add(c *Controller) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return fmt.Errorf("add controller %s: %w", c.name, ErrStarted)
	}
	if !c.ownLog {
		c.log = m.log.With("controller", c.name)
	}
	m.controllers = append(m.controllers, c)
	return nil
}

// SetupFunc adds a controller to a manager. Every controller package has one
// shape: Setup(Options) SetupFunc builds its Reconciler, whose
// SetupWithManager(m, log) error declares in one place the kind it
// reconciles, the changes of that kind it wants (Controller.For), and each
// dependency with the changes of it that matter (Controller.Watches).
type SetupFunc func(m *Manager, st *store.Store, log *slog.Logger) error

// Run starts the informers, waits until every cache is synced, starts the
// controllers' workers and blocks until ctx is done. It then shuts the queues
// down and returns only after every worker and informer goroutine has exited.
// It returns nil when ctx ends, or the error that stopped an informer (the
// store was closed).
func (m *Manager) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	infs, err := m.begin(ctx)
	if err != nil {
		return err
	}
	err = m.waitForSync(ctx, infs)
	if err == nil {
		m.mu.Lock()
		for _, c := range m.controllers {
			c.start(ctx, &m.wg)
		}
		m.running = true
		m.mu.Unlock()
		m.log.Info("controllers started", "controllers", len(m.controllers), "informers", len(infs))
		select {
		case <-ctx.Done():
		case err = <-m.failed:
		}
	}
	m.stop(cancel)
	return err
}

// begin wires every controller's watches to the informers and starts them.
func (m *Manager) begin(ctx context.Context) ([]*Informer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return nil, ErrStarted
	}
	m.started = true
	for _, c := range m.controllers {
		m.wire(c)
	}
	m.runCtx = ctx
	infs := make([]*Informer, 0, len(m.order))
	for _, kind := range m.order {
		inf := m.informers[kind]
		m.startInformer(ctx, inf)
		infs = append(infs, inf)
	}
	return infs, nil
}

// wire makes informer changes that pass c's filters enqueue c's names.
// Handlers only enqueue: reconciles read the caches themselves
// (level-triggered).
func (m *Manager) wire(c *Controller) {
	m.informerLocked(c.kind).addChangeHandler(func(ch Change) {
		if c.ownWrite(ch) {
			c.filtered.Add(1)
			return
		}
		if c.passes(c.forPred, ch) {
			c.queue.Add(ch.Object.Metadata.Name)
		}
	})
	for _, w := range c.watches {
		mapFn := w.mapFn
		if mapFn == nil {
			mapFn = func(obj *v1alpha1.Object) []string { return []string{obj.Metadata.Name} }
		}
		m.informerLocked(w.kind).addChangeHandler(func(ch Change) {
			if !c.passes(w.preds, ch) {
				return
			}
			for _, name := range mapFn(ch.Object) {
				c.queue.Add(name)
			}
		})
	}
}

func (m *Manager) startInformer(ctx context.Context, inf *Informer) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := inf.Run(ctx); err != nil {
			select {
			case m.failed <- err:
			default: // one failure is enough to stop the manager
			}
		}
	}()
}

func (m *Manager) waitForSync(ctx context.Context, infs []*Informer) error {
	for _, inf := range infs {
		select {
		case <-inf.Synced():
		case <-ctx.Done():
			return nil
		case err := <-m.failed:
			return fmt.Errorf("wait for %s cache: %w", inf.Kind(), err)
		}
	}
	return nil
}

// stop cancels the informers, shuts the queues down and waits for everything.
func (m *Manager) stop(cancel context.CancelFunc) {
	cancel()
	m.mu.Lock()
	m.running = false
	for _, c := range m.controllers {
		c.queue.ShutDown()
	}
	m.runCtx = nil
	m.mu.Unlock()
	m.wg.Wait()
	for _, c := range m.controllers {
		if c.onStop != nil {
			c.onStop()
		}
	}
	m.log.Info("controllers stopped")
}
