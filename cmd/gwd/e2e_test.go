package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// binDir holds gwd, gwctl and gwsim built once for the end-to-end tests.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gwd-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	for _, cmd := range []string{"gwd", "gwctl", "gwsim"} {
		out, err := exec.Command("go", "build", "-race", "-o", filepath.Join(dir, cmd), "github.com/ocppgw/ocppgw/cmd/"+cmd).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", cmd, err, out)
			os.Exit(1)
		}
	}
	code := testutil.RunCheckingLeaks(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemon is one running gwd process.
type daemon struct {
	cmd     *exec.Cmd
	dataDir string
	logs    *testutil.Buffer
	exited  chan struct{}
}

// startGwd starts gwd on a free loopback port and waits until its API answers.
func startGwd(t *testing.T, dataDir string, extra ...string) *daemon {
	t.Helper()
	forgetServer(t, filepath.Join(dataDir, "gwctl.yaml"))
	args := append([]string{"--data-dir", dataDir, "--api-listen", "127.0.0.1:0", "--log-level", "debug"}, extra...)
	d := &daemon{cmd: exec.Command(filepath.Join(binDir, "gwd"), args...), dataDir: dataDir, logs: &testutil.Buffer{}, exited: make(chan struct{})}
	d.cmd.Stderr = d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.kill(); d.keepLogs(t) })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c := d.tryClient(); c != nil {
			if _, err := c.Version(context.Background()); err == nil {
				return d
			}
		}
		select {
		case <-d.exited:
			t.Fatalf("gwd exited early:\n%s", d.logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("gwd API did not come up:\n%s", d.logs)
	return nil
}

func (d *daemon) tryClient() *client.Client {
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		return nil
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil
	}
	return c
}

// config reads gwd's gwctl.yaml: its address, pinned certificate and token.
func (d *daemon) config(t *testing.T) *client.Config {
	t.Helper()
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		t.Fatalf("gwd's client config: %v", err)
	}
	return cfg
}

// httpClient speaks HTTPS to d trusting exactly the certificate its
// gwctl.yaml pins, for requests the client does not make (probes, raw
// bodies). It sends no token.
func (d *daemon) httpClient(t *testing.T) *http.Client {
	t.Helper()
	tc, err := d.config(t).TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: tc, DisableKeepAlives: true}}
}

func (d *daemon) client(t *testing.T) *client.Client {
	t.Helper()
	c := d.tryClient()
	if c == nil {
		t.Fatal("no client config")
	}
	return c
}

// keepLogs writes the log of a gwd whose test failed to the directory
// OCPPGW_GWD_LOGS names, if it does, as <test>-<pid>.log.
func (d *daemon) keepLogs(t *testing.T) {
	dir := os.Getenv("OCPPGW_GWD_LOGS")
	if dir == "" || !t.Failed() {
		return
	}
	name := fmt.Sprintf("%s-%d.log", strings.ReplaceAll(t.Name(), "/", "_"), d.cmd.Process.Pid)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(d.logs.String()), 0o644); err != nil {
		t.Logf("keeping gwd's log: %v", err)
	}
}

func (d *daemon) kill() {
	d.cmd.Process.Signal(syscall.SIGKILL)
	<-d.exited
}

// stop sends SIGTERM and waits for a clean exit.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(20 * time.Second):
		t.Fatalf("gwd did not stop on SIGTERM:\n%s", d.logs)
	}
	if code := d.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("gwd exit code %d:\n%s", code, d.logs)
	}
}

// gwctl runs the gwctl binary against d and returns stdout, stderr and the exit code.
func (d *daemon) gwctl(t *testing.T, stdin io.Reader, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "gwctl"), append([]string{"--config", filepath.Join(d.dataDir, "gwctl.yaml")}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

func secretDoc(name string) string {
	return fmt.Sprintf("apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: %s\nspec:\n  data:\n    password: x\n", name)
}

func examplesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestApplyExamplesThenGetWide(t *testing.T) {
	d := startGwd(t, t.TempDir())
	out, errOut, code := d.gwctl(t, nil, "apply", "-f", examplesDir(t))
	if code != 0 {
		t.Fatalf("apply examples: exit %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(out, " created"); n < 8 {
		t.Errorf("apply printed %d created lines:\n%s", n, out)
	}
	out, errOut, code = d.gwctl(t, nil, "get", "chargers", "-o", "wide")
	if code != 0 {
		t.Fatalf("get: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("want a header and three chargers, got:\n%s", out)
	}
	d.stop(t)
}
