package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// rssBoundKB is the peak RSS gwd or gwctl may reach on any bad input: a
// generous bound (the race detector's shadow memory included) far below
// the gigabytes these inputs once took.
const rssBoundKB = 300 << 10

// badInput is one of the inputs that used to end gwd with "fatal error: out
// of memory".
type badInput struct {
	name, file string
	data       []byte
}

func badInputs() []badInput {
	nested := func(depth, keyLen int) []byte {
		k := `{"` + strings.Repeat("k", keyLen) + `":`
		return []byte(strings.Repeat(k, depth) + "1" + strings.Repeat("}", depth))
	}
	alias := func(size, n int) []byte {
		return []byte("apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: bad\nspec:\n  a: &a \"" +
			strings.Repeat("x", size) + "\"\n  b: [" + strings.Repeat("*a, ", n) + "*a]\n")
	}
	return []badInput{
		{"nested JSON 810 KB", "nested.json", nested(8000, 100)},
		{"nested JSON 3 MB", "nested3.json", nested(9000, 330)},
		{"YAML alias of 2 MB", "alias.yaml", alias(2<<20, 1300)},
		{"YAML alias of 4 MB", "alias4.yaml", alias(4<<20, 1300)},
		{"a million tiny YAML values", "tiny.yaml", []byte("a: [" + strings.Repeat("1,", 1<<20) + "1]\n")},
	}
}

