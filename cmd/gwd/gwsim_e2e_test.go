package main

// The processes and ports of the device end-to-end test: gwsim, free
// loopback ports, and a `gwctl get chargers -w` reader.

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// requirePTY skips where gwsim cannot make its RS-485 pty, unless in CI.
func requirePTY(t *testing.T) {
	t.Helper()
	_, err := os.Stat("/dev/ptmx")
	if runtime.GOOS == "linux" && err == nil {
		return
	}
	msg := fmt.Sprintf("gwsim's Modbus RTU bus needs a Linux pty (/dev/ptmx): %s, %v", runtime.GOOS, err)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// loopbackInterface is the name of the loopback interface ("lo").
func loopbackInterface(t *testing.T) string {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 && i.Flags&net.FlagUp != 0 {
			return i.Name
		}
	}
	t.Fatal("no loopback interface is up")
	return ""
}

// startGwsim runs `gwsim run` with its Modbus TCP devices on a range of
// free ports, its EL node announcing to elGroup, and returns once it has
// printed every device. A range taken in the meantime is tried again.
func startGwsim(t *testing.T, devices, elGroup string) *gwsimProc {
	t.Helper()
	for attempt := 1; ; attempt++ {
		g, err := runGwsim(t, devices, elGroup, testutil.FreeTCPRange(t, simTCPDevices), simFleetSize)
		if err == nil {
			return g
		}
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			t.Fatal(err)
		}
	}
}

// runGwsim runs `gwsim run` and waits until it has printed size devices;
// basePort 0 lets gwsim pick free ports.
func runGwsim(t *testing.T, devices, elGroup string, basePort, size int) (*gwsimProc, error) {
	t.Helper()
	g := &gwsimProc{logs: &testutil.Buffer{}, exited: make(chan struct{})}
	g.cmd = exec.Command(filepath.Join(binDir, "gwsim"), "run", "--devices", devices, "--host", "127.0.0.1",
		"--base-port", fmt.Sprint(basePort), "--control", "127.0.0.1:0", "--el-listen", "127.0.0.1:0", "--el-group", elGroup)
	g.cmd.Stderr = g.logs
	out, err := g.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { g.cmd.Wait(); close(g.exited) }()
	table := make(chan simDevice)
	go func() {
		defer close(table)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 2 && f[0] == "control:":
				g.control = f[1]
			case len(f) >= 4 && f[0] != "NAME":
				table <- simDevice{name: f[0], model: f[1], address: f[2], units: strings.Join(f[3:], " ")}
			}
		}
	}()
	timeout := time.After(30 * time.Second)
	for len(g.devices) < size {
		select {
		case dev, ok := <-table:
			if !ok {
				<-g.exited
				return nil, fmt.Errorf("gwsim run ended after %d devices: %s", len(g.devices), g.logs)
			}
			g.devices = append(g.devices, dev)
		case <-timeout:
			g.kill()
			t.Fatalf("gwsim printed %d of %d devices: %s", len(g.devices), size, g.logs)
		}
	}
	go func() {
		for range table { // the table is complete; keep stdout drained
		}
	}()
	t.Cleanup(func() { g.stop(t) })
	return g, nil
}

func (g *gwsimProc) kill() {
	g.cmd.Process.Signal(syscall.SIGKILL)
	<-g.exited
}

// stop ends gwsim with SIGTERM, which it answers with a clean exit.
func (g *gwsimProc) stop(t *testing.T) {
	g.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-g.exited:
		if code := g.cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("gwsim exit code %d: %s", code, g.logs)
		}
	case <-time.After(10 * time.Second):
		g.kill()
		t.Errorf("gwsim did not stop on SIGTERM: %s", g.logs)
	}
}

// ctl runs `gwsim ctl` against g and fails the test when it fails.
func (g *gwsimProc) ctl(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(filepath.Join(binDir, "gwsim"), append([]string{"ctl", "--server", g.control}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("gwsim ctl %v: %v\n%s", args, err, out)
	}
}

// watchLine is one line of `gwctl get -w` and when it arrived.
type watchLine struct {
	at   time.Time
	text string
}

// watchChargers runs `gwctl get chargers -w`; stop ends it.
func watchChargers(t *testing.T, d *daemon) (<-chan watchLine, func()) {
	t.Helper()
	cmd := exec.Command(filepath.Join(binDir, "gwctl"), "--config", filepath.Join(d.dataDir, "gwctl.yaml"), "get", "chargers", "-w")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan watchLine, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- watchLine{time.Now(), sc.Text()}
		}
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cmd.Process.Signal(syscall.SIGINT)
		drained := make(chan struct{})
		go func() {
			for range lines { // what gwctl printed after the test stopped reading
			}
			close(drained)
		}()
		select {
		case <-drained:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		cmd.Wait()
	}
	t.Cleanup(stop)
	return lines, stop
}

func nextLine(t *testing.T, lines <-chan watchLine, what string) watchLine {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatalf("gwctl get -w ended while waiting for %s", what)
		}
		return l
	case <-time.After(30 * time.Second):
		t.Fatalf("gwctl get -w: timed out waiting for %s", what)
	}
	return watchLine{}
}

// kebaChargerDoc is a Charger of gwsim's KEBA P30 device dev (Modbus TCP,
// unit 255), polled every poll, with ocpp the indented body of spec.ocpp.
func kebaChargerDoc(t *testing.T, name string, dev simDevice, poll, ocpp string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(dev.address)
	if err != nil {
		t.Fatalf("gwsim device %s address %q: %v", dev.name, dev.address, err)
	}
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: %s}
spec:
  templateRef: keba-p30
  pollInterval: %s
  connection:
    modbusTCP: {host: %s, port: %s, unitId: 255, timeout: 300ms}
  ocpp:
%s`, name, poll, host, port, ocpp)
}
