package station

import (
	"sync"
	"time"
)

// stepper runs a station's session steps (stepAll) on a goroutine that
// exists only while there is a step to take: at each kick (an observation,
// a CSMS request that changed a machine) and at the machines' due times.
// An idle station then costs its Run goroutine and its connection's
// reader, not a third goroutine waiting for the next observation.
type stepper struct {
	mu      sync.Mutex
	step    func() time.Time // one step; the next due time, zero for none
	started bool
	running bool // a goroutine steps now
	again   bool // a kick arrived while it stepped
	stopped bool
	timer   *time.Timer
	wg      sync.WaitGroup
}

// idleStep is how long the stepper waits with nothing due: a step every
// hour, as a safety net against a kick lost to a bug.
const idleStep = time.Hour

// start takes the first step at once and steps from then on. A kick
// before start is covered by that first step.
func (p *stepper) start(step func() time.Time) {
	p.mu.Lock()
	p.step, p.started = step, true
	p.mu.Unlock()
	p.kick()
}

// kick asks for a step as soon as possible. It never blocks: a kick while
// a step runs makes that goroutine step once more.
func (p *stepper) kick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.started || p.stopped:
	case p.running:
		p.again = true
	default:
		p.running = true
		p.wg.Add(1)
		go p.loop()
	}
}

func (p *stepper) loop() {
	defer p.wg.Done()
	for {
		due := p.step()
		p.mu.Lock()
		if p.again && !p.stopped {
			p.again = false
			p.mu.Unlock()
			continue
		}
		p.running = false
		if !p.stopped {
			wait := idleStep
			if !due.IsZero() {
				wait = max(time.Until(due), 10*time.Millisecond)
			}
			if p.timer == nil {
				p.timer = time.AfterFunc(wait, p.kick)
			} else {
				p.timer.Reset(wait)
			}
		}
		p.mu.Unlock()
		return
	}
}

// stop ends the stepping and waits for a step under way.
func (p *stepper) stop() {
	p.mu.Lock()
	p.stopped = true
	if p.timer != nil {
		p.timer.Stop()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
