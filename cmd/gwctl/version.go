package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// version is the client's version, set at build time with
// -ldflags "-X main.version=v0.1.0".
var version = "dev"

// versionOptions holds the flags of `gwctl version`.
type versionOptions struct {
	root       *rootOptions
	streams    IOStreams
	clientOnly bool
}

func newVersionCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &versionOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "version",
		Short: root.t("gwctl.version.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Complete(); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.clientOnly, "client", false, "print only the client version; do not contact the server")
	return cmd
}

// Complete has nothing to resolve; the client is made in Run only when needed.
func (o *versionOptions) Complete() error { return nil }

// Validate has no flag combinations to reject.
func (o *versionOptions) Validate() error { return nil }

// Run prints the client version, then asks the server for its own.
func (o *versionOptions) Run(ctx context.Context) error {
	fmt.Fprintf(o.streams.Out, "Client Version: %s\n", version)
	if o.clientOnly {
		return nil
	}
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	v, err := c.Version(rctx)
	if err != nil {
		return fmt.Errorf("server version: %w", err)
	}
	line := "Server Version: " + v.Version
	if v.Commit != "" {
		line += " (commit " + v.Commit + ")"
	}
	fmt.Fprintln(o.streams.Out, line)
	return nil
}
