package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// mappingTestOptions holds the flags of `gwctl mapping test`.
type mappingTestOptions struct {
	root    *rootOptions
	streams IOStreams
	name    string
	output  string
}

func newMappingCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "mapping", Short: "Work with charger mappings"}
	o := &mappingTestOptions{root: root, streams: streams}
	test := &cobra.Command{
		Use:   "test CHARGER",
		Short: "Read a charger's device once and show the signals and OCPP messages its template makes",
		Long: `Read the live device of a charger once through gwd and print the raw values it
answered, the canonical signals the template computes from them, and the
StatusNotification and MeterValues payloads the station would send. Signals and
commands the template does not provide are listed as unsupported.`,
		Example: `  gwctl mapping test wb-garage-1
  gwctl mapping test wb-garage-1 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	test.Flags().StringVarP(&o.output, "output", "o", "", "output format: json (default: human-readable)")
	cmd.AddCommand(test)
	return cmd
}

// Validate checks the output format.
func (o *mappingTestOptions) Validate() error {
	if o.output != "" && o.output != "json" {
		return fmt.Errorf("--output %q: want json or nothing", o.output)
	}
	return nil
}

// Run asks gwd for one live read and prints it.
func (o *mappingTestOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	res, err := c.MappingTest(rctx, o.name)
	if err != nil {
		return err
	}
	if o.output == "json" {
		enc := json.NewEncoder(o.streams.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return printMappingTest(o.streams.Out, res)
}

func printMappingTest(out io.Writer, res *v1alpha1.MappingTest) error {
	fmt.Fprintf(out, "Charger:   %s\nTemplate:  %s (%s)\n\nRaw values:\n", res.Charger, res.Template, res.Protocol)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, name := range slices.Sorted(maps.Keys(res.Raw.Registers)) {
		fmt.Fprintf(tw, "  %s\t%v\n", name, res.Raw.Registers[name])
	}
	for _, epc := range slices.Sorted(maps.Keys(res.Raw.EPC)) {
		fmt.Fprintf(tw, "  EPC %s\t%s\n", epc, res.Raw.EPC[epc])
	}
	tw.Flush()
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
