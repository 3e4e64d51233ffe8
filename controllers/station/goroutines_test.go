package station

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// TestIdleStationCostsTwoGoroutines: a connected, idle station holds its
// Run goroutine and its connection's reader, nothing more (issue 13: at
// most 2 goroutines per station). Session steps run only while there is
// one to take.
func TestIdleStationCostsTwoGoroutines(t *testing.T) {
	const n = 10
	cs := startRPCCSMS(t)
	f := stationFixture(t, cs.url(), csmsSpec())
	f.Settle()
	before := len(stationGoroutineStacks())
	_, ids, _ := createChargers(f, "GW-GOR", n, nil)
	fixture.Within(t, time.Minute, "stations connected and idle", func() string { return cs.notReady(ids) })
	f.Settle()
	fixture.Within(t, 10*time.Second, "at most 2 goroutines per idle station", func() string {
		stacks := stationGoroutineStacks()
		if extra := len(stacks) - before; extra > 2*n {
			return fmt.Sprintf("%d station goroutines for %d stations:\n%s", extra, n, strings.Join(stacks, "\n\n"))
		}
		return ""
	})
}
