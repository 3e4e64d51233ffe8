package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/spf13/cobra"
)

// logLevelOptions holds the arguments of `gwctl log-level`.
type logLevelOptions struct {
	root      *rootOptions
	streams   IOStreams
	reset     bool
	component string
	level     string
}

func newLogLevelCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &logLevelOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "log-level [COMPONENT [LEVEL]]",
		Short: root.t("gwctl.logLevel.short"),
		Long:  root.t("gwctl.logLevel.long"),
		Example: `  gwctl log-level
  gwctl log-level controllers/charger debug
  gwctl log-level ocpp/CP001 trace
  gwctl log-level ocpp/CP001 --reset`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.reset, "reset", false, "drop COMPONENT's own level")
	return cmd
}

// Complete takes the component and level from the arguments.
func (o *logLevelOptions) Complete(args []string) error {
	if len(args) > 0 {
		o.component = args[0]
	}
	if len(args) > 1 {
		o.level = args[1]
	}
	return nil
}

// Validate refuses a level word gwd would refuse, and half a change.
func (o *logLevelOptions) Validate() error {
	switch {
	case o.reset && (o.component == "" || o.level != ""):
		return fmt.Errorf("--reset takes a COMPONENT and no LEVEL")
	case !o.reset && o.component != "" && o.level == "":
		return fmt.Errorf("give a LEVEL for %s (trace, debug, info, warn, error), or --reset", o.component)
	case o.level != "":
		_, err := logging.ParseLevel(o.level)
		return err
	}
	return nil
}

// Run lists, sets or resets, then prints the levels in force.
func (o *logLevelOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	var levels []logging.ComponentLevel
	switch {
	case o.reset:
		levels, err = c.ResetLogLevel(rctx, o.component)
	case o.level != "":
		levels, err = c.SetLogLevel(rctx, o.component, o.level)
	default:
		levels, err = c.LogLevels(rctx)
	}
	if err != nil {
		return fmt.Errorf("log levels: %w", err)
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "COMPONENT\tLEVEL")
	for _, l := range levels {
		fmt.Fprintf(tw, "%s\t%s\n", l.Component, l.Level)
	}
	return tw.Flush()
}
