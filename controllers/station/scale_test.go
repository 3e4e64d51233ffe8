package station

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// TestReconnectSpreadAfterCSMSRestart: 100 stations register with one
// CSMS, which then drops every connection and listens again on the same
// port. Every station reconnects exactly once and is Registered again;
// none reconnects sooner than RetryBackOffWaitMinimum after its drop, and
// the reconnects spread over RetryBackOffRandomRange instead of arriving
// together. What is checked is how the reconnects are distributed, never
// how fast anything ran: a slow machine only delays them further.
func TestReconnectSpreadAfterCSMSRestart(t *testing.T) {
	const n = 100
	const waitMinimum, randomRange = time.Second, 4 * time.Second
	cs := startRPCCSMS(t)
	spec := csmsSpec()
	repeat := 2
	spec.RetryBackOff = v1alpha1.RetryBackOff{WaitMinimum: "1s", RandomRange: "4s", RepeatTimes: &repeat}
	f := stationFixture(t, cs.url(), spec)
	names, ids, _ := createChargers(f, "GW-SCALE", n, nil)
	waitRegistered(f, names)
	fixture.Within(t, time.Minute, "every station to report its connector", func() string { return cs.notReady(ids) })
	for _, id := range ids {
		if k := len(cs.connections(id)); k != 1 {
			t.Fatalf("%s connected %d times before the CSMS restart, want 1", id, k)
		}
	}

	dropped := cs.stop()
	if err := cs.start(); err != nil {
		t.Fatal(err)
	}
	if len(dropped) != n {
		t.Fatalf("the CSMS dropped %d connections, want %d", len(dropped), n)
	}
	fixture.Within(t, time.Minute, "every station to reconnect", func() string {
		for _, id := range ids {
			if len(cs.connections(id)) < 2 {
				return id + " has not reconnected"
			}
		}
		return ""
	})
	// Each station queued its Offline status before it started to wait;
	// once that is written, Registered can only come from the reconnect.
	if err := f.Store.Flush(); err != nil {
		t.Fatal(err)
	}
	waitRegistered(f, names)
	checkSpread(t, reconnectOffsets(t, cs, ids, dropped, waitMinimum), randomRange)
	if fails := cs.failures(); len(fails) > 0 {
		t.Errorf("frames failing the schemas: %v", fails)
	}
}

// createChargers creates n chargers with one connector each, station ids
// prefix-000 on and names the same in lower case, edited by edit if not nil.
func createChargers(f *fixture.Fixture, prefix string, n int, edit func(*v1alpha1.ChargerSpec)) (names, ids []string, specs []v1alpha1.ChargerSpec) {
	for i := range n {
		ids = append(ids, fmt.Sprintf("%s-%03d", prefix, i))
		names = append(names, strings.ToLower(ids[i]))
		specs = append(specs, charger(ids[i], 1))
		if edit != nil {
			edit(&specs[i])
		}
		f.Create(Kind, names[i], specs[i])
	}
	return names, ids, specs
}

