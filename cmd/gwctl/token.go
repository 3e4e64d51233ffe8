package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// tokenCreateOptions holds the flags of `gwctl token create`.
type tokenCreateOptions struct {
	root    *rootOptions
	streams IOStreams
	name    string
	role    string
	expires time.Duration
	now     func() time.Time
}

func newTokenCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: root.t("gwctl.token.short"),
		Long:  root.t("gwctl.token.long"),
	}
	cmd.AddCommand(newTokenCreateCmd(root, streams), newTokenListCmd(root, streams), newTokenRevokeCmd(root, streams))
	return cmd
}

func newTokenCreateCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &tokenCreateOptions{root: root, streams: streams, now: time.Now}
	cmd := &cobra.Command{
		Use:   "create NAME --role viewer|operator|admin [--expires DURATION]",
		Short: root.t("gwctl.token.create.short"),
		Example: `  gwctl token create grafana --role viewer --expires 720h
  gwctl token create site-ops --role operator`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name = args[0]
			if err := o.Validate(); err != nil {
				return &exitError{code: 2, err: err}
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.role, "role", "", "the token's role: "+strings.Join(v1alpha1.TokenRoles, ", "))
	f.DurationVar(&o.expires, "expires", 0, "how long the token is valid, e.g. 720h; 0 never expires")
	return cmd
}

// Validate checks the role and the lifetime.
func (o *tokenCreateOptions) Validate() error {
	if !slices.Contains(v1alpha1.TokenRoles, o.role) {
		return fmt.Errorf("--role %q: want one of %s", o.role, strings.Join(v1alpha1.TokenRoles, ", "))
	}
	if o.expires < 0 {
		return fmt.Errorf("--expires %s: must not be negative", o.expires)
	}
	return nil
}

// Run stores the token's hash and prints the token on stdout alone, so
// that a script can take it; what it is goes to stderr.
func (o *tokenCreateOptions) Run(ctx context.Context) error {
	var exp time.Time
	if o.expires > 0 {
		exp = o.now().Add(o.expires)
	}
	obj, secret, err := auth.NewToken(o.name, o.role, exp)
	if err != nil {
		return err
	}
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	if _, err := c.Create(rctx, obj); err != nil {
		return err
	}
	until := "never expires"
	if !exp.IsZero() {
		until = "expires " + exp.UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(o.streams.ErrOut, "token/%s created, role %s, %s; it is shown this once:\n", o.name, o.role, until)
	fmt.Fprintln(o.streams.Out, secret)
	return nil
}

func newTokenListCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: root.t("gwctl.token.list.short"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := &getOptions{root: root, streams: streams, now: time.Now}
			if err := o.Complete([]string{"tokens"}); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
}

func newTokenRevokeCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke NAME...",
		Short: root.t("gwctl.token.revoke.short"),
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := root.newClient()
			if err != nil {
				return err
			}
			for _, name := range args {
				rctx, cancel := root.requestContext(cmd.Context())
				_, err := c.Delete(rctx, v1alpha1.KindToken, name)
				cancel()
				if err != nil {
					return err
				}
				fmt.Fprintf(streams.Out, "token/%s revoked\n", name)
			}
			return nil
		},
	}
}
