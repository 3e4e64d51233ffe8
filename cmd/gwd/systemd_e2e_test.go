package main

import (
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notifySocket listens where gwd's $NOTIFY_SOCKET points, as systemd does.
func notifySocket(t *testing.T) <-chan string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	got := make(chan string, 1024)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

// nextState returns the next message that is not a watchdog ping, and how
// many pings came before it.
func nextState(t *testing.T, got <-chan string, d *daemon) (string, int) {
	t.Helper()
	pings := 0
	for {
		select {
		case s := <-got:
			if s != "WATCHDOG=1" {
				return s, pings
			}
			pings++
		case <-time.After(20 * time.Second):
			t.Fatalf("no message from gwd after %d watchdog pings:\n%s", pings, d.logs)
		}
	}
}

// Under a Type=notify unit gwd says READY=1 only once the configuration
// directory is in the store and the API serves it, pings the watchdog
// between, wraps a SIGHUP reload in RELOADING=1 … READY=1, and says
// STOPPING=1 on SIGTERM.
func TestSystemdNotifyReadyWatchdogReloadStop(t *testing.T) {
	got := notifySocket(t)
	t.Setenv("WATCHDOG_USEC", "200000") // pings every 100 ms
	t.Setenv("WATCHDOG_PID", "")
	cfgDir := t.TempDir()
	writeFile(t, filepath.Join(cfgDir, "a.yaml"), secretDoc("s1"))
	d := startGwd(t, t.TempDir(), "--config-dir", cfgDir)
	c := d.client(t)

	if s, _ := nextState(t, got, d); s != "READY=1" {
		t.Fatalf("first state %q, want READY=1", s)
	}
	if n := names(t, c, "Secret"); n != "s1" {
		t.Errorf("at READY the store holds Secrets %q, want the config directory's s1", n)
	}
	pings := 0
	for pings < 3 { // the watchdog keeps being fed while gwd runs
		s, n := nextStateOrPing(t, got, d)
		if s != "WATCHDOG=1" {
			t.Fatalf("unexpected %q after READY", s)
		}
		pings += n
	}

	writeFile(t, filepath.Join(cfgDir, "b.yaml"), secretDoc("s2"))
	d.cmd.Process.Signal(syscall.SIGHUP)
	for _, want := range []string{"RELOADING=1\nMONOTONIC_USEC=", "READY=1"} {
		if s, _ := nextState(t, got, d); !strings.HasPrefix(s, want) {
			t.Fatalf("after SIGHUP: %q, want %q", s, want)
		}
	}
	if n := names(t, c, "Secret"); n != "s1,s2" {
		t.Errorf("at READY after the reload the store holds Secrets %q, want s1,s2", n)
	}

	d.stop(t)
	if s, _ := nextState(t, got, d); s != "STOPPING=1" {
		t.Errorf("on SIGTERM: %q, want STOPPING=1", s)
	}
}

// nextStateOrPing returns one message; n is 1 for a watchdog ping.
func nextStateOrPing(t *testing.T, got <-chan string, d *daemon) (string, int) {
	t.Helper()
	select {
	case s := <-got:
		if s == "WATCHDOG=1" {
			return s, 1
		}
		return s, 0
	case <-time.After(20 * time.Second):
		t.Fatalf("no watchdog ping from gwd:\n%s", d.logs)
	}
	return "", 0
}

// The package's empty /etc/ocppgw/config.d is no error at start: gwd says
// there is nothing to apply, and READY still comes.
func TestSystemdEmptyConfigDirIsReady(t *testing.T) {
	got := notifySocket(t)
	d := startGwd(t, t.TempDir(), "--config-dir", t.TempDir())
	if s, _ := nextState(t, got, d); s != "READY=1" {
		t.Fatalf("first state %q, want READY=1", s)
	}
	logs := d.logs.String()
	if !strings.Contains(logs, "configuration directory holds no resources") || strings.Contains(logs, "level=ERROR") {
		t.Errorf("an empty config directory was not logged as empty, or logged an error:\n%s", logs)
	}
	d.stop(t)
}