// procStatusKB reads a "VmHWM:" or "VmRSS:" line of /proc/<pid>/status.
func procStatusKB(pid int, field string) (int64, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// guardRSS kills pid as soon as its resident memory passes rssBoundKB, so a
// regression fails the test instead of taking the machine's memory. It
// returns a stop function reporting whether it had to kill.
func guardRSS(pid int) (stop func() bool) {
	done, killed := make(chan struct{}), make(chan bool, 1)
	go func() {
		for {
			if kb, ok := procStatusKB(pid, "VmRSS"); ok && kb > rssBoundKB {
				syscall.Kill(pid, syscall.SIGKILL)
				killed <- true
				return
			}
			select {
			case <-done:
				killed <- false
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() bool { close(done); return <-killed }
}

func checkPeak(t *testing.T, what string, pid int) {
	t.Helper()
	hwm, ok := procStatusKB(pid, "VmHWM")
	if !ok {
		t.Fatalf("%s: no VmHWM for pid %d (did it die?)", what, pid)
	}
	t.Logf("%s: peak RSS (VmHWM) %d MB", what, hwm>>10)
	if hwm > rssBoundKB {
		t.Fatalf("%s: peak RSS %d kB over %d kB", what, hwm, rssBoundKB)
	}
}

// TestBadInputAPI sends each bad input to /apply and as a POST of one
// object: each is refused with a 4xx naming what was wrong, and gwd stays up
// with its peak RSS bounded.
func TestBadInputAPI(t *testing.T) {
	d := startGwd(t, t.TempDir())
	stop := guardRSS(d.cmd.Process.Pid)
	cfg := d.client(t)
	base := strings.TrimSuffix(serverURL(t, d), "/") + "/apis/ocppgw.dev/v1alpha1"
	for _, in := range badInputs() {
		for _, path := range []string{"/apply", "/secrets"} {
			resp, err := d.request(t, http.MethodPost, base+path, "application/yaml", bytes.NewReader(in.data))
			if err != nil {
				stop()
				t.Fatalf("%s to %s: %v\n%s", in.name, path, err, tail(d.logs.String()))
			}
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 4 || !strings.Contains(body.String(), `"kind":"Status"`) {
				t.Errorf("%s to %s: got %d %.300s", in.name, path, resp.StatusCode, body.String())
			}
			t.Logf("%s to %s: %d %.160s", in.name, path, resp.StatusCode, body.String())
		}
	}
	if stop() {
		t.Fatalf("gwd passed %d kB of RSS and was killed", rssBoundKB)
	}
	if _, err := cfg.Version(context.Background()); err != nil {
		t.Fatalf("gwd no longer answers: %v", err)
	}
	checkPeak(t, "gwd after the bad inputs", d.cmd.Process.Pid)
	d.stop(t)
}

func serverURL(t *testing.T, d *daemon) string {
	t.Helper()
	return d.config(t).Server
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// TestBadInputConfigDirFreshStore: on a store that never had a
// configuration, a bad file leaves gwd up and empty, with the file logged.
func TestBadInputConfigDirFreshStore(t *testing.T) {
	cfgDir, in := t.TempDir(), badInputs()[2]
	bad := filepath.Join(cfgDir, in.file)
	if err := os.WriteFile(bad, in.data, 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(cfgDir, "a.yaml"), secretDoc("s1"))
	d := startGwd(t, t.TempDir(), "--config-dir", cfgDir)
	stop := guardRSS(d.cmd.Process.Pid)
	testutil.Eventually(t, 20*time.Second, "the bad file refused at start", testutil.Holds(func() bool {
		return strings.Contains(d.logs.String(), "configuration directory not applied") && strings.Contains(d.logs.String(), bad)
	}))
	if stop() {
		t.Fatalf("gwd passed %d kB of RSS and was killed", rssBoundKB)
	}
	if got := names(t, d.client(t), "Secret"); got != "" {
		t.Fatalf("Secrets %q after a refused sync on an empty store", got)
	}
	d.stop(t)
}

// TestBadInputConfigDir puts each bad input in --config-dir: gwd starts,
// keeps the configuration it had, logs the file, and does the same on
// SIGHUP; once the file is gone a SIGHUP applies the directory again.
func TestBadInputConfigDir(t *testing.T) {
	dataDir, cfgDir := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(cfgDir, "a.yaml"), secretDoc("s1"))
	d := startGwd(t, dataDir, "--config-dir", cfgDir)
	testutil.Eventually(t, 20*time.Second, "s1 applied at start", testutil.Holds(func() bool { return names(t, d.client(t), "Secret") == "s1" }))
	d.stop(t)
	for _, in := range badInputs() {
		t.Run(in.name, func(t *testing.T) {
			bad := filepath.Join(cfgDir, in.file)
			if err := os.WriteFile(bad, in.data, 0o644); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(bad)
			writeFile(t, filepath.Join(cfgDir, "b.yaml"), secretDoc("s2"))
			defer os.Remove(filepath.Join(cfgDir, "b.yaml"))
			d := startGwd(t, dataDir, "--config-dir", cfgDir)
			stop := guardRSS(d.cmd.Process.Pid)
			refused := func() bool {
				return strings.Count(d.logs.String(), "configuration directory not applied") == 1 && strings.Contains(d.logs.String(), bad)
			}
			testutil.Eventually(t, 20*time.Second, "the bad file refused at start", testutil.Holds(refused))
			d.cmd.Process.Signal(syscall.SIGHUP)
			testutil.Eventually(t, 20*time.Second, "the bad file refused on SIGHUP", testutil.Holds(func() bool {
				return strings.Count(d.logs.String(), "configuration directory not applied") == 2
			}))
			if stop() {
				t.Fatalf("gwd passed %d kB of RSS and was killed", rssBoundKB)
			}
			if got := names(t, d.client(t), "Secret"); got != "s1" {
				t.Fatalf("Secrets %q after a refused sync, want the old s1", got)
			}
			checkPeak(t, "gwd with "+in.file, d.cmd.Process.Pid)
			d.stop(t)
		})
	}
}

// TestBadInputGwctl gives each bad input to gwctl apply: it exits with an
// error naming the file and the limit, within the same memory bound.
func TestBadInputGwctl(t *testing.T) {
	dir := t.TempDir()
	for _, in := range badInputs() {
		file := filepath.Join(dir, in.file)
		if err := os.WriteFile(file, in.data, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := measuredCommand(filepath.Join(binDir, "gwctl"), "--server", "http://127.0.0.1:1", "apply", "-f", file)
		var errOut, out bytes.Buffer
		cmd.Stderr, cmd.Stdout = &errOut, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		stop := guardRSS(cmd.Process.Pid)
		err := cmd.Wait()
		if stop() {
			t.Fatalf("%s: gwctl passed %d kB of RSS and was killed", in.name, rssBoundKB)
		}
		if strings.Contains(out.String(), "killed over the bound") {
			t.Fatalf("%s: gwctl passed %d kB of RSS and was killed", in.name, rssBoundKB)
		}
		maxRSS, ok := measuredMaxRSS(out.String())
		if !ok {
			t.Fatalf("%s: no peak RSS reported: %q %q", in.name, out.String(), errOut.String())
		}
		t.Logf("%s: gwctl exit %v, peak RSS %d MB: %s", in.name, err, maxRSS>>10, strings.TrimSpace(errOut.String()))
		if err == nil || !strings.Contains(errOut.String(), file) || !strings.Contains(errOut.String(), "exceeds the limit") {
			t.Errorf("%s: gwctl %v, stderr %q; want an error naming %s and the limit", in.name, err, errOut.String(), file)
		}
		if maxRSS > rssBoundKB {
			t.Errorf("%s: gwctl peak RSS %d kB over %d kB", in.name, maxRSS, rssBoundKB)
		}
	}
}

// maxRSSEnv makes the test binary, started by measuredCommand, run the
// command in its arguments and print the command's peak RSS. A child of
// the test process itself would report the test's own high-water mark: the
// kernel carries the parent's into a child at exec.
const maxRSSEnv = "OCPPGW_TEST_MAXRSS_RUN"

func init() {
	if os.Getenv(maxRSSEnv) != "1" {
		return
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(125)
	}
	stop := guardRSS(cmd.Process.Pid)
	cmd.Wait()
	if stop() {
		fmt.Printf("\nkilled over the bound of %d kB\n", rssBoundKB)
		os.Exit(125)
	}
	fmt.Printf("\nmaxrss-kB %d\n", cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
	os.Exit(cmd.ProcessState.ExitCode())
}

// measuredCommand runs name with args under the test binary, which reports
// its peak RSS on the last line of stdout; see measuredMaxRSS.
func measuredCommand(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{name}, args...)...)
	cmd.Env = append(os.Environ(), maxRSSEnv+"=1")
	return cmd
}

func measuredMaxRSS(stdout string) (int64, bool) {
	i := strings.LastIndex(stdout, "maxrss-kB ")
	if i < 0 {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(stdout[i+len("maxrss-kB "):]), 10, 64)
	return n, err == nil
}
