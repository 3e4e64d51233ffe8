package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scaleUsage is what a process used over a window.
type scaleUsage struct {
	cpuPercent float64 // utime+stime over the window, % of one core
	rssMiB     float64 // the highest VmRSS sampled in the window
}

// scaleMeasure samples the process pid over window, from /proc.
func scaleMeasure(t *testing.T, pid int, window time.Duration) scaleUsage {
	t.Helper()
	hz := scaleClockTicks(t)
	ticks0, began := scaleCPUTicks(t, pid), time.Now()
	var u scaleUsage
	for time.Since(began) < window {
		time.Sleep(min(time.Second, window-time.Since(began)))
		u.rssMiB = max(u.rssMiB, scaleRSSMiB(t, pid))
	}
	ticks1, took := scaleCPUTicks(t, pid), time.Since(began)
	u.cpuPercent = 100 * float64(ticks1-ticks0) / hz / took.Seconds()
	return u
}

// scaleCPUTicks is utime+stime of pid, in clock ticks (/proc/<pid>/stat
// fields 14 and 15).
func scaleCPUTicks(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("gwd's CPU time: %v", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		t.Fatalf("/proc/%d/stat: %q", pid, s)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat utime %q stime %q", pid, f[11], f[12])
	}
	return utime + stime
}

// scaleRSSMiB is VmRSS of pid from /proc/<pid>/status.
func scaleRSSMiB(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("gwd's RSS: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb / 1024
		}
	}
	t.Fatalf("/proc/%d/status has no VmRSS", pid)
	return 0
}

// scaleClockTicks is the kernel's clock ticks per second (CLK_TCK).
func scaleClockTicks(t *testing.T) float64 {
	t.Helper()
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		t.Fatalf("getconf CLK_TCK: %v", err)
	}
	hz, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || hz <= 0 {
		t.Fatalf("getconf CLK_TCK: %q", out)
	}
	return hz
}
