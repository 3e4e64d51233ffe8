package charger

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/cel"
)

// poller reads one charger's device every interval and turns what it read
// into signals. It writes only through deviceState, and only when something
// changed, so a steady charger costs no store write.
type poller struct {
	state    *deviceState
	dev      Device
	mapping  *cel.Mapping
	interval time.Duration
	timeout  time.Duration
	// templateRef and protocol describe the mapping, for Probe.
	templateRef, protocol string

	cancel context.CancelFunc
	done   chan struct{}

	mu   sync.Mutex
	last *cel.Input // the newest successful read, for commands
}

func (p *poller) start() {
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.done = cancel, make(chan struct{})
	go p.run(ctx)
}

// stop ends the poll loop and closes the device; it waits for a poll in
// flight, so the old device is never used after a swap.
func (p *poller) stop() {
	p.cancel()
	<-p.done
	p.dev.Close()
}

func (p *poller) run(ctx context.Context) {
	defer close(p.done)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		p.poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// poll reads once. A failure counts towards FailureThreshold; a success
// clears the count and evaluates every signal of every connector.
func (p *poller) poll(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, p.timeout)
	in, err := p.dev.Read(rctx)
	cancel()
	if ctx.Err() != nil {
		return // stopped mid-read: not the device's fault
	}
	if err != nil {
		p.state.update(func(d *deviceState) {
			d.failures++
			d.lastErr, d.lastErrAt = err, d.now()
		})
		return
	}
	p.mu.Lock()
	p.last = in
	p.mu.Unlock()
	signals, evalErrs := p.evaluate(in)
	p.state.mu.Lock()
	changed := !p.state.polled || p.state.failures > 0 || !reflect.DeepEqual(signals, p.state.signals) ||
		fmt.Sprint(evalErrs) != fmt.Sprint(p.state.evalErrs)
	p.state.mu.Unlock()
	if changed {
		p.state.update(func(d *deviceState) {
			d.polled, d.failures, d.lastErr = true, 0, nil
			d.signals, d.evalErrs = signals, evalErrs
		})
	}
}

// evaluate runs the mapping once per connector of the layout.
func (p *poller) evaluate(in *cel.Input) (map[int]map[string]any, []error) {
	p.state.mu.Lock()
	conns := p.state.connectors
	prev := p.state.signals
	p.state.mu.Unlock()
	out := make(map[int]map[string]any, len(conns))
	var errs []error
	for i, c := range conns {
		one := *in
		one.ConnectorID = c.ConnectorID
		one.Prev = prev[i]
		s, e := p.mapping.EvalSignals(&one)
		if len(conns) > 1 {
			for j := range e {
				e[j] = fmt.Errorf("connector %d/%d: %w", c.ID, c.ConnectorID, e[j])
			}
		}
		out[i] = s
		errs = append(errs, e...)
	}
	return out, errs
}

// command runs one canonical command through the mapping and the device.
func (p *poller) command(ctx context.Context, name string, connector int, args cel.Args) error {
	p.mu.Lock()
	in := p.last
	p.mu.Unlock()
	if in == nil {
		in = &cel.Input{} // commands that need no read values still work before the first poll
	}
	one := *in
	one.ConnectorID = connector
	writes, err := p.mapping.EvalCommand(name, &one, args)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	return p.dev.Write(ctx, writes)
}
