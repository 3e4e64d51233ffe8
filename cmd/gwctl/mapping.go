package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// mappingTestOptions holds the flags of `gwctl mapping test`.
type mappingTestOptions struct {
	root    *rootOptions
	streams IOStreams
	name    string
	output  string
	// Trying a template on a device no Charger describes yet.
	template string
	conn     string // any registered protocol's connection, as JSON
	timeout  time.Duration
	// flags holds the connection flags the protocols declare
	// (drivers.MappingTestFlags), whose values are read from fs.
	flags []drivers.ConnectionFlag
	fs    *pflag.FlagSet
}

func newMappingCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "mapping", Short: root.t("gwctl.mapping.short")}
	o := &mappingTestOptions{root: root, streams: streams}
	examples := []string{"  gwctl mapping test wb-garage-1", "  gwctl mapping test wb-garage-1 -o json"}
	test := &cobra.Command{
		Use:   "test CHARGER | --template TEMPLATE CONNECTION",
		Short: root.t("gwctl.mapping.test.short"),
		Long:  root.t("gwctl.mapping.test.long"),
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.name = args[0]
			}
			if err := o.Validate(); err != nil {
				return &exitError{code: 2, err: err}
			}
			return o.Run(cmd.Context())
		},
	}
	f := test.Flags()
	o.fs = f
	f.StringVarP(&o.output, "output", "o", "", "output format: json (default: human-readable)")
	f.StringVar(&o.template, "template", "", "try this template on the device given by a connection flag, without a Charger")
	for _, name := range drivers.Names() {
		if p, _ := drivers.Lookup(name); p.MappingTestFlags != nil {
			o.flags = append(o.flags, p.MappingTestFlags.Flags(f)...)
			if p.MappingTestFlags.Example != "" {
				examples = append(examples, p.MappingTestFlags.Example)
			}
		}
	}
	f.StringVar(&o.conn, "connection", "", `with --template: the device's connection as a Charger's spec.connection in JSON, for any protocol: '{"goe": {"url": "http://192.168.1.60"}}'`)
	f.DurationVar(&o.timeout, "timeout", 0, "with --template: the per-request timeout (default: the transport's)")
	test.Example = strings.Join(append(examples, `  gwctl mapping test --template goe-charger --connection '{"goe": {"url": "http://192.168.1.60"}}'`), "\n")
	cmd.AddCommand(test)
	return cmd
}

// given returns the connection flags given a value.
func (o *mappingTestOptions) given() []drivers.ConnectionFlag {
	var out []drivers.ConnectionFlag
	for _, c := range o.flags {
		if o.fs.Lookup(c.Name).Value.String() != "" {
			out = append(out, c)
		}
	}
	return out
}

// connectionFlags lists the flags that give a connection: "--a, --b or
// --connection".
func (o *mappingTestOptions) connectionFlags() string {
	names := make([]string, 0, len(o.flags))
	for _, c := range o.flags {
		names = append(names, "--"+c.Name)
	}
	if len(names) == 0 {
		return "--connection"
	}
	return strings.Join(names, ", ") + " or --connection"
}

// Validate checks the output format and that either a charger or a
// template with exactly one connection is given.
func (o *mappingTestOptions) Validate() error {
	if o.output != "" && o.output != "json" {
		return fmt.Errorf("--output %q: want json or nothing", o.output)
	}
	conns := len(o.given())
	if o.conn != "" {
		conns++
	}
	switch {
	case o.name != "" && (o.template != "" || conns > 0):
		return fmt.Errorf("give either a charger or --template with a connection, not both")
	case o.name == "" && o.template == "":
		return fmt.Errorf("give a charger, or --template with a connection (%s)", o.connectionFlags())
	case o.template != "" && conns != 1:
		return fmt.Errorf("--template needs exactly one of %s", o.connectionFlags())
	}
	return nil
}

// request builds the mapping test of a template on the flags' connection.
func (o *mappingTestOptions) request() (v1alpha1.MappingTestRequest, error) {
	req := v1alpha1.MappingTestRequest{Template: o.template}
	timeout := v1alpha1.Duration("")
	if o.timeout > 0 {
		timeout = v1alpha1.Duration(o.timeout.String())
	}
	if o.conn != "" {
		if err := json.Unmarshal([]byte(o.conn), &req.Connection); err != nil {
			return req, fmt.Errorf("--connection: %w", err)
		}
		return req, nil
	}
	var err error
	req.Connection, err = o.given()[0].Build(timeout)
	return req, err
}

// Run asks gwd for one live read and prints it.
func (o *mappingTestOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	var res *v1alpha1.MappingTest
	if o.template != "" {
		req, err := o.request()
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		res, err = c.TryTemplate(rctx, req)
		if err != nil {
			return err
		}
	} else if res, err = c.MappingTest(rctx, o.name); err != nil {
		return err
	}
	if o.output == "json" {
		return writeJSONTo(o.streams.Out, res)
	}
	return printMappingTest(o.streams.Out, res)
}

func printMappingTest(out io.Writer, res *v1alpha1.MappingTest) error {
	fmt.Fprintf(out, "Charger:   %s\nTemplate:  %s (%s)\n", cmp.Or(res.Charger, "(none: template tried on the given connection)"), res.Template, res.Protocol)
	for _, n := range res.Notes {
		fmt.Fprintf(out, "Note:      %s\n", n)
	}
	fmt.Fprintf(out, "\nRaw values:\n")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, name := range slices.Sorted(maps.Keys(res.Raw.Registers)) {
		fmt.Fprintf(tw, "  %s\t%v\n", name, res.Raw.Registers[name])
	}
	for _, epc := range slices.Sorted(maps.Keys(res.Raw.EPC)) {
		fmt.Fprintf(tw, "  EPC %s\t%s\n", epc, res.Raw.EPC[epc])
	}
	for _, key := range slices.Sorted(maps.Keys(res.Raw.Data)) {
		fmt.Fprintf(tw, "  %s\t%s\n", key, res.Raw.Data[key])
	}
	tw.Flush()
	for _, f := range res.ReadFailures {
		fmt.Fprintf(out, "  not read: %s\n", f)
	}
	for _, c := range res.Connectors {
		fmt.Fprintf(out, "\nSignals of EVSE %d connector %d:\n", c.EVSEID, c.ConnectorID)
		tw = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, s := range v1alpha1.SignalNames {
			v, ok := c.Signals[s]
			switch {
			case ok:
				fmt.Fprintf(tw, "  %s\t%v\n", s, v)
			case slices.Contains(res.UnsupportedSignals, s):
				fmt.Fprintf(tw, "  %s\tunsupported (the template does not map it)\n", s)
			case c.Unknown[s] != "":
				fmt.Fprintf(tw, "  %s\tunknown: %s\n", s, c.Unknown[s])
			default:
				fmt.Fprintf(tw, "  %s\tfailed (see errors)\n", s)
			}
		}
		tw.Flush()
	}
	for _, e := range res.Errors {
		fmt.Fprintf(out, "error: %s\n", e)
	}
	fmt.Fprintf(out, "\nCommands:     %s\nUnsupported:  %s\n", orNone(res.Commands), orNone(res.UnsupportedCommands))
	if len(res.OCPP) > 0 {
		var pretty strings.Builder
		var v any
		if json.Unmarshal(res.OCPP, &v) == nil {
			b, _ := json.MarshalIndent(v, "", "  ")
			pretty.Write(b)
		}
		fmt.Fprintf(out, "\nOCPP the station would send:\n%s\n", pretty.String())
	}
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
