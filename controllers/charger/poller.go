package charger

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// pollCap bounds one poll in case a driver never returns. The drivers bound
// every request by its own timeout and retries, so this is a safety net, not
// a schedule: a slow poll is never cut to fit the interval.
const pollCap = 5 * time.Minute

// poller reads one charger's device every interval and turns what it read
// into signals. It writes only through deviceState, and only when something
// changed, so a steady charger costs no store write. Its command loop
// (commands.go) is the only writer to the device.
type poller struct {
	state    *deviceState
	dev      Device
	mapping  *cel.Mapping
	interval time.Duration
	// keepAlive is the period of the template's keepAlive command; 0: none.
	keepAlive time.Duration
	// templateRef and protocol describe the mapping, for Probe.
	templateRef, protocol string

	cmds *commandLoop

	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	last *cel.Input // the newest read, for commands
	// lastStarted is when the read that gave last began: a command's write
	// after it is not in last.
	lastStarted time.Time
}

// start runs the poll and command loops. The command loop exists from
// newPoller on, so a command that arrives before start waits for it.
func (p *poller) start() {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.cmds.run(ctx)
	go p.run(ctx)
}

// stop ends the poll and command loops and closes the device; it waits for
// a poll or command in flight, so the old device is never used after a swap.
func (p *poller) stop() {
	p.cancel()
	<-p.done
	<-p.cmds.done
	p.dev.Close()
}

// run polls on a fixed schedule. A poll that runs past its slot is not cut
// short: the slots it overlapped are skipped and PollsOnTime says so.
//
// The first poll runs at once, so a new charger reads without waiting; the
// rest keep to slots shared by every poller of the same interval (slot).
func (p *poller) run(ctx context.Context) {
	defer close(p.done)
	var next time.Time
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		p.poll(ctx)
		took := time.Since(start)
		if next.IsZero() {
			next = slot(time.Now(), p.interval)
		}
		next = next.Add(p.interval)
		var overran time.Duration
		if now := time.Now(); !now.Before(next) {
			overran = took
			next = next.Add((now.Sub(next)/p.interval + 1) * p.interval)
		}
		p.noteSchedule(overran)
		t.Reset(time.Until(next))
	}
}

// epoch is where the pollers' slots are counted from, on the monotonic
// clock, so that a step of the wall clock moves no poller.
var epoch = time.Now()

// slot returns the start of the interval-long slot, counted from epoch,
// that holds t. Pollers of one interval poll at the same instants instead
// of spreading over the interval: their requests and replies then come in
// bursts that the runtime handles on busy threads, rather than one wake-up
// of an idle thread for each. At 1 s, 100 KEBA P30s (10 Modbus TCP reads a
// poll) took 6.1 % of a core spread and 3.1 % in slots, 100 ABB Terra ACs
// (2 reads) 4.2 % and 1.0-1.3 % (TestStationScale with
// OCPPGW_SCALE_POLLONLY). Readings of one instant also add up to a site's
// current as it was at that instant.
func slot(t time.Time, interval time.Duration) time.Time {
	return t.Add(-t.Sub(epoch) % interval)
}

// noteSchedule records whether the last poll overran, writing only when
// that flips.
func (p *poller) noteSchedule(overran time.Duration) {
	p.state.mu.Lock()
	flip := (overran > 0) != (p.state.overran > 0)
	p.state.mu.Unlock()
	if flip {
		p.state.update(func(d *deviceState) { d.overran, d.interval = overran, p.interval })
	}
}

// poll reads once. A poll the device did not answer counts towards
// FailureThreshold and leaves the last signals in place, marked stale. An
// answered poll evaluates every signal of every connector over what
// arrived; what did not arrive leaves its signals unknown.
func (p *poller) poll(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, pollCap)
	started := time.Now()
	rd, err := p.dev.Read(rctx)
	cancel()
	if ctx.Err() != nil || (err != nil && transient(err)) {
		return // stopped mid-read, or the driver is being replaced
	}
	if err != nil {
		p.state.met.Polled(p.state.name, p.protocol, time.Since(started), faultReason(err))
		p.state.update(func(d *deviceState) {
			d.failures++
			d.lastErr, d.lastErrAt = err, d.now()
		})
		return
	}
	var required []ReadFailure
	for _, f := range rd.Failed {
		if !f.Optional && !transient(f.Err) {
			required = append(required, f)
		}
	}
	p.state.met.Polled(p.state.name, p.protocol, time.Since(started), worstReason(required))
	p.mu.Lock()
	p.last, p.lastStarted = rd.Input, started
	p.mu.Unlock()
	ev := p.evaluate(rd.Input)
	p.state.mu.Lock()
	s := p.state
	changed := !s.polled || s.failures > 0 || !sameSignals(ev.signals, s.signals) ||
		!sameUnknown(ev.unknown, s.unknown) || !sameErrors(ev.errs, s.evalErrs) || !sameFailures(required, s.readFails)
	if !changed {
		s.lastGood = s.now()
	}
	p.state.mu.Unlock()
	if changed {
		p.state.update(func(d *deviceState) {
			d.polled, d.failures, d.lastErr, d.lastGood = true, 0, nil, d.now()
			d.signals, d.unknown, d.evalErrs, d.readFails = ev.signals, ev.unknown, ev.errs, required
		})
	}
}

// evaluation is the mapping's result for every connector of the layout.
type evaluation struct {
	signals map[int]map[string]any
	unknown map[int]map[string]string
	errs    []error
}

// evaluate runs the mapping once per connector of the layout, with the
// signals of the last poll as prev.
func (p *poller) evaluate(in *cel.Input) evaluation {
	p.state.mu.Lock()
	conns := p.state.connectors
	prev := p.state.signals
	p.state.mu.Unlock()
	return evaluate(p.mapping, conns, prev, in)
}

// evaluate runs m once per connector of conns; prev holds each connector's
// previous signals by index (nil: none).
func evaluate(m *cel.Mapping, conns []v1alpha1.OCPPEVSE, prev map[int]map[string]any, in *cel.Input) evaluation {
	out := evaluation{signals: make(map[int]map[string]any, len(conns))}
	for i, c := range conns {
		one := *in
		one.ConnectorID = c.ConnectorID
		one.Prev = prev[i]
		ev := m.Evaluate(&one)
		if len(conns) > 1 {
			for j := range ev.Errors {
				ev.Errors[j] = fmt.Errorf("connector %d/%d: %w", c.ID, c.ConnectorID, ev.Errors[j])
			}
		}
		out.signals[i] = ev.Signals
		if len(ev.Unknown) > 0 {
			if out.unknown == nil {
				out.unknown = map[int]map[string]string{}
			}
			out.unknown[i] = maps.Clone(ev.Unknown)
		}
		out.errs = append(out.errs, ev.Errors...)
	}
	return out
}

// lastInput is the newest read, or an empty input before the first.
// lastReadStarted is when the read behind lastInput began.
func (p *poller) lastReadStarted() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastStarted
}

func (p *poller) lastInput() *cel.Input {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		return &cel.Input{}
	}
	return p.last
}
