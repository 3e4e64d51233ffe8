package main

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/internal/testutil"
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

	logs := &testutil.Buffer{}
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
	stillRunning := func() {
		select {
		case err := <-exited:
			t.Fatalf("the new gwd exited: %v\n%s", err, logs)
		default:
		}
	}
	fixture.Within(t, 30*time.Second, "the new gwd to say it waits for the store lock", func() string {
		stillRunning()
		if !strings.Contains(logs.String(), "locked by another process") {
			return "no such log yet:\n" + logs.String()
		}
		return ""
	})
	old.cmd.Process.Signal(syscall.SIGCONT)
	old.stop(t)
	fixture.Within(t, 30*time.Second, "the new gwd to start once the old one stopped", func() string {
		stillRunning()
		if !strings.Contains(logs.String(), "gwd started") {
			return "not started yet:\n" + logs.String()
		}
		return ""
	})
	if !strings.Contains(logs.String(), "store lock taken") {
		t.Errorf("the new gwd does not say it took the lock:\n%s", logs)
	}
}

// TestReadyzOnceControllersRun: gwd's /readyz checks its controllers as
// well as the store, and turns ready once they run on synced caches.
func TestReadyzOnceControllersRun(t *testing.T) {
	d := startGwd(t, t.TempDir())
	defer d.stop(t)
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fixture.Within(t, 30*time.Second, "gwd to be ready", func() string {
		resp, err := d.httpClient(t).Get(cfg.Server + "/readyz?verbose")
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "[+]controllers ok") || !strings.Contains(string(body), "[+]store ok") {
			return fmt.Sprintf("%d %s", resp.StatusCode, body)
		}
		return ""
	})
}
