package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// chargerCommandOptions holds the flags of `gwctl charger command`.
type chargerCommandOptions struct {
	root    *rootOptions
	streams IOStreams
	charger string
	req     v1alpha1.ChargerCommand
	output  string
	setArgs []string // the flags given, to check they fit the command
}

func newChargerCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "charger", Short: root.t("gwctl.charger.short")}
	o := &chargerCommandOptions{root: root, streams: streams}
	run := &cobra.Command{
		Use:   "command CHARGER COMMAND",
		Short: root.t("gwctl.charger.command.short"),
		Long:  root.t("gwctl.charger.command.long", "Commands", strings.Join(v1alpha1.CommandNames, ", ")),
		Example: `  gwctl charger command wb-1 setCurrentLimit --limit 10
  gwctl charger command wb-1 setAvailable --available=false
  gwctl charger command wb-1 stop --connector 1`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.charger, o.req.Command = args[0], args[1]
			cmd.Flags().Visit(func(f *pflag.Flag) { o.setArgs = append(o.setArgs, f.Name) })
			if err := o.Validate(); err != nil {
				return &exitError{code: 2, err: err}
			}
			return o.Run(cmd.Context())
		},
	}
	f := run.Flags()
	f.Float64Var(&o.req.LimitA, "limit", 0, "setCurrentLimit: the limit in amperes")
	f.Float64Var(&o.req.LimitW, "power", 0, "setPowerLimit: the limit in watts")
	f.BoolVar(&o.req.Available, "available", true, "setAvailable: true makes the connector available, false unavailable")
	f.IntVar(&o.req.ConnectorID, "connector", 1, "the connector the command concerns")
	f.StringVarP(&o.output, "output", "o", "", "output format: json (default: one line)")
	cmd.AddCommand(run)
	return cmd
}

// argFlags says which flag each command needs.
var argFlags = map[string]string{"setCurrentLimit": "limit", "setPowerLimit": "power", "setAvailable": "available"}

// Validate checks the command name and that its argument, and only its
// argument, is given.
func (o *chargerCommandOptions) Validate() error {
	if !slices.Contains(v1alpha1.CommandNames, o.req.Command) {
		return fmt.Errorf("command %q is not one of %s", o.req.Command, strings.Join(v1alpha1.CommandNames, ", "))
	}
	need := argFlags[o.req.Command]
	if need != "" && need != "available" && !slices.Contains(o.setArgs, need) {
		return fmt.Errorf("%s needs --%s", o.req.Command, need)
	}
	for _, f := range []string{"limit", "power", "available"} {
		if f != need && slices.Contains(o.setArgs, f) {
			return fmt.Errorf("--%s does not apply to %s", f, o.req.Command)
		}
	}
	if o.req.LimitA < 0 || o.req.LimitW < 0 {
		return fmt.Errorf("a limit must not be negative")
	}
	if o.output != "" && o.output != "json" {
		return fmt.Errorf("--output %q: want json or nothing", o.output)
	}
	return nil
}

// Run sends the command to gwd and prints the outcome.
func (o *chargerCommandOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	res, err := c.Command(rctx, o.charger, o.req)
	if err != nil {
		return err
	}
	if o.output == "json" {
		if err := writeJSONTo(o.streams.Out, res); err != nil {
			return err
		}
	} else {
		line := fmt.Sprintf("%s %s: %s", res.Charger, res.Command, res.Result)
		if res.Message != "" {
			line += ": " + res.Message
		}
		fmt.Fprintln(o.streams.Out, line)
	}
	if res.Result != v1alpha1.CommandDone {
		return silentExit(1)
	}
	return nil
}