func waitRegistered(f *fixture.Fixture, names []string) {
	f.T.Helper()
	for _, name := range names {
		f.WaitCondition(Kind, name, ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	}
}

// reconnectOffsets returns how long after its drop each station
// reconnected, failing for a station that reconnected more than once or
// sooner than waitMinimum.
func reconnectOffsets(t *testing.T, cs *rpcCSMS, ids []string, dropped map[string]time.Time, waitMinimum time.Duration) []time.Duration {
	t.Helper()
	offsets := make([]time.Duration, 0, len(ids))
	for _, id := range ids {
		conns := cs.connections(id)
		if len(conns) != 2 {
			t.Errorf("%s connected %d times, want once before and once after the restart", id, len(conns))
			continue
		}
		off := conns[1].Sub(dropped[id])
		if off < waitMinimum {
			t.Errorf("%s reconnected %v after its drop, before RetryBackOffWaitMinimum %v", id, off, waitMinimum)
		}
		offsets = append(offsets, off)
	}
	return offsets
}

// checkSpread fails unless the reconnect offsets cover at least half of
// randomRange and fill most of its eighths, none holding more than 40 %:
// stations in lockstep would all land in one.
func checkSpread(t *testing.T, offsets []time.Duration, randomRange time.Duration) {
	t.Helper()
	if len(offsets) == 0 {
		t.Fatal("no reconnects to judge")
	}
	slices.Sort(offsets)
	lo, hi := offsets[0], offsets[len(offsets)-1]
	width := randomRange / 8
	buckets := map[int]int{}
	for _, off := range offsets {
		buckets[int((off-lo)/width)]++
	}
	t.Logf("reconnects %v to %v after the drop, in %d buckets of %v: %v", lo, hi, len(buckets), width, buckets)
	if hi-lo < randomRange/2 {
		t.Errorf("reconnects span only %v, want at least half the random range %v", hi-lo, randomRange)
	}
	if len(buckets) < 6 {
		t.Errorf("reconnects fall into %d buckets of %v, want at least 6", len(buckets), width)
	}
	for b, k := range buckets {
		if k > len(offsets)*2/5 {
			t.Errorf("%d of %d reconnects within %v of each other (bucket %d)", k, len(offsets), width, b)
		}
	}
}

// TestNoGoroutineLeakPerReconnect: 1,000 connections the CSMS drops right
// after the station's StatusNotification, followed by stations stopped and
// started again by deleting and re-creating their Charger, leave the
// goroutine count where it was. Stopping the controllers leaves no station
// goroutine at all.
func TestNoGoroutineLeakPerReconnect(t *testing.T) {
	const stations, cycles, recreates = 10, 1000, 20
	cs := startRPCCSMS(t)
	t.Run("cycles", func(t *testing.T) {
		spec := csmsSpec()
		zero := 0
		// Zero back-off: the stations redial at once (Backoff.Next is 0).
		spec.RetryBackOff = v1alpha1.RetryBackOff{WaitMinimum: "0s", RandomRange: "0s", RepeatTimes: &zero}
		f := stationFixture(t, cs.url(), spec)
		names, ids, specs := createChargers(f, "GW-LEAK", stations, func(s *v1alpha1.ChargerSpec) {
			// With OfflineThreshold 0 every reconnect counts as a long
			// outage, so the station reports its connector again
			// (B04.FR.01): that StatusNotification is the CSMS's cue to drop.
			s.OCPP.Variables = []v1alpha1.OCPPVariable{{Component: "OCPPCommCtrlr", Variable: "OfflineThreshold", Value: "0"}}
		})
		fixture.Within(t, time.Minute, "stations connected and idle", func() string { return cs.notReady(ids) })
		dropUntil(t, cs, ids, 2*stations) // pools, timers and caches exist before the baseline
		f.Settle()
		before := settleGoroutines(0)

		dropUntil(t, cs, ids, cycles)
		for range recreates {
			recreate(t, f, cs, names[0], specs[0], ids)
		}
		f.Settle()
		after := settleGoroutines(before)
		t.Logf("%d connections in all; %d goroutines before the reconnects and re-creates, %d after", cs.accepted(), before, after)
		if after > before {
			t.Fatalf("%d goroutines before %d reconnects and %d re-creates, %d after:\n%s", before, cycles, recreates, after,
				strings.Join(stationGoroutineStacks(), "\n\n"))
		}
		if fails := cs.failures(); len(fails) > 0 {
			t.Errorf("frames failing the schemas: %v", fails)
		}
	})
	// The subtest's cleanup stopped the fixture; the controller's OnStop
	// must have stopped every station and closed its connection.
	fixture.Within(t, 10*time.Second, "station goroutines to end", func() string {
		if left := stationGoroutineStacks(); len(left) > 0 {
			return fmt.Sprintf("%d left:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		return ""
	})
}

// dropUntil drops the idle stations once; from then on the CSMS drops each
// reconnect once its StatusNotification is answered, until k more
// connections were made. It returns with every station connected and idle.
func dropUntil(t *testing.T, cs *rpcCSMS, ids []string, k int) {
	t.Helper()
	start := cs.accepted()
	cs.setDrop(true)
	cs.closeConns()
	fixture.Within(t, 2*time.Minute, fmt.Sprintf("%d reconnects", k), func() string {
		if got := cs.accepted() - start; got < k {
			return fmt.Sprintf("%d so far", got)
		}
		return ""
	})
	cs.setDrop(false)
	fixture.Within(t, time.Minute, "stations connected and idle", func() string { return cs.notReady(ids) })
}

// recreate deletes a charger, waits until its station closed the
// connection, creates the charger again and waits until its new station
// is connected and idle.
func recreate(t *testing.T, f *fixture.Fixture, cs *rpcCSMS, name string, spec v1alpha1.ChargerSpec, ids []string) {
	t.Helper()
	id := spec.OCPP.StationID
	c, k := cs.conn(id), len(cs.connections(id))
	f.Delete(Kind, name)
	select {
	case <-c.Done():
	case <-time.After(time.Minute):
		t.Fatalf("the station of deleted charger %s kept its connection", name)
	}
	f.Create(Kind, name, spec)
	fixture.Within(t, time.Minute, "the re-created station to connect", func() string {
		if len(cs.connections(id)) == k {
			return "no new connection"
		}
		return cs.notReady(ids)
	})
}

// settleGoroutines waits for exiting goroutines to finish, bounded by
// 10 s. With a target it returns once the count is at most target; with
// target 0 once the count has not fallen for 200 ms.
func settleGoroutines(target int) int {
	n := runtime.NumGoroutine()
	low, since := n, time.Now()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if target > 0 && n <= target || target == 0 && time.Since(since) >= 200*time.Millisecond {
			break
		}
		time.Sleep(10 * time.Millisecond)
		if n = runtime.NumGoroutine(); n < low {
			low, since = n, time.Now()
		}
	}
	return n
}
