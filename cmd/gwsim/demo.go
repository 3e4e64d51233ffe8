package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

type demoOptions struct {
	dir         string
	site        []string
	devices     string
	basePort    int
	simControl  string
	csmsListen  string
	csmsControl string
	apiListen   string
	plug        []string
	gwd, gwctl  string
}

func newDemoCmd(out, errOut io.Writer) *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo [-- GWD-FLAGS...]",
		Short: "Run simulated chargers, gwsim csms and gwd with a demo site until interrupted (make run)",
		Long: `Run a whole site on loopback until interrupted: the simulated chargers of
--devices, gwsim csms, and gwd as a child process on a fresh store in
<dir>/data (its log in <dir>/gwd.log). Once gwd's API answers, gwctl applies
--site, which must point its chargers at the simulated devices and its CSMS
at --csms-listen. Arguments after -- are passed to gwd.

SIGINT or SIGTERM stops gwd (SIGINT, then SIGKILL after 15 s), the CSMS and
the chargers. gwd runs in its own process group, so a Ctrl-C in the terminal
reaches it once, through this command.`,
		Example: `  gwsim demo
  gwsim demo --dir /tmp/ocppgw-demo -- --log-level debug`,
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args, out, errOut) },
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", ".demo", "working directory: gwd's store (recreated at each start) and log")
	f.StringArrayVar(&o.site, "site", []string{"examples/templates/", "examples/demo/"}, "manifests gwctl applies (repeatable)")
	f.StringVar(&o.devices, "devices", "abb-terra-ac:1,alfen-eve:1,keba-p30:1", "simulated chargers, as gwsim run --devices")
	f.StringSliceVar(&o.plug, "plug", []string{"abb-terra-ac-1"}, "devices whose EV is plugged in from the start (the demo site's AutoStart charger)")
	f.IntVar(&o.basePort, "base-port", 15020, "first Modbus TCP port of the simulated chargers")
	f.StringVar(&o.simControl, "control", "127.0.0.1:8900", "control API of the simulated chargers (gwsim ctl --server)")
	f.StringVar(&o.csmsListen, "csms-listen", "127.0.0.1:9000", "gwsim csms OCPP-J address")
	f.StringVar(&o.csmsControl, "csms-control", "127.0.0.1:9001", "gwsim csms control API (gwsim ctl --csms)")
	f.StringVar(&o.apiListen, "api-listen", "127.0.0.1:0", "gwd's admin API (gwctl finds it through <dir>/data/gwctl.yaml)")
	f.StringVar(&o.gwd, "gwd", "", "gwd binary (default: beside this gwsim)")
	f.StringVar(&o.gwctl, "gwctl", "", "gwctl binary (default: beside this gwsim)")
	return cmd
}

func (o *demoOptions) run(ctx context.Context, gwdArgs []string, out, errOut io.Writer) error {
	if err := o.binaries(); err != nil {
		return err
	}
	dataDir, err := freshDataDir(filepath.Join(o.dir, "data"))
	if err != nil {
		return err
	}
	c := newCSMS(60, out)
	stopCSMS, err := c.serve(o.csmsListen, "/ocpp", o.csmsControl, out)
	if err != nil {
		return err
	}
	defer stopCSMS()
	fl, stopSim, err := o.startSim(out, errOut)
	if err != nil {
		return err
	}
	defer stopSim()

	gwd, err := startChild(o.gwd, append([]string{"--data-dir", dataDir, "--api-listen", o.apiListen}, gwdArgs...),
		filepath.Join(o.dir, "gwd.log"))
	if err != nil {
		return err
	}
	defer gwd.stop()
	cfg := filepath.Join(dataDir, "gwctl.yaml")
	if err := o.apply(ctx, gwd, cfg, out); err != nil {
		if ctx.Err() != nil { // interrupted while starting: stop quietly
			return gwd.stop()
		}
		return err
	}
	o.printNext(ctx, c, fl, gwd, cfg, out)
	select {
	case <-ctx.Done():
		fmt.Fprintln(out, "stopping gwd, gwsim csms and the simulated chargers")
		return gwd.stop()
	case <-gwd.exited:
		return fmt.Errorf("gwd exited (%v); see %s", gwd.err, gwd.logPath)
	}
}

// binaries defaults gwd and gwctl to the ones beside this executable, as
// `make build` puts them in bin/, and checks they exist.
func (o *demoOptions) binaries() error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate gwsim: %w", err)
	}
	for _, b := range []struct {
		path *string
		name string
	}{{&o.gwd, "gwd"}, {&o.gwctl, "gwctl"}} {
		if *b.path == "" {
			*b.path = filepath.Join(filepath.Dir(self), b.name)
		}
		if _, err := os.Stat(*b.path); err != nil {
			return fmt.Errorf("--%s: %w (run make build, or pass --%s)", b.name, err, b.name)
		}
	}
	return nil
}

