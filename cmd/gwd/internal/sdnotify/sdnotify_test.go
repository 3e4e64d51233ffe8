package sdnotify

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// listen opens a unixgram socket as systemd does and returns what arrives.
func listen(t *testing.T, name string) <-chan string {
	t.Helper()
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	got := make(chan string, 8)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(got)
				return
			}
			got <- string(buf[:n])
		}
	}()
	return got
}

func TestNotifySendsEachStateAsOneDatagram(t *testing.T) {
	for _, name := range []string{
		filepath.Join(t.TempDir(), "notify"),
		fmt.Sprintf("@ocppgw-sdnotify-test-%d", os.Getpid()), // abstract, as systemd uses
	} {
		t.Run(name[:1], func(t *testing.T) {
			got := listen(t, name)
			t.Setenv("NOTIFY_SOCKET", name)
			n := FromEnv()
			want := []string{Ready, Watchdog, Reloading, Ready, Stopping}
			for _, s := range want {
				if err := n.Notify(s); err != nil {
					t.Fatal(err)
				}
			}
			for i, w := range want {
				select {
				case s := <-got:
					if s != w {
						t.Errorf("message %d = %q, want %q", i, s, w)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("message %d (%q) did not arrive", i, w)
				}
			}
		})
	}
}

func TestOutsideSystemdNothingIsSent(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	n := FromEnv()
	if n != nil {
		t.Fatalf("FromEnv = %+v without NOTIFY_SOCKET", n)
	}
	if err := n.Notify(Ready); err != nil {
		t.Errorf("nil Notifier: %v", err)
	}
}

func TestNotifyToAMissingSocketFails(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", filepath.Join(t.TempDir(), "gone"))
	if err := FromEnv().Notify(Ready); err == nil {
		t.Error("sent to a socket nobody listens on")
	}
}

func TestWatchdogInterval(t *testing.T) {
	self := fmt.Sprint(os.Getpid())
	for _, c := range []struct {
		usec, pid string
		want      time.Duration
		err       bool
	}{
		{"", "", 0, false},
		{"30000000", "", 15 * time.Second, false},
		{"30000000", self, 15 * time.Second, false},
		{"30000000", "1", 0, false}, // meant for another process
		{"abc", "", 0, true},
		{"0", "", 0, true},
		{"30000000", "x", 0, true},
	} {
		t.Setenv("WATCHDOG_USEC", c.usec)
		t.Setenv("WATCHDOG_PID", c.pid)
		got, err := WatchdogInterval()
		if got != c.want || (err != nil) != c.err {
			t.Errorf("WATCHDOG_USEC=%q WATCHDOG_PID=%q: %v, %v; want %v, error %v", c.usec, c.pid, got, err, c.want, c.err)
		}
	}
}

func TestReloadCarriesTheMonotonicClock(t *testing.T) {
	var last int64
	for range 2 {
		msg, err := Reload()
		if err != nil {
			t.Fatal(err)
		}
		state, usec, ok := strings.Cut(msg, "\nMONOTONIC_USEC=")
		n, err := strconv.ParseInt(usec, 10, 64)
		if !ok || state != Reloading || err != nil || n <= 0 || n < last {
			t.Fatalf("Reload() = %q (after %d)", msg, last)
		}
		last = n
	}
}
