package controllers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

// TestManagerReadiness: not ready before Run, ready once the caches are
// synced and the workers run, and not ready again once stopped, each
// time saying why.
func TestManagerReadiness(t *testing.T) {
	st := openStore(t, store.Options{})
	m := NewManager(st, testLogger(t))
	if err := m.Add(NewController("charger", "Charger", newCalls(nil), ControllerOptions{})); err != nil {
		t.Fatal(err)
	}
	if err := m.Ready(); err == nil || !strings.Contains(err.Error(), "not started") {
		t.Fatalf("before Run: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	testutil.Eventually(t, waitTimeout, "the manager to be ready", func() string {
		if err := m.Ready(); err != nil {
			return err.Error()
		}
		return ""
	})
	cancel()
	select {
	case <-done:
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return")
	}
	if err := m.Ready(); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("after stop: %v", err)
	}
}
