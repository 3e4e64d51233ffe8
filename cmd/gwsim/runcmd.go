package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

type runOptions struct {
	devices  string
	host     string
	basePort int
	elListen string
	elGroup  string
	control  string
	tick     time.Duration
	// plug names the devices whose EV is plugged in from the start.
	plug []string
}

func newRunCmd(out, errOut io.Writer) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run simulated chargers until interrupted",
		Long: `Run simulated chargers until interrupted.

Modbus TCP models (abb-terra-ac, alfen-eve, keba-p30, schneider-evlink) get
one server each, on consecutive ports from --base-port. abb-terra-ac-rtu
devices are units 1..N on one Modbus RTU bus served on a pseudo-terminal;
its path (/dev/pts/N) is printed as their address: point a Bus resource's
device at it. ECHONET Lite models (el-02a1, el-027e) are instances 1..N of
their class on one EL node at --el-listen, which announces changes (INF) to
--el-group. goe-charger devices serve the go-e HTTP API v2 (/api/status,
/api/set), one server each, on the next ports.`,
		Example: `  gwsim run --devices abb-terra-ac:5,alfen-eve:5 --base-port 15020
  gwsim run --devices keba-p30:2,schneider-evlink:1,el-02a1:3,el-027e:1,abb-terra-ac-rtu:3
  gwsim run --devices abb-terra-ac:1000 --base-port 0   # any free ports
  gwsim run --devices abb-terra-ac:2 --plug abb-terra-ac-1  # one EV plugged in from the start`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), out, errOut) },
	}
	f := cmd.Flags()
	f.StringVar(&o.devices, "devices", "abb-terra-ac:1", "devices to run, model:count[,model:count]; models: "+strings.Join(modelNames(), ", "))
	f.StringVar(&o.host, "host", "127.0.0.1", "address the devices listen on")
	f.IntVar(&o.basePort, "base-port", 15020, "first Modbus TCP port; devices take consecutive ports (0: any free port)")
	// Not 3610: a gateway on the same host owns that port, and devices answer
	// the requester's port anyway.
	f.StringVar(&o.elListen, "el-listen", "127.0.0.1:13610", "UDP address of the ECHONET Lite node (all EL devices, as instances)")
	f.StringVar(&o.elGroup, "el-group", "127.0.0.1:3610", "where the EL node sends INF announcements (224.0.23.0:3610 for multicast)")
	f.StringVar(&o.control, "control", "127.0.0.1:8900", "address of the control API")
	f.DurationVar(&o.tick, "tick", 200*time.Millisecond, "physics step")
	f.StringSliceVar(&o.plug, "plug", nil, "devices whose EV is plugged in from the start, e.g. abb-terra-ac-1")
	return cmd
}

func (o *runOptions) run(ctx context.Context, out, errOut io.Writer) error {
	f, stop, err := o.start(out)
	if err != nil {
		return err
	}
	defer stop()
	return o.step(ctx, f, errOut)
}

// start runs the devices and the control API and prints their table; stop
// closes both.
func (o *runOptions) start(out io.Writer) (f *fleet, stop func(), err error) {
	spec, err := parseSpec(o.devices)
	if err != nil {
		return nil, nil, err
	}
	f = &fleet{}
	cfg := fleetConfig{host: o.host, basePort: o.basePort, elListen: o.elListen, elGroup: o.elGroup}
	if err := f.start(spec, cfg, time.Now()); err != nil {
		return nil, nil, err
	}
	for _, name := range o.plug {
		d, err := f.get(name)
		if err != nil {
			f.close()
			return nil, nil, fmt.Errorf("--plug: %w", err)
		}
		d.charger.Plug(true)
	}
	ln, err := net.Listen("tcp", o.control)
	if err != nil {
		f.close()
		return nil, nil, fmt.Errorf("--control: %w", err)
	}
	f.control = ln.Addr().String()
	srv := &http.Server{Handler: controlHandler(f), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)

	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "control: http://%s\nNAME\tMODEL\tADDRESS\tUNITS/EOJ\n", ln.Addr())
	for _, d := range f.devices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Model, d.Address, d.where())
	}
	tw.Flush()
	return f, func() { srv.Close(); f.close() }, nil
}

// step runs the physics until ctx ends.
func (o *runOptions) step(ctx context.Context, f *fleet, errOut io.Writer) error {
	t := time.NewTicker(o.tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil
			}
			return ctx.Err()
		case now := <-t.C:
			if err := f.step(now); err != nil {
				fmt.Fprintf(errOut, "step: %v\n", err)
			}
		}
	}
}
