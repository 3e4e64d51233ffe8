package station

import (
	"context"
	"errors"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// sessionClock keeps what the session loop waits for besides its
// channels: the next heartbeat, the outbox's next retry and the next
// clock-aligned meter values. One timer, armed for the earliest, rings
// tick; it is re-armed only when that time changes, so an exchange that
// changes none of them costs no timer work, and the loop selects on no
// timer channel (a timer channel in a select is added to and taken off
// the timer heap at every wait).
type sessionClock struct {
	tick  chan struct{}
	timer *time.Timer
	armed time.Time // what the timer is set for

	// Heartbeats keep their own schedule: a wake for a status change or a
	// CSMS request must not push the next one back, or a charger whose
	// readings change at every poll would never send one. A new
	// HeartbeatInterval counts from the last heartbeat.
	hbEvery time.Duration
	hbLast  time.Time
	retry   time.Time // zero: the outbox waits for nothing
	aligned alignedTimer
	// model is the device model's Changes when the intervals were read:
	// they are read again only when it moved.
	model uint64
}

func newSessionClock(s *Station) *sessionClock {
	k := &sessionClock{tick: make(chan struct{}, 1), model: s.model.Changes(), hbEvery: s.heartbeatInterval(), hbLast: time.Now()}
	k.aligned.update(s)
	k.armed = k.hbLast.Add(k.hbEvery)
	tick := k.tick
	k.timer = time.AfterFunc(k.hbEvery, func() { signal(tick) })
	return k
}

func (k *sessionClock) stop() { k.timer.Stop() }

// arm follows the model's intervals and the outbox as they are now and
// sets the timer for the earliest time due.
func (k *sessionClock) arm(s *Station) {
	k.retry = time.Time{}
	if due := s.outboxDue(); !due.IsZero() {
		k.retry = latest(due, time.Now().Add(time.Millisecond))
	}
	if n := s.model.Changes(); n != k.model {
		k.model = n
		k.aligned.update(s)
		k.hbEvery = s.heartbeatInterval()
	}
	next := k.hbLast.Add(k.hbEvery)
	for _, t := range [...]time.Time{k.retry, k.aligned.next} {
		if !t.IsZero() && t.Before(next) {
			next = t
		}
	}
	if !next.Equal(k.armed) {
		k.armed = next
		k.timer.Reset(time.Until(next))
	}
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// due sends what the tick found due: a heartbeat, or else the aligned
// meter values (the other, if due too, rings again at once). A retry due
// needs nothing: the loop drains the outbox before it waits.
func (k *sessionClock) due(ctx context.Context, c *rpc.Conn, s *Station) error {
	now := time.Now()
	switch {
	case !now.Before(k.hbLast.Add(k.hbEvery)):
		err := s.heartbeat(ctx, c)
		k.hbLast = time.Now()
		// Statuses the CSMS refused or did not answer are sent again
		// with each heartbeat, even when nothing changed.
		return errors.Join(err, s.sendStatuses(ctx, c, s.reporter.Changed(s.connectorStatuses())))
	case !k.aligned.next.IsZero() && !now.Before(k.aligned.next):
		err := s.sendMeterValues(0, ocpp.ReadingContextSampleClock)(ctx, c)
		k.aligned.fired(s)
		return err
	}
	return nil
}
