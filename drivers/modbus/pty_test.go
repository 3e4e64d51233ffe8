package modbus

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

const (
	pythonPath  = "/usr/bin/python3" // Debian's, the one python3-pymodbus installs into
	installHint = "apt-get install -y socat python3-pymodbus python3-serial python3-serial-asyncio"
)

// missingPeer skips a test whose external peer is not installed, except in
// CI, where the peers are part of the contract and their absence fails.
func missingPeer(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not available (CI is set, so this fails instead of skipping); install with: %s", what, installHint)
	}
	t.Skipf("%s not available; install with: %s", what, installHint)
}

func needSocat(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("socat")
	if err != nil {
		missingPeer(t, "socat")
	}
	return p
}

// needPymodbus checks that Debian's pymodbus can serve RTU: pyserial and
// pyserial-asyncio are only recommended by python3-pymodbus, so an install
// without recommends has pymodbus but no serial server.
func needPymodbus(t testing.TB) {
	t.Helper()
	out, err := exec.Command(pythonPath, "-c", "import pymodbus, serial, serial_asyncio").CombinedOutput()
	if err != nil {
		missingPeer(t, "python3-pymodbus with python3-serial and python3-serial-asyncio for "+pythonPath+" ("+strings.TrimSpace(string(out))+")")
	}
}

var ptyLine = regexp.MustCompile(`PTY is (\S+)`)

// startPtyPair runs socat with two linked ptys and returns their paths,
// read from socat's -d -d log on stderr. socat is killed in cleanup.
func startPtyPair(t testing.TB) (string, string) {
	t.Helper()
	cmd := exec.Command(needSocat(t), "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start socat: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	paths := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := ptyLine.FindStringSubmatch(sc.Text()); m != nil {
				paths <- m[1]
			}
		}
	}()
	var got []string
	deadline := time.After(10 * time.Second)
	for len(got) < 2 {
		select {
		case p := <-paths:
			got = append(got, p)
		case <-deadline:
			t.Fatalf("socat did not report two ptys (got %v)", got)
		}
	}
	return got[0], got[1]
}

// startPymodbus serves units ("1,2,3") with vendor_server.py's counting
// map on port at 19200 8N1 until cleanup.
func startPymodbus(t testing.TB, port, units string) {
	t.Helper()
	needPymodbus(t)
	spec := strings.ReplaceAll(units, ",", "=counting,") + "=counting"
	startScript(t, "testdata/vendor_server.py", "rtu", port, "19200", spec)
}

// peerScript is a python test peer: its stdin takes commands, and closing
// it makes the script exit, so it cannot outlive the test binary.
type peerScript struct {
	stdin io.WriteCloser
	lines chan string // stdout after the ready line
}

// startScript runs a testdata script with Debian's python until cleanup
// and waits for its first stdout line, "ready" and what follows it.
func startScript(t testing.TB, script string, args ...string) (*peerScript, string) {
	t.Helper()
	cmd := exec.Command(pythonPath, append([]string{script}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr testutil.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", script, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	p := &peerScript{stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	select {
	case line, ok := <-p.lines:
		rest, ready := strings.CutPrefix(line, "ready")
		if !ok || !ready {
			t.Fatalf("%s did not start (%q): %s", script, line, stderr.String())
		}
		return p, strings.TrimSpace(rest)
	case <-time.After(20 * time.Second):
		t.Fatalf("%s not ready: %s", script, stderr.String())
	}
	return nil, ""
}

// fakeClock drives the arbiter's back-off decisions; serial timeouts stay
// on the real clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
