package modbusdev

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// openFiles counts this process's file descriptors open on path.
func openFiles(t *testing.T, path string) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == path {
			n++
		}
	}
	return n
}

// TestBusChangeNeverDrivesALineTwice: when a Bus's settings change, the
// old arbiter is closed before the new one opens the line, so at no moment
// do two arbiters write to one RS-485 line; a second Bus naming the same
// line with other settings is refused.
func TestBusChangeNeverDrivesALineTwice(t *testing.T) {
	line, err := sim.ServeRTU() // only a pty to open; no device answers here
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { line.Close() })
	base := openFiles(t, line.Path)
	d := New()
	t.Cleanup(func() { d.Close() })

	spec := v1alpha1.BusSpec{Device: line.Path, BaudRate: 19200, Timeout: "50ms"}
	old, releaseOld, err := d.bus("line-1", &spec)
	if err != nil {
		t.Fatal(err)
	}
	if n := openFiles(t, line.Path) - base; n != 1 {
		t.Fatalf("%d descriptors on the line after opening one bus", n)
	}
	changed := spec
	changed.BaudRate = 38400
	cur, releaseNew, err := d.bus("line-1", &changed)
	if err != nil {
		t.Fatal(err)
	}
	if n := openFiles(t, line.Path) - base; n != 1 {
		t.Fatalf("%d descriptors on the line after the Bus changed, want 1", n)
	}
	_, err = old.ReadBlocks(context.Background(), 1, []modbus.Block{{Name: "x", Count: 1}})
	if !errors.Is(err, modbus.ErrClosed) || !errors.Is(Classify(err), drivers.ErrClosed) {
		t.Fatalf("the replaced arbiter answered %v, want ErrClosed (not counted against the device)", err)
	}
	releaseOld() // the charger that held the old one moves over
	if cur.Stats().Device != line.Path {
		t.Fatalf("new arbiter on %q", cur.Stats().Device)
	}

	other := spec
	other.BaudRate = 9600
	if _, _, err := d.bus("line-2", &other); err == nil || !strings.Contains(err.Error(), `already driven by bus "line-1"`) {
		t.Fatalf("a second Bus on the same line: %v", err)
	}
	releaseNew()
	if n := openFiles(t, line.Path) - base; n != 0 {
		t.Fatalf("%d descriptors left on the line after the last release", n)
	}
}
