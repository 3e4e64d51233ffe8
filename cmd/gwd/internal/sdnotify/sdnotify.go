package sdnotify

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The states gwd sends (see sd_notify(3)).
const (
	Ready     = "READY=1"
	Reloading = "RELOADING=1"
	Stopping  = "STOPPING=1"
	Watchdog  = "WATCHDOG=1"
)

// Reload is the message that starts a reload: RELOADING=1 with the
// CLOCK_MONOTONIC time, which systemd 253 and later want with it (and
// earlier ones ignore) to tell this reload from a stale one.
func Reload() (string, error) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return "", fmt.Errorf("clock_gettime: %w", err)
	}
	return Reloading + "\nMONOTONIC_USEC=" + strconv.FormatInt(ts.Nano()/1000, 10), nil
}

// Notifier sends states to the service manager. A nil *Notifier, which
// FromEnv returns outside systemd, sends nothing.
type Notifier struct {
	addr *net.UnixAddr
}

// FromEnv returns a Notifier for $NOTIFY_SOCKET, or nil when it is unset.
// A leading '@' names an abstract socket, which Go's net package maps to the
// leading NUL byte the kernel expects.
func FromEnv() *Notifier {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return nil
	}
	return &Notifier{addr: &net.UnixAddr{Name: path, Net: "unixgram"}}
}

// Notify sends one message, e.g. Ready or "STATUS=serving". A datagram
// either arrives whole or not at all, so there is nothing to retry.
func (n *Notifier) Notify(state string) error {
	if n == nil {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify %s: %w", n.addr.Name, err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return fmt.Errorf("sd_notify %s: %w", n.addr.Name, err)
	}
	return nil
}

// WatchdogInterval returns how often to send Watchdog: half of
// $WATCHDOG_USEC, as sd_watchdog_enabled(3) advises, or 0 when the watchdog
// is off or $WATCHDOG_PID names another process (the variables were
// inherited from a parent).
func WatchdogInterval() (time.Duration, error) {
	usec := os.Getenv("WATCHDOG_USEC")
	if usec == "" {
		return 0, nil
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" {
		p, err := strconv.Atoi(pid)
		if err != nil {
			return 0, fmt.Errorf("WATCHDOG_PID %q: not a process id", pid)
		}
		if p != os.Getpid() {
			return 0, nil
		}
	}
	us, err := strconv.ParseInt(usec, 10, 64)
	if err != nil || us <= 0 {
		return 0, errors.New("WATCHDOG_USEC " + strconv.Quote(usec) + ": want a positive number of microseconds")
	}
	return time.Duration(us) * time.Microsecond / 2, nil
}
