package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// buildBinaries builds gwd, gwctl and gwsim for the demo test.
func buildBinaries(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, cmd := range []string{"gwd", "gwctl", "gwsim"} {
		out, err := exec.Command("go", "build", "-race", "-o", filepath.Join(dir, cmd), "github.com/ocppgw/ocppgw/cmd/"+cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", cmd, err, out)
		}
	}
	return dir
}

// demoSite is examples/demo/site.yaml moved to the test's ports.
func demoSite(t *testing.T, csms string, base int) string {
	t.Helper()
	raw, err := os.ReadFile("../../examples/demo/site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	site := string(raw)
	repl := []string{"ws://127.0.0.1:9000/", "ws://" + csms + "/"}
	for i := range 3 {
		repl = append(repl, fmt.Sprintf("port: %d\n", 15020+i), fmt.Sprintf("port: %d\n", base+i))
	}
	for i := 0; i < len(repl); i += 2 {
		if strings.Count(site, repl[i]) == 0 {
			t.Fatalf("examples/demo/site.yaml has no %q to move", repl[i])
		}
	}
	path := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(path, []byte(strings.NewReplacer(repl...).Replace(site)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDemo runs `gwsim demo` as make run does, on free ports: the three
// simulated chargers become Reachable in gwd and Registered with gwsim
// csms, the AutoStart charger with its EV plugged in, the printed commands
// work, and SIGINT stops gwsim demo and its gwd child cleanly.
func TestDemo(t *testing.T) {
	bin := buildBinaries(t)
	base := testutil.FreeTCPRange(t, 4) // three chargers, then the CSMS
	csms := fmt.Sprintf("127.0.0.1:%d", base+3)
	dir := t.TempDir()
	out := &testutil.Buffer{}
	cmd := exec.Command(filepath.Join(bin, "gwsim"), "demo", "--dir", dir, "--gwd", filepath.Join(bin, "gwd"),
		"--gwctl", filepath.Join(bin, "gwctl"), "--site", "../../examples/templates/", "--site", demoSite(t, csms, base),
		"--base-port", strconv.Itoa(base), "--csms-listen", csms, "--csms-control", "127.0.0.1:0", "--control", "127.0.0.1:0",
		"--", "--log-level", "debug")
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var exitErr error
	exited := make(chan struct{})
	go func() { exitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	}()
	running := func() bool {
		select {
		case <-exited:
			t.Fatalf("gwsim demo exited early (%v):\n%s", exitErr, out)
		default:
		}
		return true
	}

	gwctl := func(args ...string) string {
		b, _ := exec.Command(filepath.Join(bin, "gwctl"), append([]string{"--config", filepath.Join(dir, "data", "gwctl.yaml")}, args...)...).CombinedOutput()
		return string(b)
	}
	// Only demo-abb-1 has an EV, plugged in from the start (--plug).
	row := regexp.MustCompile(`(?m)^(demo-abb-1\s+\S+\s+tcp \S+\s+Reachable\s+yes|demo-\S+\s+\S+\s+tcp \S+\s+Reachable\s+no)\s+Registered\s+Accepted\s`)
	var chargers string
	if !poll(60*time.Second, func() bool {
		chargers = gwctl("get", "chargers")
		running()
		return len(row.FindAllString(chargers, -1)) == 3
	}) {
		t.Fatalf("want 3 chargers Reachable and Registered, got:\n%s\ngwsim demo:\n%s", chargers, out)
	}
	for _, id := range []string{"DEMO-ABB-1", "DEMO-ALFEN-1", "DEMO-KEBA-1"} {
		if !strings.Contains(out.String(), id+` -> RESULT BootNotification {"currentTime":`) {
			t.Errorf("gwsim csms logged no accepted BootNotification of %s:\n%s", id, out)
		}
	}
	pid := gwdPid(t, out)
	if !poll(20*time.Second, func() bool { return strings.Contains(out.String(), "Ctrl-C stops") }) {
		t.Fatalf("gwsim demo printed no next commands:\n%s", out)
	}
	checkDemoHints(t, out.String())
	if strings.Contains(out.String(), "Warning:") {
		t.Errorf("applying the demo site warned:\n%s", out)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if exitErr != nil {
			t.Fatalf("gwsim demo after SIGINT: %v\n%s", exitErr, out)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("gwsim demo still runs 30 s after SIGINT:\n%s", out)
	}
	// make run's ARGS reach gwd.
	if log, err := os.ReadFile(filepath.Join(dir, "gwd.log")); err != nil || !strings.Contains(string(log), "level=DEBUG") {
		t.Errorf("gwd did not get --log-level debug (%v)", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("gwd (pid %d) is still there after gwsim demo exited: %v", pid, err)
	}
	for _, addr := range []string{csms, fmt.Sprintf("127.0.0.1:%d", base)} {
		ln, err := net.Listen("tcp4", addr)
		if err != nil {
			t.Errorf("%s is still taken after gwsim demo exited: %v", addr, err)
			continue
		}
		ln.Close()
	}
}

// gwdPid reads gwd's pid from the line gwsim demo prints.
func gwdPid(t *testing.T, out *testutil.Buffer) int {
	t.Helper()
	re := regexp.MustCompile(`gwd \(pid (\d+)\)`)
	var m []string
	poll(20*time.Second, func() bool { m = re.FindStringSubmatch(out.String()); return m != nil })
	if m == nil {
		t.Fatalf("gwsim demo printed no gwd pid:\n%s", out)
	}
	pid, _ := strconv.Atoi(m[1])
	return pid
}

// poll checks cond every 200 ms until it holds or d has passed.
func poll(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// checkDemoHints: the commands gwsim demo prints name the demo site's
// stations and devices, and the printed `ctl list` works and shows the EV
// plugged in at start into the AutoStart charger only.
func checkDemoHints(t *testing.T, out string) {
	t.Helper()
	for _, want := range []string{" get transactions -w\n", " plug alfen-eve-1\n", " start DEMO-ALFEN-1 --evse 1 --token CARD-1\n",
		" card keba-p30-1 04A1B2C3\n", " transactions\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("gwsim demo did not print %q:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`ctl --server (\S+) list\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("gwsim demo printed no ctl list:\n%s", out)
	}
	list, code := ctl(t, m[1], "list")
	plugged := regexp.MustCompile(`(?m)^(\S+)\s+\S+\s+\S+\s+true\s`).FindAllStringSubmatch(list, -1)
	if code != 0 || len(plugged) != 1 || plugged[0][1] != "abb-terra-ac-1" {
		t.Errorf("ctl list at the printed address: want only abb-terra-ac-1 plugged in:\n%s", list)
	}
}
