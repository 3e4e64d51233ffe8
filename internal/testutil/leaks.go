package testutil

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// unstoppable is the goroutine a dependency starts and cannot stop.
var unstoppable = goleak.IgnoreTopFunction("gopkg.in/natefinch/lumberjack%2ev2.(*Logger).millRun")

// RunCheckingLeaks runs m's tests and returns the exit code for os.Exit.
// When they passed, it then waits a grace period for the goroutines they
// started to return and fails the run, listing their stacks, if some are
// still running. Goroutines running before the tests (package init) are
// not counted, nor lumberjack's mill goroutine: lumberjack v2.2.1 starts it
// at a log file's first rotation and has no way to stop it (Close leaves
// it running). A package's TestMain calls it:
//
//	func TestMain(m *testing.M) { os.Exit(testutil.RunCheckingLeaks(m)) }
func RunCheckingLeaks(m *testing.M) int {
	before := goleak.IgnoreCurrent()
	code := m.Run()
	if code != 0 {
		return code // the failures say more than any leak would
	}
	if err := goleak.Find(before, unstoppable); err != nil {
		fmt.Fprintf(os.Stderr, "goroutines still running after the tests passed: %v\n", err)
		return 1
	}
	return 0
}
