package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/connlimit"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestShutdownEndsWatches: SIGTERM with 100 open watches ends every watch
// stream at once (the clients see ErrStreamEnded, not a broken read), so
// the admin API's shutdown does not wait out its deadline: gwd logs no
// "admin API shutdown" failure, and a gwd started next on the same data
// directory gets the store lock. The time it took is printed.
func TestShutdownEndsWatches(t *testing.T) {
	dir := t.TempDir()
	d := startGwd(t, dir)
	c := d.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var watches []*client.Watch
	for i := range 100 {
		kind := []string{"Charger", "Template", "ChargingProfile", "Transaction"}[i%4]
		w, err := c.Watch(ctx, kind, client.WatchOptions{Bookmarks: true})
		if err != nil {
			t.Fatalf("watch %d: %v", i, err)
		}
		watches = append(watches, w)
	}
	for _, w := range watches { // each stream is up: its initial-events bookmark arrived
		if _, ok := <-w.Events(); !ok {
			t.Fatalf("a watch ended before shutdown: %v", w.Err())
		}
	}
	start := time.Now()
	d.stop(t)
	t.Logf("SIGTERM with 100 open watches: gwd exited after %v", time.Since(start).Round(time.Millisecond))
	if logs := d.logs.String(); strings.Contains(logs, "admin API shutdown") {
		t.Errorf("the API shutdown did not finish in time:\n%s", logs)
	}
	for i, w := range watches {
		for range w.Events() {
		}
		if err := w.Err(); !errors.Is(err, client.ErrStreamEnded) {
			t.Errorf("watch %d ended with %v, want the server's end of stream", i, err)
		}
	}
	d = startGwd(t, dir)
	d.stop(t)
}

// TestGetWatchAcrossGwdRestart: `gwctl get -w` outlives a gwd restart on
// the same address: it waits for gwd to answer again, resumes from the
// last revision it saw, and shows what was applied after the restart.
func TestGetWatchAcrossGwdRestart(t *testing.T) {
	dir := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", testutil.FreeTCPRange(t, 1))
	d := startGwd(t, dir, "--api-listen", addr)
	apply := func(d *daemon, name string) {
		t.Helper()
		doc := "apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: " + name + "}\nspec: {device: /dev/ttyUSB9, baudRate: 19200}\n"
		if out, errOut, code := d.gwctl(t, strings.NewReader(doc), "apply", "-f", "-"); code != 0 {
			t.Fatalf("apply %s: exit %d\n%s%s", name, code, out, errOut)
		}
	}
	apply(d, "before")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := filepath.Join(t.TempDir(), "gwctl.yaml") // gwd rewrites its own at start
	// The certificate is in the store, so the restarted gwd serves the same.
	if err := (&client.Config{Server: "https://" + addr, Token: d.token(t), CertificateAuthorityData: d.config(t).CertificateAuthorityData}).Save(cfg); err != nil {
		t.Fatal(err)
	}
	var out, errOut testutil.Buffer
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "gwctl"), "--config", cfg, "get", "buses", "-w", "-o", "name")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	fixture.Within(t, 20*time.Second, "the watch to list the first bus", func() string {
		if !strings.Contains(out.String(), "bus/before") {
			return out.String() + errOut.String()
		}
		return ""
	})
	d.stop(t)
	d = startGwd(t, dir, "--api-listen", addr)
	defer d.stop(t)
	apply(d, "after")
	fixture.Within(t, 30*time.Second, "the watch to show the bus applied after the restart", func() string {
		if !strings.Contains(out.String(), "bus/after") {
			return fmt.Sprintf("stdout %q stderr %q", out.String(), errOut.String())
		}
		return ""
	})
	if cmd.ProcessState != nil {
		t.Fatalf("gwctl exited: %s", errOut.String())
	}
}

