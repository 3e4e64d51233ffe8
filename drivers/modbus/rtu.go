package modbus

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Arbiter owns one RS-485 line. Its single goroutine sends every request on
// the line, writes before polls, and gives a unit that stopped answering one
// probe per poll, so one dead charger does not cost the other 24 its
// retries on every poll.
// It implements Device and is safe for concurrent use.
type Arbiter struct {
	cfg  BusConfig
	port *serialPort
	tr   *rtuTransport
	now  func() time.Time // dead-unit clock; tests move it

	writes, polls chan *job
	held          *job // a poll taken in the same instant as a write
	stop, done    chan struct{}
	closeOnce     sync.Once
	lastSend      time.Time

	stats counters
	mu    sync.Mutex // guards the fields below
	units map[byte]*unitState
	bus   struct{ retries, canceled uint64 }
}

type job struct {
	ctx  context.Context
	unit byte
	r    request
	call *pollCall // the ReadBlocks call the job belongs to; nil for writes
	done chan jobResult
}

// pollCall is what the blocks of one ReadBlocks call share: whether the unit
// already left a request of this call unanswered. Only the arbiter's
// goroutine touches it.
type pollCall struct {
	unanswered bool
}

type jobResult struct {
	vals []uint16
	err  error
}

var _ Device = (*Arbiter)(nil)

// OpenBus opens the serial line and starts its arbiter.
func OpenBus(cfg BusConfig) (*Arbiter, error) {
	return openBus(cfg, time.Now)
}

func openBus(cfg BusConfig, now func() time.Time) (*Arbiter, error) {
	parity, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	port, err := openSerial(cfg.Device, cfg.BaudRate, parity, cfg.StopBits)
	if err != nil {
		return nil, fmt.Errorf("modbus: open %s: %w", cfg.Device, err)
	}
	a := &Arbiter{
		cfg: cfg, port: port, now: now,
		writes: make(chan *job, cfg.QueueLen), polls: make(chan *job, cfg.QueueLen),
		stop: make(chan struct{}), done: make(chan struct{}),
		units: map[byte]*unitState{},
	}
	tr := &rtuTransport{port: port, device: cfg.Device, guard: cfg.LateReplyGuard, stats: &a.stats,
		t35: interFrameDelay(cfg.BaudRate, bitsPerChar(parity, cfg.StopBits))}
	a.tr = tr
	// Bytes left on the line by a previous owner of the port would be read
	// as the start of the first reply.
	tr.drain()
	go a.loop()
	return a, nil
}

// Close stops the arbiter after the request on the line, fails what is
// queued with ErrClosed and closes the port.
func (a *Arbiter) Close() error {
	var err error
	a.closeOnce.Do(func() {
		close(a.stop)
		<-a.done
		err = a.port.close()
	})
	return err
}

// ReadBlocks implements Device. All blocks are queued at once, one request
// each, so a write queued meanwhile still goes before the remaining blocks.
func (a *Arbiter) ReadBlocks(ctx context.Context, unit byte, blocks []Block) ([]Result, error) {
	results := make([]Result, len(blocks))
	jobs := make([]*job, len(blocks))
	call := &pollCall{}
	for i, b := range blocks {
		results[i].Block = b
		r := readRequest(b)
		if err := checkBlock(b); err != nil {
			results[i].Err = invalid(a.cfg.Device, unit, r, err)
			continue
		}
		jobs[i], results[i].Err = a.enqueue(ctx, unit, r, call, a.polls)
	}
	for i, j := range jobs {
		if j != nil {
			results[i].Values, results[i].Err = a.wait(ctx, j)
		}
	}
	return results, firstErr(results)
}

// WriteRegisters implements Device (FC16).
func (a *Arbiter) WriteRegisters(ctx context.Context, unit byte, addr uint16, words []uint16) error {
	r, err := writeRegistersRequest(addr, words)
	if err != nil {
		return invalid(a.cfg.Device, unit, r, err)
	}
	return a.write(ctx, unit, r)
}

