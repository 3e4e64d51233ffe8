package charger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// openRetry is how soon a charger whose device could not be opened is
// reconciled again.
const openRetry = 10 * time.Second

// minPollInterval bounds the poll loop, whatever an older spec says.
const minPollInterval = 100 * time.Millisecond

// devices runs one poller per charger and swaps it when the charger, its
// template or its bus changes: the new mapping and device are built first,
// and a build that fails leaves the old poller running (Caddy's
// build-new, swap, stop-old).
type devices struct {
	opener Opener
	st     *store.Store
	now    func() time.Time
	log    *slog.Logger
	met    *metrics.Charger // nil: no metrics

	mu      sync.Mutex
	running map[string]*running
}

// running is one charger's device side. key and poller change under
// devices.mu; only the charger's own reconcile changes them, so ensure may
// read them without it.
type running struct {
	key    string // the configuration the poller was built from
	badKey string // a configuration whose mapping did not compile
	state  *deviceState
	poller *poller
}

// desired is one charger's device configuration, resolved.
type desired struct {
	spec     v1alpha1.ChargerSpec
	template v1alpha1.TemplateSpec
	tplErr   error
	bus      *v1alpha1.BusSpec
	busName  string
	busErr   error
}

func (w desired) key() string {
	b, _ := json.Marshal(struct {
		C v1alpha1.ChargerConnection
		I v1alpha1.Duration
		F int
		E []v1alpha1.EVSE
		T v1alpha1.TemplateSpec
		B *v1alpha1.BusSpec
	}{w.spec.Connection, w.spec.PollInterval, w.spec.FailureThreshold, w.spec.EVSEs, w.template, w.bus})
	return string(b)
}

func layout(s v1alpha1.ChargerSpec) []v1alpha1.OCPPEVSE {
	var out []v1alpha1.OCPPEVSE
	for _, e := range s.EVSEs {
		for _, c := range e.Connectors {
			out = append(out, v1alpha1.OCPPEVSE{ID: e.ID, ConnectorID: c.ID})
		}
	}
	return out
}

// ensure brings the charger's poller in line with w. It returns how soon to
// try again when the device could not be opened.
func (d *devices) ensure(ctx context.Context, name string, w desired) time.Duration {
	key := ""
	if w.tplErr == nil {
		key = w.key()
	}
	d.mu.Lock()
	r := d.running[name]
	if r == nil {
		r = &running{state: &deviceState{st: d.st, name: name, now: d.now, log: d.log, met: d.met}}
		d.running[name] = r
	}
	d.mu.Unlock()
	if key != "" && key == r.badKey {
		return 0 // a compile error does not fix itself; wait for a change
	}
	if key != "" && key == r.key {
		// What runs is what is declared. An error left from a moment when
		// it was not (the template deleted, then applied again unchanged)
		// no longer holds.
		r.state.mu.Lock()
		stale := r.state.buildErr != nil || r.state.openErr != nil
		r.state.mu.Unlock()
		if stale {
			r.state.update(func(s *deviceState) { s.buildErr, s.openErr = nil, nil })
		}
		return 0
	}
	r.state.update(func(s *deviceState) {
		s.connectors, s.threshold = layout(w.spec), w.spec.FailureThreshold
	})
	if w.tplErr != nil {
		r.state.update(func(s *deviceState) { s.buildErr = fmt.Errorf("template: %w", w.tplErr) })
		return 0
	}
	if w.busErr != nil {
		// The Bus watch reconciles the charger again when the bus appears.
		r.state.update(func(s *deviceState) { s.buildErr, s.openErr = nil, w.busErr })
		return 0
	}
	mapping, errs := cel.NewMapping(&w.template)
	if len(errs) > 0 {
		d.mu.Lock()
		r.badKey = key
		d.mu.Unlock()
		r.state.update(func(s *deviceState) { s.buildErr = errors.Join(errs...) })
		return 0
	}
	dev, err := d.opener.Open(ctx, DeviceConfig{Charger: name, Connection: w.spec.Connection, Bus: w.bus, BusName: w.busName,
		Read: w.template.Read})
	if err != nil {
		r.state.update(func(s *deviceState) { s.buildErr, s.openErr = nil, err })
		return openRetry
	}
	interval := max(w.spec.PollInterval.Duration(), minPollInterval)
	p := &poller{state: r.state, dev: dev, mapping: mapping, interval: interval,
		keepAlive:   w.template.Commands[keepAliveCommand].Period.Duration(),
		templateRef: w.spec.TemplateRef, protocol: w.template.Protocol}
	p.cmds = newCommandLoop(p)
	d.mu.Lock()
	old := r.poller
	r.poller, r.key, r.badKey = p, key, ""
	d.mu.Unlock()
	if old != nil {
		old.stop()
	}
	r.state.update(func(s *deviceState) { s.buildErr, s.openErr, s.polled = nil, nil, false })
	p.start()
	return 0
}

// remove stops a deleted charger's poller.
func (d *devices) remove(name string) {
	d.mu.Lock()
	r := d.running[name]
	delete(d.running, name)
	d.mu.Unlock()
	if r != nil && r.poller != nil {
		r.poller.stop()
	}
	d.met.Forget(name)
}

// stopAll stops every poller, at shutdown.
func (d *devices) stopAll() {
	d.mu.Lock()
	names := make([]string, 0, len(d.running))
	for n := range d.running {
		names = append(names, n)
	}
	d.mu.Unlock()
	for _, n := range names {
		d.remove(n)
	}
}

// command runs a canonical command on the charger's device.
func (d *devices) command(ctx context.Context, name, command string, connector int, args cel.Args) error {
	d.mu.Lock()
	var p *poller
	if r := d.running[name]; r != nil {
		p = r.poller
	}
	d.mu.Unlock()
	if p == nil {
		return fmt.Errorf("charger %q: %w", name, ErrNoDevice)
	}
	return p.cmds.do(ctx, command, connector, args)
}
