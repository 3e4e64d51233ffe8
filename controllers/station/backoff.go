package station

import (
	"math/rand/v2"
	"time"
)

// Backoff is the reconnect schedule of OCPP 2.0.1 Part 4 §5.3: the first
// wait is RetryBackOffWaitMinimum plus a random part of up to
// RetryBackOffRandomRange; every further failed attempt doubles the wait,
// RetryBackOffRepeatTimes times at most, after which it stays at the last
// value. A successful connection resets it.
//
// Each station draws its own random part, so a CSMS restart does not bring
// a hundred stations back in lockstep.
type Backoff struct {
	WaitMinimum time.Duration
	RandomRange time.Duration
	RepeatTimes int

	attempt int
	rnd     *rand.Rand
}

// NewBackoff returns a schedule whose random parts come from seed; stations
// pass distinct seeds (their names hashed, or a random value).
func NewBackoff(minWait, randomRange time.Duration, repeat int, seed uint64) *Backoff {
	return &Backoff{WaitMinimum: minWait, RandomRange: randomRange, RepeatTimes: repeat,
		rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Next returns the wait before the next connection attempt.
func (b *Backoff) Next() time.Duration {
	wait := b.WaitMinimum
	if b.RandomRange > 0 {
		wait += time.Duration(b.rnd.Int64N(int64(b.RandomRange) + 1))
	}
	doublings := min(b.attempt, b.RepeatTimes)
	for range doublings {
		if wait > time.Hour {
			break // a misconfiguration must not overflow into a negative wait
		}
		wait *= 2
	}
	b.attempt++
	return wait
}

// Reset starts the schedule over, after a connection was accepted.
func (b *Backoff) Reset() { b.attempt = 0 }