// WriteRegister implements Device (FC06).
func (a *Arbiter) WriteRegister(ctx context.Context, unit byte, addr uint16, word uint16) error {
	return a.write(ctx, unit, request{fc: fcWriteRegister, addr: addr, count: 1, words: []uint16{word}})
}

// WriteCoil implements Device (FC05).
func (a *Arbiter) WriteCoil(ctx context.Context, unit byte, addr uint16, on bool) error {
	return a.write(ctx, unit, request{fc: fcWriteCoil, addr: addr, count: 1, on: on})
}

// WriteCoils implements Device (FC15).
func (a *Arbiter) WriteCoils(ctx context.Context, unit byte, addr uint16, values []bool) error {
	r, err := writeCoilsRequest(addr, values)
	if err != nil {
		return invalid(a.cfg.Device, unit, r, err)
	}
	return a.write(ctx, unit, r)
}

func (a *Arbiter) write(ctx context.Context, unit byte, r request) error {
	j, err := a.enqueue(ctx, unit, r, nil, a.writes)
	if err != nil {
		return err
	}
	_, err = a.wait(ctx, j)
	return err
}

// enqueue hands a request to the arbiter. Broadcast (unit 0) is refused:
// nothing answers it, so its success could not be reported truthfully.
func (a *Arbiter) enqueue(ctx context.Context, unit byte, r request, call *pollCall, q chan *job) (*job, error) {
	if unit < 1 || unit > 247 {
		return nil, invalid(a.cfg.Device, unit, r, fmt.Errorf("RTU unit id %d outside 1..247", unit))
	}
	j := &job{ctx: ctx, unit: unit, r: r, call: call, done: make(chan jobResult, 1)}
	select {
	case <-a.stop:
		return nil, a.closedErr(j)
	default:
	}
	select {
	case q <- j:
		return j, nil
	case <-ctx.Done():
		return nil, canceled(a.cfg.Device, unit, r, ctx.Err())
	case <-a.stop:
		return nil, a.closedErr(j)
	}
}

// wait returns the job's outcome. A caller that gives up leaves the job to
// be skipped, or its reply dropped into the buffered channel.
func (a *Arbiter) wait(ctx context.Context, j *job) ([]uint16, error) {
	select {
	case res := <-j.done:
		return res.vals, res.err
	case <-ctx.Done():
		return nil, canceled(a.cfg.Device, j.unit, j.r, ctx.Err())
	case <-a.done:
		// The loop has stopped; a job queued after its final sweep gets no
		// reply from it.
		select {
		case res := <-j.done:
			return res.vals, res.err
		default:
			return nil, a.closedErr(j)
		}
	}
}

func (a *Arbiter) closedErr(j *job) error {
	return &Error{Device: a.cfg.Device, Unit: j.unit, Function: j.r.fc, Address: j.r.addr, Count: j.r.count, Kind: KindClosed}
}

func (a *Arbiter) loop() {
	defer close(a.done)
	for {
		j := a.next()
		if j == nil {
			break
		}
		a.run(j)
	}
	// Fail what is still queued so no caller waits for a closed line.
	for _, q := range []chan *job{a.writes, a.polls} {
		for len(q) > 0 {
			j := <-q
			j.done <- jobResult{err: a.closedErr(j)}
		}
	}
	if a.held != nil {
		a.held.done <- jobResult{err: a.closedErr(a.held)}
	}
}

// next picks the next job: any queued write, then a held poll, then
// whichever comes first. nil means stop.
func (a *Arbiter) next() *job {
	select {
	case <-a.stop:
		return nil
	case j := <-a.writes:
		return j
	default:
	}
	if j := a.held; j != nil {
		a.held = nil
		return j
	}
	select {
	case <-a.stop:
		return nil
	case j := <-a.writes:
		return j
	case j := <-a.polls:
		// select picks at random among ready cases; keep the order strict.
		select {
		case w := <-a.writes:
			a.held = j
			return w
		default:
			return j
		}
	}
}
