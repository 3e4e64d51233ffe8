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
	control  string
	tick     time.Duration
}

func newRunCmd(out, errOut io.Writer) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run simulated chargers until interrupted",
		Example: `  gwsim run --devices abb-terra-ac:5,alfen-eve:5 --base-port 15020
  gwsim run --devices abb-terra-ac:1000 --base-port 0   # any free ports`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), out) },
	}
	f := cmd.Flags()
	f.StringVar(&o.devices, "devices", "abb-terra-ac:1", "devices to run, model:count[,model:count]; models: "+strings.Join(modelNames(), ", "))
	f.StringVar(&o.host, "host", "127.0.0.1", "address the devices listen on")
	f.IntVar(&o.basePort, "base-port", 15020, "first Modbus TCP port; devices take consecutive ports (0: any free port)")
	f.StringVar(&o.control, "control", "127.0.0.1:8900", "address of the control API")
	f.DurationVar(&o.tick, "tick", 200*time.Millisecond, "physics step")
	return cmd
}

func (o *runOptions) run(ctx context.Context, out io.Writer) error {
	spec, err := parseSpec(o.devices)
	if err != nil {
		return err
	}
	f := &fleet{}
	if err := f.start(spec, o.host, o.basePort, time.Now()); err != nil {
		return err
	}
	defer f.close()
	ln, err := net.Listen("tcp", o.control)
	if err != nil {
		return fmt.Errorf("--control: %w", err)
	}
	srv := &http.Server{Handler: controlHandler(f), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "control: http://%s\nNAME\tMODEL\tADDRESS\tUNITS\n", ln.Addr())
	for _, d := range f.devices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\n", d.Name, d.Model, d.Address, d.Units)
	}
	tw.Flush()

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
			f.step(now)
		}
	}
}
