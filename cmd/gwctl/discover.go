package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/drivers"
)

// discoverOptions holds the flags of `gwctl discover`.
type discoverOptions struct {
	root    *rootOptions
	streams IOStreams
	output  string
}

// newDiscoverCmd builds `gwctl discover` with a command for each registered
// protocol that declares one (drivers.DiscoverCommand).
func newDiscoverCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &discoverOptions{root: root, streams: streams}
	cmd := &cobra.Command{Use: "discover", Short: root.t("gwctl.discover.short")}
	cmd.PersistentFlags().StringVarP(&o.output, "output", "o", "", "output format: json (default: a table)")
	for _, name := range drivers.Names() {
		if p, _ := drivers.Lookup(name); p.DiscoverCommand != nil {
			cmd.AddCommand(o.protocolCmd(name, p.DiscoverCommand))
		}
	}
	return cmd
}

// protocolCmd is `gwctl discover <protocol>` as the protocol declares it.
func (o *discoverOptions) protocolCmd(protocol string, d *drivers.DiscoverCommand) *cobra.Command {
	cmd := &cobra.Command{
		Use:     strings.TrimSpace(protocol + " " + d.Args),
		Short:   o.root.t(d.Short),
		Example: d.Example,
		Args:    cobra.NoArgs,
	}
	if d.Long != "" {
		cmd.Long = o.root.t(d.Long)
	}
	request := d.Flags(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		req, err := request()
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		res := reflect.New(d.Result).Interface()
		if err := o.call(cmd.Context(), protocol, req, res); err != nil {
			return err
		}
		if o.output == "json" {
			return writeJSONTo(o.streams.Out, res)
		}
		return d.Print(o.streams.Out, o.streams.ErrOut, res)
	}
	return cmd
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

// writeJSONTo prints v as indented JSON, the -o json of every command.
func writeJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