// demoMarker marks a data directory as made by gwsim demo, so that a fresh
// start never deletes a directory it did not create.
const demoMarker = ".gwsim-demo"

// freshDataDir empties dir for a new store: dir must not exist or be one
// that gwsim demo made.
func freshDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err == nil {
		if _, err := os.Stat(filepath.Join(abs, demoMarker)); err != nil {
			return "", fmt.Errorf("%s exists and was not made by gwsim demo; remove it or choose another --dir", abs)
		}
		if err := os.RemoveAll(abs); err != nil {
			return "", fmt.Errorf("clear the previous demo store: %w", err)
		}
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("demo store: %w", err)
	}
	return abs, os.WriteFile(filepath.Join(abs, demoMarker), nil, 0o600)
}

// startSim runs the simulated chargers in this process, as gwsim run does.
func (o *demoOptions) startSim(out, errOut io.Writer) (*fleet, func(), error) {
	sim := &runOptions{devices: o.devices, host: "127.0.0.1", basePort: o.basePort,
		elListen: "127.0.0.1:0", elGroup: "127.0.0.1:3610", control: o.simControl, tick: 200 * time.Millisecond, plug: o.plug}
	f, stop, err := sim.start(out)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { sim.step(ctx, f, errOut); close(done) }()
	return f, func() { cancel(); <-done; stop() }, nil
}

// apply waits for gwd to write its gwctl.yaml, then applies the site.
func (o *demoOptions) apply(ctx context.Context, gwd *child, cfg string, out io.Writer) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(cfg); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gwd wrote no %s within 30 s; see %s", cfg, gwd.logPath)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-gwd.exited:
			return fmt.Errorf("gwd exited (%v); see %s", gwd.err, gwd.logPath)
		case <-time.After(100 * time.Millisecond):
		}
	}
	args := []string{"--config", cfg, "apply"}
	for _, s := range o.site {
		args = append(args, "-f", s)
	}
	b, err := exec.CommandContext(ctx, o.gwctl, args...).CombinedOutput()
	out.Write(b)
	if err != nil {
		return fmt.Errorf("gwctl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// printNext waits up to 15 s for a station per simulated charger to reach
// the CSMS, then prints the site's chargers and the commands to try on them.
func (o *demoOptions) printNext(ctx context.Context, c *csms, f *fleet, gwd *child, cfg string, out io.Writer) {
	var ids []string
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && ctx.Err() == nil; time.Sleep(200 * time.Millisecond) {
		if ids = c.connected(); len(ids) >= len(f.devices) {
			break
		}
	}
	chargers, limits, err := readSite(o.site, f.devices)
	if err != nil {
		fmt.Fprintf(out, "reading the site for hints: %v\n", err)
	}
	rel := func(p string) string {
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
				return r
			}
		}
		return p
	}
	fmt.Fprintf(out, "\n%d station(s) connected to gwsim csms so far: %s. gwd (pid %d) logs to %s.\n",
		len(ids), strings.Join(ids, ", "), gwd.cmd.Process.Pid, rel(filepath.Join(o.dir, "gwd.log")))
	demoCommands{gwctl: rel(o.gwctl), gwsim: rel(filepath.Join(filepath.Dir(o.gwctl), "gwsim")), gwctlConfig: rel(cfg),
		simControl: f.control, csmsControl: c.controlAddr}.write(out, chargers, limits)
	fmt.Fprint(out, "Ctrl-C stops gwd, gwsim csms and the simulated chargers.\n\n")
}

// child is gwd running as a child process.
type child struct {
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	err     error // set before exited closes
}

func startChild(path string, args []string, logPath string) (*child, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("gwd log: %w", err)
	}
	c := &child{cmd: exec.Command(path, args...), logPath: logPath, exited: make(chan struct{})}
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = childAttr()
	if err := c.cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		log.Close()
		close(c.exited)
	}()
	return c, nil
}

// stop sends SIGINT and waits for the exit, killing the child after 15 s.
// It returns how the child exited; stopping one already gone is no error.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal gwd: %w", err)
	}
	select {
	case <-c.exited:
		if c.err != nil {
			return fmt.Errorf("gwd: %w; see %s", c.err, c.logPath)
		}
		return nil
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("gwd did not stop within 15 s of SIGINT and was killed; see %s", c.logPath)
	}
}
