package charger

import (
	"testing"
	"time"
)

// Pollers of one interval share their slots, whenever each started: the
// slot of an instant starts at or before it, less than an interval before,
// and the slots of an interval are one interval apart.
func TestSlotsAreSharedByPollersOfAnInterval(t *testing.T) {
	for _, interval := range []time.Duration{time.Second, 1500 * time.Millisecond, 5 * time.Second} {
		base := slot(time.Now(), interval)
		for _, after := range []time.Duration{0, time.Millisecond, interval / 3, interval - time.Nanosecond,
			interval, 7*interval + interval/2} {
			at := base.Add(after)
			got := slot(at, interval)
			if got.After(at) || at.Sub(got) >= interval {
				t.Fatalf("interval %v: slot of %v after the base is %v after it", interval, after, got.Sub(base))
			}
			if want := base.Add(after / interval * interval); !got.Equal(want) {
				t.Fatalf("interval %v: slot of %v after the base is %v after it, want %v", interval, after,
					got.Sub(base), want.Sub(base))
			}
		}
	}
}
