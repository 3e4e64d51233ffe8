package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

// auditOptions holds the flags of `gwctl audit`.
type auditOptions struct {
	root    *rootOptions
	streams IOStreams
	limit   int
	user    string
}

func newAuditCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &auditOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: root.t("gwctl.audit.short"),
		Long:  root.t("gwctl.audit.long"),
		Example: `  gwctl audit
  gwctl audit --user installer --limit 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.limit < 1 || o.limit > 10_000 {
				return fmt.Errorf("--limit %d: want 1 to 10000", o.limit)
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().IntVar(&o.limit, "limit", 50, "records to show, newest last")
	cmd.Flags().StringVar(&o.user, "user", "", "only this token's records")
	return cmd
}

// Run prints the records as a table.
func (o *auditOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	recs, err := c.Audit(rctx, o.limit, o.user)
	if err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	tw := tabwriter.NewWriter(o.streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tUSER\tROLE\tVERB\tRESOURCE\tNAME\tCODE\tCHANGED")
	for _, r := range recs {
		var changed []string
		for _, ob := range r.Objects {
			changed = append(changed, fmt.Sprintf("%s %s/%s@%s", ob.Action, strings.ToLower(ob.Kind), ob.Name, ob.Revision))
		}
		user := r.User
		if user == "" {
			user = "(none)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Time.Local().Format(time.DateTime), user, dash(r.Role),
			dash(r.Verb), dash(r.Resource), dash(r.Name), r.Code, dash(strings.Join(changed, ", ")))
	}
	return tw.Flush()
}
