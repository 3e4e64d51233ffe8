//go:build linux

package echonet

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ocppgw/ocppgw/drivers/internal/npmpeer"
)

// Names and addresses exist only inside the namespaces this file creates.
// Both sides own UDP 3610, which is why each gets its own namespace.
const (
	nsGateway = "ocppgw-el-gw"
	nsPeer    = "ocppgw-el-peer"
	vethGW    = "ocpgwel0"
	vethPeer  = "ocpgwel1"
	addrGW    = "10.201.77.1"
	addrPeer  = "10.201.77.2"

	peerPackage = "echonet-lite@2.16.2"
	peerDepend  = "date-utils@1.2.21" // required by echonet-lite 2.16.2 but not declared
)

// v2h is the peer's EV charger/discharger; evse (02A101) is its EV charger.
var v2h = NewEOJ(0x027E, 1)

// needPeer skips (or, under CI, fails) when the machine cannot run the peer.
func needPeer(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("echonet-lite peer test cannot run under CI: %s", msg)
	}
	t.Skipf("skipping the echonet-lite peer test: %s", msg)
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func removeNetns() {
	_ = run("ip", "netns", "del", nsGateway)
	_ = run("ip", "netns", "del", nsPeer)
	_ = run("ip", "link", "del", vethGW) // left in the root namespace if a run died before moving it
}

// setupNetns builds two namespaces joined by a veth pair with a /30 and a
// multicast route on each side.
func setupNetns(t *testing.T) {
	t.Helper()
	removeNetns()
	t.Cleanup(removeNetns)
	steps := [][]string{
		{"netns", "add", nsGateway},
		{"netns", "add", nsPeer},
		{"link", "add", vethGW, "type", "veth", "peer", "name", vethPeer},
		{"link", "set", vethGW, "netns", nsGateway},
		{"link", "set", vethPeer, "netns", nsPeer},
	}
	for _, side := range []struct{ ns, dev, addr string }{{nsGateway, vethGW, addrGW}, {nsPeer, vethPeer, addrPeer}} {
		steps = append(steps,
			[]string{"-n", side.ns, "link", "set", "lo", "up"},
			[]string{"-n", side.ns, "addr", "add", side.addr + "/30", "dev", side.dev},
			[]string{"-n", side.ns, "link", "set", side.dev, "multicast", "on", "up"},
			[]string{"-n", side.ns, "route", "add", "224.0.0.0/4", "dev", side.dev})
	}
	for _, s := range steps {
		if err := run("ip", s...); err != nil {
			t.Fatalf("network namespace setup: %v", err)
		}
	}
}

// inNetns runs fn on an OS thread moved into the named namespace. Sockets
// keep the namespace they were created in, so a Client made by fn lives
// there while its goroutines run anywhere. The thread is never unlocked:
// it ends with the goroutine instead of returning to the pool in the wrong
// namespace.
func inNetns(name string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(filepath.Join("/var/run/netns", name))
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// installPeer installs the pinned npm packages once, outside the repository.
func installPeer(t *testing.T) string {
	t.Helper()
	dir, err := npmpeer.Install(peerPackage, peerDepend)
	if err != nil {
		needPeer(t, "%v", err)
	}
	return dir
}

// elPeer is testdata/evpeer.js running in the peer namespace. Its stdin
// takes fault commands; each is answered by one line on its stdout.
type elPeer struct {
	stdin io.WriteCloser
	lines chan string
}

// startPeer runs testdata/evpeer.js in the peer namespace until the test ends.
func startPeer(t *testing.T, modules string) *elPeer {
	t.Helper()
	script, err := filepath.Abs("testdata/evpeer.js")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", nsPeer, "node", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(modules, "node_modules"), "EL_ADDR="+addrPeer)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start node peer: %v", err)
	}
	p := &elPeer{stdin: stdin, lines: make(chan string, 16)}
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		stdin.Close() // the script exits when stdin closes
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case line, ok := <-p.lines:
		if !ok || line != "READY" {
			t.Fatalf("node peer said %q before READY: %s", line, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("node peer not ready: %s", stderr.String())
	}
	return p
}

// do sends one command to the peer and returns its answer.
func (p *elPeer) do(t *testing.T, command string) string {
	t.Helper()
	if _, err := io.WriteString(p.stdin, command+"\n"); err != nil {
		t.Fatalf("peer command %q: %v", command, err)
	}
	select {
	case line, ok := <-p.lines:
		if !ok || strings.HasPrefix(line, "ERR") {
			t.Fatalf("peer command %q: %q", command, line)
		}
		return line
	case <-time.After(10 * time.Second):
		t.Fatalf("peer command %q: no answer", command)
	}
	return ""
}

// reset clears the peer's faults and request log, then sets faults.
func (p *elPeer) reset(t *testing.T, faults ...string) {
	t.Helper()
	p.do(t, "reset")
	for _, f := range faults {
		p.do(t, f)
	}
}

// seenRequest is one request the peer received for a device object.
type seenRequest struct {
	ESV  string   `json:"esv"`
	DEOJ string   `json:"deoj"`
	EPCs []string `json:"epcs"`
}

// seen returns the requests the peer received since its last reset.
func (p *elPeer) seen(t *testing.T) []seenRequest {
	t.Helper()
	var out []seenRequest
	line := p.do(t, "seen")
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "SEEN ")), &out); err != nil {
		t.Fatalf("peer log %q: %v", line, err)
	}
	return out
}

func prepareNetnsPeer(t *testing.T) *elPeer {
	t.Helper()
	if os.Geteuid() != 0 {
		needPeer(t, "needs root to create network namespaces")
	}
	for _, tool := range []string{"ip", "node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			needPeer(t, "%s not found", tool)
		}
	}
	modules := installPeer(t)
	setupNetns(t)
	return startPeer(t, modules)
}

// newNetnsClient makes a Client inside the gateway namespace, on 3610.
func newNetnsClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.ListenAddr = "0.0.0.0:3610"
	cfg.Interface = vethGW
	var c *Client
	err := inNetns(nsGateway, func() (err error) {
		c, err = NewClient(cfg)
		return err
	})
	if err != nil {
		t.Fatalf("client in %s: %v", nsGateway, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func withTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
