package testutil

import (
	"testing"
	"time"
)

// Eventually polls check until it returns "" (met) or timeout passes; then
// it fails the test with the last thing check said was wrong. It polls
// often at first and backs off to every 200 ms, so a costly check (an API
// list) does not load the processes under test. It orders steps; it does
// not measure them.
func Eventually(t testing.TB, timeout time.Duration, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for pause := 5 * time.Millisecond; ; pause = min(2*pause, 200*time.Millisecond) {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", timeout, what, msg)
		}
		time.Sleep(pause)
	}
}

// Holds adapts a condition without a story to Eventually: its message
// while cond is false is "not yet".
func Holds(cond func() bool) func() string {
	return func() string {
		if cond() {
			return ""
		}
		return "not yet"
	}
}
