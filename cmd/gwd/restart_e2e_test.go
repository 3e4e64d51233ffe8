package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// TestRestartWaitsForTheStoreLock: a gwd started while the old one still
// holds state.db (frozen here with SIGSTOP, so the old one cannot finish
// first) waits for the lock and says so, and comes up once the old one has
// stopped, instead of failing on the lock.
func TestRestartWaitsForTheStoreLock(t *testing.T) {
	dir := t.TempDir()
	old := startGwd(t, dir)
	if err := old.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer old.cmd.Process.Signal(syscall.SIGCONT)

	logs := &syncBuffer{}
	next := exec.Command(filepath.Join(binDir, "gwd"), "--data-dir", dir, "--api-listen", "127.0.0.1:0")
	next.Stderr = logs
	if err := next.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- next.Wait() }()
	defer func() {
		next.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	fixture.Within(t, 30*time.Second, "the new gwd to say it waits for the store lock", func() string {
		select {
		case err := <-exited:
			t.Fatalf("the new gwd exited while the old one held the lock: %v\n%s", err, logs)
		default:
		}
		if !strings.Contains(logs.String(), "locked by another process") {
			return "no such log yet:\n" + logs.String()
		}
		return ""
	})
	old.cmd.Process.Signal(syscall.SIGCONT)
	old.stop(t)
	fixture.Within(t, 30*time.Second, "the new gwd to start once the old one stopped", func() string {
		select {
		case err := <-exited:
			t.Fatalf("the new gwd exited: %v\n%s", err, logs)
		default:
		}
		if !strings.Contains(logs.String(), "gwd started") {
			return "not started yet:\n" + logs.String()
		}
		return ""
	})
	if !strings.Contains(logs.String(), "store lock taken") {
		t.Errorf("the new gwd does not say it took the lock:\n%s", logs)
	}
}
