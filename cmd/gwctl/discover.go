package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// discoverOptions holds the flags of `gwctl discover`.
type discoverOptions struct {
	root      *rootOptions
	streams   IOStreams
	output    string
	bus, tcp  string
	units     string
	templates []string
	window    time.Duration
}

func newDiscoverCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &discoverOptions{root: root, streams: streams}
	cmd := &cobra.Command{Use: "discover", Short: root.t("gwctl.discover.short")}
	cmd.PersistentFlags().StringVarP(&o.output, "output", "o", "", "output format: json (default: a table)")
	mb := &cobra.Command{
		Use:   "modbus (--bus BUS | --tcp HOST[:PORT]) [--units LIST]",
		Short: root.t("gwctl.discover.modbus.short"),
		Long:  root.t("gwctl.discover.modbus.long"),
		Example: `  gwctl discover modbus --bus rs485-1 --units 1-25
  gwctl discover modbus --tcp 192.168.1.40 --units 1,255
  gwctl discover modbus --tcp 192.168.1.41:502 --units 1 --template alfen-eve,abb-terra-ac`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.runModbus(cmd.Context()) },
	}
	mb.Flags().StringVar(&o.bus, "bus", "", "the Bus (RS-485 line) to scan")
	mb.Flags().StringVar(&o.tcp, "tcp", "", "the Modbus TCP address to scan, host[:port]")
	mb.Flags().StringVar(&o.units, "units", "", "unit ids: a list and ranges such as 1-10,200 (default 1-10 on a bus, 1,255 over TCP)")
	mb.Flags().StringSliceVar(&o.templates, "template", nil, "only try these templates")
	el := &cobra.Command{
		Use:   "echonet",
		Short: root.t("gwctl.discover.echonet.short"),
		Long:  root.t("gwctl.discover.echonet.long"),
		Example: `  gwctl discover echonet
  gwctl discover echonet --window 5s -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.runEchonet(cmd.Context()) },
	}
	el.Flags().DurationVar(&o.window, "window", 3*time.Second, "how long to collect answers")
	cmd.AddCommand(mb, el)
	return cmd
}

func (o *discoverOptions) runModbus(ctx context.Context) error {
	req := v1alpha1.ModbusDiscoverRequest{BusRef: o.bus, Templates: o.templates}
	def := "1-10"
	switch {
	case (o.bus == "") == (o.tcp == ""):
		return &exitError{code: 2, err: fmt.Errorf("give exactly one of --bus or --tcp")}
	case o.tcp != "":
		host, port, err := hostPort("--tcp", o.tcp)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		req.ModbusTCP = &v1alpha1.ModbusTCPConnection{Host: host, Port: port}
		def = "1,255"
	}
	units, err := parseUnits(cmp.Or(o.units, def))
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	req.Units = units
	var res v1alpha1.ModbusDiscoverResult
	if err := o.call(ctx, "modbus", req, &res); err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSONTo(o.streams.Out, res)
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UNIT\tANSWERED\tTEMPLATES\tWHY NOT (first other template)")
	for _, u := range res.Units {
		why := "-"
		for _, name := range slices.Sorted(maps.Keys(u.Mismatches)) {
			why = name + ": " + u.Mismatches[name]
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.Unit, yesNo(u.Answered), cmp.Or(strings.Join(u.Matches, ","), "-"), why)
	}
	return tw.Flush()
}

func (o *discoverOptions) runEchonet(ctx context.Context) error {
	req := v1alpha1.EchonetDiscoverRequest{Window: v1alpha1.Duration(o.window.String())}
	var res v1alpha1.EchonetDiscoverResult
	if err := o.call(ctx, "echonet", req, &res); err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSONTo(o.streams.Out, res)
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tEOJ\tCLASS\tMAKER\tTEMPLATES\tGET MAP\tSET MAP")
	var problems []string
	for _, n := range res.Nodes {
		if len(n.Objects) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\n", n.Address)
		}
		if n.Error != "" {
			problems = append(problems, n.Address+": "+n.Error)
		}
		for _, ob := range n.Objects {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.Address, ob.EOJ, cmp.Or(ob.Class, "-"), cmp.Or(ob.Maker, "-"),
				cmp.Or(strings.Join(ob.Matches, ","), "-"), cmp.Or(strings.Join(ob.GetMap, " "), "-"), cmp.Or(strings.Join(ob.SetMap, " "), "-"))
			if ob.Error != "" {
				problems = append(problems, n.Address+" "+ob.EOJ+": "+ob.Error)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(o.streams.ErrOut, "warning: %s\n", p)
	}
	return nil
}

func (o *discoverOptions) call(ctx context.Context, protocol string, req, out any) error {
	if o.output != "" && o.output != "json" {
		return &exitError{code: 2, err: fmt.Errorf("--output %q: want json or nothing", o.output)}
	}
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	// A scan takes as long as the devices make it; --request-timeout still
	// bounds it when set.
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	return c.Discover(rctx, protocol, req, out)
}

// parseUnits reads "1-10,200" into unit ids.
func parseUnits(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b > 255 || a > b {
			return nil, fmt.Errorf("--units %q: %q is not a unit id or range within 0..255", s, part)
		}
		for u := a; u <= b; u++ {
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeJSONTo prints v as indented JSON, the -o json of every command.
func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
