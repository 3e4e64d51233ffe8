package station

import (
	"math/rand/v2"
	"time"
)

// DefaultStableAfter is how long a connection must stay up and Accepted
// before the back-off starts over.
const DefaultStableAfter = 60 * time.Second

// Backoff is the reconnect schedule of OCPP 2.0.1 Part 4 §5.3. The wait
// before reconnection attempt n (n = 0 for the first after a stable
// connection) is
//
//	WaitMinimum × 2^min(n, RepeatTimes) + random[0, RandomRange]
//
// §5.3: the first attempt comes after RetryBackOffWaitMinimum plus a random
// value of at most RetryBackOffRandomRange; after every failed attempt the
// previous back-off time is doubled, at most RetryBackOffRepeatTimes times,
// and a new random value is added to every attempt. The random part is
// drawn anew each time and added to the doubled wait, not doubled with it,
// so it spreads stations by up to RandomRange at every step.
//
// A connection that was Accepted and then lost counts as a failed attempt
// unless it stayed up StableAfter: a CSMS that accepts and drops a station
// at once must see the waits grow, not a reconnect every few seconds.
//
// Each station draws its own random part, so a CSMS restart does not bring
// a hundred stations back in lockstep.
type Backoff struct {
	WaitMinimum time.Duration
	RandomRange time.Duration
	RepeatTimes int
	// StableAfter is how long an Accepted connection must last for the
	// schedule to start over when it ends.
	StableAfter time.Duration

	attempt    int
	acceptedAt time.Time
	rnd        *rand.Rand
}

// NewBackoff returns a schedule whose random parts come from seed; stations
// pass distinct seeds (their names hashed, or a random value).
func NewBackoff(minWait, randomRange time.Duration, repeat int, seed uint64) *Backoff {
	return &Backoff{WaitMinimum: minWait, RandomRange: randomRange, RepeatTimes: repeat, StableAfter: DefaultStableAfter,
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Next returns the wait before the next connection attempt.
func (b *Backoff) Next() time.Duration {
	wait := b.WaitMinimum
	for range min(b.attempt, b.RepeatTimes) {
		if wait > time.Hour {
			break // a misconfiguration must not overflow into a negative wait
		}
		wait *= 2
	}
	if b.RandomRange > 0 {
		wait += time.Duration(b.rnd.Int64N(int64(b.RandomRange) + 1))
	}
	b.attempt++
	return wait
}

// Accepted records that the CSMS accepted the station on a connection at at.
func (b *Backoff) Accepted(at time.Time) { b.acceptedAt = at }

// Lost records that the connection ended at at. The schedule starts over
// only when the connection had been Accepted for StableAfter.
func (b *Backoff) Lost(at time.Time) {
	if !b.acceptedAt.IsZero() && at.Sub(b.acceptedAt) >= b.StableAfter {
		b.Reset()
	}
	b.acceptedAt = time.Time{}
}

// Reset starts the schedule over.
func (b *Backoff) Reset() { b.attempt = 0 }
