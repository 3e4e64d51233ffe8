//go:build linux

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/echonet/elpeer"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// The sweep's peers are the drivers' own independent test peers, written
// from ../shared/reference/devices.md: pymodbus servers with vendor maps
// behind a fault-injecting proxy (drivers/modbus/testdata), and the npm
// echonet-lite node (drivers/echonet/testdata/evpeer.js) in namespaces.
const (
	pythonPath = "/usr/bin/python3"
)

// sweepPeer is one peer process: commands on stdin, one answer line each.
type sweepPeer struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	errs  *testutil.Buffer
	mu    sync.Mutex // one command at a time
}

// needSweepPeer skips, or under CI fails, when a peer cannot run here.
func needSweepPeer(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("fault sweep cannot run under CI: %s", msg)
	}
	t.Skipf("skipping the fault sweep: %s", msg)
}

// startSweepPeer runs name args..., waits for a first line starting with
// ready and returns it with the peer. The peer ends when its stdin closes.
func startSweepPeer(t *testing.T, label string, env []string, name string, args ...string) (*sweepPeer, string) {
	t.Helper()
	p := &sweepPeer{name: label, cmd: exec.Command(name, args...), lines: make(chan string, 64), errs: &testutil.Buffer{}}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = p.errs
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", label, err)
	}
	p.stdin = stdin
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	go func() { _ = p.cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case l, ok := <-p.lines:
		if !ok || !strings.HasPrefix(strings.ToLower(l), "ready") {
			t.Fatalf("%s said %q before ready: %s", label, l, p.errs)
		}
		return p, l
	case <-time.After(60 * time.Second):
		t.Fatalf("%s not ready: %s", label, p.errs)
	}
	return nil, ""
}

// do sends one command and returns the peer's answer.
func (p *sweepPeer) do(command string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := io.WriteString(p.stdin, command+"\n"); err != nil {
		return "", fmt.Errorf("%s: %q: %w", p.name, command, err)
	}
	select {
	case l, ok := <-p.lines:
		if !ok || strings.HasPrefix(l, "ERR") {
			return l, fmt.Errorf("%s: %q answered %q: %s", p.name, command, l, p.errs)
		}
		return l, nil
	case <-time.After(10 * time.Second):
		return "", fmt.Errorf("%s: %q: no answer", p.name, command)
	}
}

var ptyPath = regexp.MustCompile(`PTY is (\S+)`)

// ptyPair runs socat with two linked ptys and returns their paths.
func ptyPair(t *testing.T) (string, string) {
	t.Helper()
	cmd := exec.Command("socat", "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		needSweepPeer(t, "socat: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	paths := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := ptyPath.FindStringSubmatch(sc.Text()); m != nil {
				paths <- m[1]
			}
		}
	}()
	var got []string
	for len(got) < 2 {
		select {
		case p := <-paths:
			got = append(got, p)
		case <-time.After(10 * time.Second):
			t.Fatal("socat printed no pty paths")
		}
	}
	return got[0], got[1]
}

func modbusTestdata(t *testing.T, file string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "drivers", "modbus", "testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// elNode is one ECHONET Lite node in its own namespace, on a bridge the
// gateway reaches from the root namespace.
type elNode struct {
	ns, addr string
	peer     *sweepPeer
}

// The sweep's network is named after the test process, so two sweeps (a
// long one and the suite's short one) can run on one machine.
var (
	sweepNet        = os.Getpid() % 250
	sweepBridge     = fmt.Sprintf("ogsw%d", sweepNet)
	sweepBridgeAddr = fmt.Sprintf("10.203.%d.1", sweepNet)
)

func ipRun(args ...string) error {
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// startELNodes makes n namespaces on one bridge and runs evpeer.js in each.
func startELNodes(t *testing.T, n int) []*elNode {
	t.Helper()
	if os.Geteuid() != 0 {
		needSweepPeer(t, "needs root to create network namespaces")
	}
	modules, err := elpeer.Install()
	if err != nil {
		needSweepPeer(t, "npm peer: %v", err)
	}
	script, err := elpeer.Script()
	if err != nil {
		t.Fatal(err)
	}
	cleanup := func() {
		for i := 1; i <= n; i++ {
			_ = ipRun("netns", "del", fmt.Sprintf("ocppgw-sw%d-el%d", sweepNet, i))
		}
		_ = ipRun("link", "del", sweepBridge)
	}
	cleanup()
	t.Cleanup(cleanup)
	steps := [][]string{
		{"link", "add", sweepBridge, "type", "bridge"},
		{"addr", "add", sweepBridgeAddr + "/24", "dev", sweepBridge},
		{"link", "set", sweepBridge, "up"},
	}
	var nodes []*elNode
	for i := 1; i <= n; i++ {
		ns := fmt.Sprintf("ocppgw-sw%d-el%d", sweepNet, i)
		host, peer := fmt.Sprintf("ogsw%d-%da", sweepNet, i), fmt.Sprintf("ogsw%d-%db", sweepNet, i)
		addr := fmt.Sprintf("10.203.%d.%d", sweepNet, 10+i)
		steps = append(steps,
			[]string{"netns", "add", ns},
			[]string{"link", "add", host, "type", "veth", "peer", "name", peer},
			[]string{"link", "set", host, "master", sweepBridge},
			[]string{"link", "set", host, "up"},
			[]string{"link", "set", peer, "netns", ns},
			[]string{"-n", ns, "link", "set", "lo", "up"},
			[]string{"-n", ns, "addr", "add", addr + "/24", "dev", peer},
			[]string{"-n", ns, "link", "set", peer, "multicast", "on", "up"},
			[]string{"-n", ns, "route", "add", "224.0.0.0/4", "dev", peer})
		nodes = append(nodes, &elNode{ns: ns, addr: addr})
	}
	for _, s := range steps {
		if err := ipRun(s...); err != nil {
			t.Fatalf("sweep network: %v", err)
		}
	}
	for _, nd := range nodes {
		nd.peer, _ = startSweepPeer(t, "EL node "+nd.addr, []string{"NODE_PATH=" + modules, "EL_ADDR=" + nd.addr},
			"ip", "netns", "exec", nd.ns, "node", script)
	}
	return nodes
}
