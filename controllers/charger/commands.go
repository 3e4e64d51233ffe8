package charger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// commandCap bounds one command, queueing included. The drivers bound each
// write by their timeouts and retries; this only keeps a caller from
// waiting forever behind a stuck device.
const commandCap = 30 * time.Second

// keepAliveCommand is the template command run periodically.
const keepAliveCommand = "keepAlive"

// commandLoop is the only writer to a charger's device. Sessions,
// availability, smart charging, the operator's manual commands and the
// template's periodic keepAlive all go through it, one at a time, and each
// caller gets the command's real outcome.
type commandLoop struct {
	p      *poller
	reqs   chan *commandReq
	period time.Duration // keepAlive's; 0 when the template has none
	done   chan struct{}
	// wrote is when a command other than keepAlive last wrote to the
	// device. keepAlive rewrites values as read (Alfen's setpoint), so it
	// waits for a read begun after that write: from an older read it would
	// undo the command (a stop, a start, a new limit).
	wrote time.Time
}

type commandReq struct {
	ctx       context.Context
	name      string
	connector int
	args      cel.Args
	result    chan error
}

func newCommandLoop(p *poller) *commandLoop {
	return &commandLoop{p: p, reqs: make(chan *commandReq), period: p.keepAlive,
		done: make(chan struct{})}
}

func (l *commandLoop) run(ctx context.Context) {
	defer close(l.done)
	var tick <-chan time.Time
	if l.period > 0 {
		t := time.NewTicker(l.period)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-l.reqs:
			err := l.exec(r.ctx, r.name, r.connector, r.args)
			if err == nil {
				l.wrote = time.Now()
			}
			r.result <- err
		case <-tick:
			// A keepAlive to a device that does not answer would only cost
			// the bus a timeout; it resumes once the device answers again.
			// The command that wrote since the last read refreshed the
			// device itself.
			if l.p.state.reachable() && l.p.lastReadStarted().After(l.wrote) {
				l.exec(ctx, keepAliveCommand, l.firstConnector(), cel.Args{})
			}
		}
	}
}

func (l *commandLoop) firstConnector() int {
	l.p.state.mu.Lock()
	defer l.p.state.mu.Unlock()
	if len(l.p.state.connectors) == 0 {
		return 1
	}
	return l.p.state.connectors[0].ConnectorID
}

// do hands one command to the loop and waits for its outcome.
func (l *commandLoop) do(ctx context.Context, name string, connector int, args cel.Args) error {
	ctx, cancel := context.WithTimeout(ctx, commandCap)
	defer cancel()
	r := &commandReq{ctx: ctx, name: name, connector: connector, args: args, result: make(chan error, 1)}
	select {
	case l.reqs <- r:
	case <-ctx.Done():
		return fmt.Errorf("%w: waiting for the command loop: %w", ErrTimeout, ctx.Err())
	case <-l.done:
		return ErrNoDevice
	}
	select {
	case err := <-r.result:
		return err
	case <-l.done:
		return ErrNoDevice
	}
}

// exec computes a command's writes from the newest read and runs them,
// then records the outcome.
func (l *commandLoop) exec(ctx context.Context, name string, connector int, args cel.Args) error {
	err := l.write(ctx, name, connector, args)
	l.p.state.met.CommandDone(l.p.state.name, name, CommandResult(err))
	l.record(name, err)
	return err
}

func (l *commandLoop) write(ctx context.Context, name string, connector int, args cel.Args) error {
	one := *l.p.lastInput()
	one.ConnectorID = connector
	writes, err := l.p.mapping.EvalCommand(name, &one, args)
	switch {
	case errors.Is(err, cel.ErrUnsupported):
		return err
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNoData, err)
	case len(writes) == 0:
		return nil // the template decided there is nothing to write now
	}
	return l.p.dev.Write(ctx, writes)
}

// record keeps each command's outcome in status.device.commands, writing
// only when the outcome changes: a keepAlive that keeps succeeding costs no
// store write.
func (l *commandLoop) record(name string, err error) {
	res, msg := CommandResult(err), ""
	if err != nil {
		msg = describe(err)
	}
	s := l.p.state
	s.mu.Lock()
	old, seen := s.commands[name]
	s.mu.Unlock()
	if seen && old.Result == res && old.Message == msg {
		return
	}
	if err != nil && s.log != nil {
		s.log.Warn("device command failed", "charger", s.name, "command", name, "result", res, "err", msg)
	}
	s.update(func(d *deviceState) {
		if d.commands == nil {
			d.commands = map[string]v1alpha1.CommandStatus{}
		}
		d.commands[name] = v1alpha1.CommandStatus{Result: res, Message: msg, Since: d.now().UTC().Format(time.RFC3339)}
	})
}

// CommandResult names a command's outcome as status.device.commands and
// the API report it.
func CommandResult(err error) string {
	switch {
	case err == nil:
		return v1alpha1.CommandDone
	case errors.Is(err, ErrUnsupported):
		return v1alpha1.CommandUnsupported
	case errors.Is(err, ErrRejected):
		return v1alpha1.CommandRejected
	case errors.Is(err, ErrTimeout):
		return v1alpha1.CommandTimeout
	}
	return v1alpha1.CommandFailed
}
