package testutil

import (
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWritesAreAllKept: writes from many goroutines all land,
// whole (run with -race to see the locking).
func TestConcurrentWritesAreAllKept(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				b.Write([]byte("line\n"))
			}
		}()
	}
	wg.Wait()
	if n := strings.Count(b.String(), "line\n"); n != 800 {
		t.Fatalf("%d lines kept, want 800", n)
	}
}
