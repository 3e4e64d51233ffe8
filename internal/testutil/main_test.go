package testutil

import (
	"os"
	"testing"
)

// TestMain fails the run if the tests leave goroutines running.
func TestMain(m *testing.M) { os.Exit(RunCheckingLeaks(m)) }