// TestSlowClientsCannotStarveHealthz: 600 clients that send headers and
// then trickle no body hold every admin API connection gwd serves (32
// here); /healthz is still answered, other requests get 503, and gwd's
// open files stay bounded by the cap instead of growing with the clients.
// OCPPGW_SLOW_CLIENTS=20000 is the long form.
func TestSlowClientsCannotStarveHealthz(t *testing.T) {
	clients := crashEnvInt(t, "OCPPGW_SLOW_CLIENTS", 600)
	d := startGwd(t, t.TempDir(), "--api-max-connections", "32")
	defer d.stop(t)
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(cfg.Server, "https://")
	tc, err := cfg.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	tc.ServerName, _, _ = net.SplitHostPort(addr)
	before := openFiles(t, d.cmd.Process.Pid)
	defer holdSlowClients(t, addr, tc, clients)() // released before gwd stops
	// The clients are connected once the kernel has them; wait until gwd
	// has taken them all in (its open files stop changing) before probing.
	last := -1
	fixture.Within(t, 20*time.Second, "gwd to take in the slow clients", func() string {
		n := openFiles(t, d.cmd.Process.Pid)
		if n != last {
			last = n
			time.Sleep(200 * time.Millisecond)
			return fmt.Sprintf("%d open files", n)
		}
		return ""
	})
	hc := d.httpClient(t)
	get := func(path string) int {
		req, err := http.NewRequest(http.MethodGet, cfg.Server+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if path != "/healthz" {
			req.Header.Set("Authorization", "Bearer "+d.token(t))
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s with every connection held: %v\n%s", path, err, d.logs)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with every connection held: %d", code)
	}
	if code := get("/version"); code != http.StatusServiceUnavailable {
		t.Errorf("/version with every connection held: %d, want 503", code)
	}
	after := openFiles(t, d.cmd.Process.Pid)
	t.Logf("gwd's open files: %d before, %d with %d slow clients (cap 32)", before, after, clients)
	if after > before+32+connlimit.DefaultMaxShed+8 {
		t.Errorf("gwd holds %d open files with %d slow clients (had %d): not bounded by the cap", after, clients, before)
	}
}

// slowRequest is what a slow client sends: headers that promise a body,
// and the first bytes of it.
const slowRequest = "POST /apis/ocppgw.dev/v1alpha1/apply HTTP/1.1\r\nHost: x\r\nContent-Type: application/yaml\r\nContent-Length: 100000\r\n\r\nkind: "

// slowPerProcess is how many slow clients one process holds: the test
// holds the first ones, python3 helpers the rest, so that 20,000 fit under
// a per-process open-file limit of 20,000 (which only root may raise).
const slowPerProcess = 5000

// holdSlowClients opens n slow clients to addr and returns what releases
// them. Each does the TLS handshake if gwd takes it within a second (one
// over the cap may be closed instead: that is the cap at work) and then
// sends its headers and stalls.
func holdSlowClients(t *testing.T, addr string, tc *tls.Config, n int) (release func()) {
	t.Helper()
	var held []io.Closer
	release = func() {
		for _, c := range held {
			c.Close()
		}
	}
	for i := range min(n, slowPerProcess) {
		raw, err := net.Dial("tcp", addr)
		if err != nil {
			release()
			t.Fatalf("slow client %d: %v", i, err)
		}
		c := tls.Client(raw, tc)
		held = append(held, c)
		_ = c.SetDeadline(time.Now().Add(time.Second))
		if c.Handshake() == nil {
			fmt.Fprint(c, slowRequest)
		}
	}
	for done := slowPerProcess; done < n; done += slowPerProcess {
		held = append(held, slowHelper(t, addr, min(slowPerProcess, n-done)))
	}
	return release
}

// slowHelperScript opens argv[3] slow clients to argv[1]:argv[2], says
// "ready", and holds them until its stdin closes.
const slowHelperScript = `import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # a load test, not a trust test
held = []
for i in range(int(sys.argv[3])):
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    held.append(s)
    try:
        s.settimeout(1)
        t = ctx.wrap_socket(s)
        t.sendall(sys.argv[4].encode())
        held.append(t)
    except OSError:
        pass  # closed over the cap
print("ready", flush=True)
sys.stdin.read()
`

// slowHelper holds n slow clients in a python3 process until what it
// returns is closed, or the test ends.
func slowHelper(t *testing.T, addr string, n int) io.Closer {
	t.Helper()
	python, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		t.Fatalf("more than %d slow clients need python3 (apt install python3): %v", slowPerProcess, err)
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(python, "-c", slowHelperScript, host, port, fmt.Sprint(n), slowRequest)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errOut testutil.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		t.Fatalf("python3 holding %d slow clients: %q %s", n, line, errOut.String())
	}
	return stdin
}

// openFiles counts a process's open file descriptors.
func openFiles(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	return len(ents)
}
