package testutil

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and
// stops the calling goroutine, as the real one does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	panic(r)
}

func runEventually(t *testing.T, timeout time.Duration, check func() string) (msg string) {
	r := &fatalRecorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
		msg = r.msg
	}()
	Eventually(r, timeout, "the thing", check)
	return ""
}

func TestEventuallyReturnsOnceMet(t *testing.T) {
	calls := 0
	msg := runEventually(t, time.Minute, func() string {
		if calls++; calls < 3 {
			return fmt.Sprintf("call %d", calls)
		}
		return ""
	})
	if msg != "" || calls != 3 {
		t.Fatalf("failed with %q after %d calls, want success on the 3rd", msg, calls)
	}
}

func TestEventuallyFailsWithTheLastReason(t *testing.T) {
	calls := 0
	msg := runEventually(t, 20*time.Millisecond, func() string {
		calls++
		return fmt.Sprintf("call %d", calls)
	})
	if !strings.Contains(msg, "the thing") || !strings.HasSuffix(msg, fmt.Sprintf(": call %d", calls)) {
		t.Fatalf("failure %q does not name the wait and the last reason (call %d)", msg, calls)
	}
	if got := Holds(func() bool { return false })(); got == "" {
		t.Fatal("Holds of a false condition says it is met")
	}
}

// The ports handed out can be listened on, each of a range.
func TestFreePortsCanBeTaken(t *testing.T) {
	base := FreeTCPRange(t, 3)
	for p := base; p < base+3; p++ {
		ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			t.Fatalf("port %d of the range from %d: %v", p, base, err)
		}
		ln.Close()
	}
	ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", FreeTCPPort(t)))
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	c, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", FreeUDPPort(t)))
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// A passing test that leaves a goroutine blocked fails the run: the test
// binary runs itself with only TestLeakingTest, which leaks only then.
func TestLeakFailsTheRun(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLeakingTest$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TESTUTIL_LEAK=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("leaking run ended with %v, want exit 1:\n%s", err, out)
	}
	if !strings.Contains(string(out), "goroutines still running") || !strings.Contains(string(out), "TestLeakingTest") {
		t.Fatalf("leaking run does not name the leak and where it started:\n%s", out)
	}
}

func TestLeakingTest(t *testing.T) {
	if os.Getenv("TESTUTIL_LEAK") == "" {
		t.Skip("run by TestLeakFailsTheRun")
	}
	block := make(chan struct{})
	go func() { <-block }()
}
