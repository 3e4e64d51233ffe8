package conform

import (
	"os"
	"testing"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestMain fails the run if the tests leave goroutines running.
func TestMain(m *testing.M) { os.Exit(testutil.RunCheckingLeaks(m)) }
