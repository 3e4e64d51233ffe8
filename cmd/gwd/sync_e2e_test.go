package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/servingcert"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(t *testing.T, c *client.Client, kind string) string {
	t.Helper()
	l, err := c.List(context.Background(), kind, "")
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, o := range l.Items {
		if o.Metadata.Labels[servingcert.ManagedLabel] == "" { // not gwd's own API certificate
			n = append(n, o.Metadata.Name)
		}
	}
	return strings.Join(n, ",")
}

func TestConfigDirSyncOnStartAndSIGHUP(t *testing.T) {
	cfgDir := t.TempDir()
	writeFile(t, filepath.Join(cfgDir, "a.yaml"), secretDoc("s1"))
	writeFile(t, filepath.Join(cfgDir, "b.yaml"), secretDoc("s2"))
	d := startGwd(t, t.TempDir(), "--config-dir", cfgDir)
	c := d.client(t)
	testutil.Eventually(t, 20*time.Second, "s1,s2 applied at start", testutil.Holds(func() bool { return names(t, c, "Secret") == "s1,s2" }))

	// An object applied by hand is not the config directory's to prune.
	if _, err := c.Apply(context.Background(), []byte(secretDoc("manual")), client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(cfgDir, "b.yaml"))
	writeFile(t, filepath.Join(cfgDir, "c.yaml"), secretDoc("s3"))
	d.cmd.Process.Signal(syscall.SIGHUP)
	testutil.Eventually(t, 20*time.Second, "sync after SIGHUP", testutil.Holds(func() bool { return names(t, c, "Secret") == "manual,s1,s3" }))

	// An invalid file rejects the whole sync and keeps what was in force.
	before, _ := c.List(context.Background(), "Secret", "")
	writeFile(t, filepath.Join(cfgDir, "d.yaml"), secretDoc("s4")+"---\nkind: Nope\n")
	os.Remove(filepath.Join(cfgDir, "c.yaml"))
	d.cmd.Process.Signal(syscall.SIGHUP)
	testutil.Eventually(t, 20*time.Second, "error logged for d.yaml", testutil.Holds(func() bool {
		return strings.Contains(d.logs.String(), "not applied") && strings.Contains(d.logs.String(), "d.yaml")
	}))
	after, _ := c.List(context.Background(), "Secret", "")
	if after.Metadata.ResourceVersion != before.Metadata.ResourceVersion || names(t, c, "Secret") != "manual,s1,s3" {
		t.Fatalf("a rejected sync changed the store: %s → %s (%s)", before.Metadata.ResourceVersion, after.Metadata.ResourceVersion, names(t, c, "Secret"))
	}
	d.stop(t)
}

// TestGetWatchPrintsApply runs `gwctl get chargers -w` as a separate process
// and checks that an apply made afterwards shows up in its output.
func TestGetWatchPrintsApply(t *testing.T) {
	d := startGwd(t, t.TempDir())
	cmd := exec.Command(filepath.Join(binDir, "gwctl"), "--config", filepath.Join(d.dataDir, "gwctl.yaml"), "get", "chargers", "-w")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGINT); cmd.Wait() }()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// Apply once the watch is established: the apply is of the examples,
	// which hold three chargers.
	applied := false
	seen := map[string]bool{}
	timeout := time.After(30 * time.Second)
	for len(seen) < 3 {
		if !applied {
			// Give the watch a moment to connect; events before it would
			// still arrive as initial ADDED rows, so this is not a race.
			time.Sleep(200 * time.Millisecond)
			if _, errOut, code := d.gwctl(t, nil, "apply", "-f", examplesDir(t)); code != 0 {
				t.Fatalf("apply: %s", errOut)
			}
			applied = true
		}
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("gwctl get -w ended; saw %v", seen)
			}
			if f := strings.Fields(l); len(f) > 0 && f[0] != "NAME" {
				seen[f[0]] = true
			}
		case <-timeout:
			t.Fatalf("watch printed only %v", seen)
		}
	}
}
