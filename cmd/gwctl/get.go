package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// getOptions holds the flags and resolved arguments of `gwctl get`.
type getOptions struct {
	root    *rootOptions
	streams IOStreams

	output      string
	selector    string
	watch       bool
	watchOnly   bool
	watchEvents bool

	refs   []resourceRef
	client *client.Client
	now    func() time.Time
}

func newGetCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &getOptions{root: root, streams: streams, now: time.Now}
	cmd := &cobra.Command{
		Use:   "get KIND [NAME...] | KIND/NAME...",
		Short: root.t("gwctl.get.short"),
		Long:  root.t("gwctl.get.long"),
		Example: `  gwctl get chargers
  gwctl get ch ch-1 -o yaml
  gwctl get chargers -o wide -l site=lab
  gwctl get chargers -w --output-watch-events
  gwctl get transactions -w        # sessions by charger, newest first; energy as it rises
  gwctl get chargers -o wide       # with the current limit per EVSE, its source and next change
  gwctl get chargingprofiles -w    # CSMS profiles, site limits and each charger's share as they change
  gwctl get all`,
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
	f := cmd.Flags()
	f.StringVarP(&o.output, "output", "o", "", "output format: yaml, json, wide or name")
	f.StringVarP(&o.selector, "selector", "l", "", "label selector, e.g. site=lab,tier!=test")
	f.BoolVarP(&o.watch, "watch", "w", false, "after listing, watch for changes")
	f.BoolVar(&o.watchOnly, "watch-only", false, "watch for changes without listing first")
	f.BoolVar(&o.watchEvents, "output-watch-events", false, "print the event type (ADDED, MODIFIED, DELETED) of each watch event")
	return cmd
}

// Complete resolves the kinds and builds the client.
func (o *getOptions) Complete(args []string) error {
	refs, err := parseResourceArgs(args, true)
	if err != nil {
		return err
	}
	o.refs = refs
	o.watch = o.watch || o.watchOnly
	o.client, err = o.root.newClient()
	return err
}

// Validate rejects flag combinations that have no meaning.
func (o *getOptions) Validate() error {
	if err := validOutput(o.output); err != nil {
		return err
	}
	if o.selector != "" {
		for _, r := range o.refs {
			if len(r.names) > 0 {
				return errors.New("a label selector (-l) cannot be combined with names")
			}
		}
	}
	if o.watchEvents && !o.watch {
		return errors.New("--output-watch-events needs --watch or --watch-only")
	}
	if o.watch && len(o.refs) != 1 {
		return errors.New("watch is only supported for a single resource type")
	}
	return nil
}

// Run lists or watches.
func (o *getOptions) Run(ctx context.Context) error {
	if o.watch {
		return o.runWatch(ctx)
	}
	objs, rv, errs := o.fetch(ctx)
	// Nothing found and something failed: print only the errors, as an
	// empty list would read like an answer.
	if len(objs) > 0 || len(errs) == 0 {
		if err := o.print(ctx, objs, rv); err != nil {
			return err
		}
	}
	return reportErrors(o.streams, errs)
}

// fetch gets the named objects or lists whole kinds. A missing name is reported
// but does not hide the objects that were found.
func (o *getOptions) fetch(ctx context.Context) ([]*v1alpha1.Object, string, []error) {
	var objs []*v1alpha1.Object
	var errs []error
	rv := ""
	for _, ref := range o.refs {
		if len(ref.names) == 0 {
			rctx, cancel := o.root.requestContext(ctx)
			l, err := o.client.List(rctx, ref.kind.Kind, o.selector)
			cancel()
			if err != nil {
				errs = append(errs, fmt.Errorf("list %s: %w", ref.kind.Plural, err))
				continue
			}
			rv = l.Metadata.ResourceVersion
			listed := make([]*v1alpha1.Object, len(l.Items))
			for i := range l.Items {
				listed[i] = &l.Items[i]
			}
			sortListed(ref.kind.Kind, listed, o.now())
			objs = append(objs, listed...)
			continue
		}
		for _, name := range ref.names {
			rctx, cancel := o.root.requestContext(ctx)
			obj, err := o.client.Get(rctx, ref.kind.Kind, name)
			cancel()
			if err != nil {
				errs = append(errs, err)
				continue
			}
			objs = append(objs, obj)
		}
	}
	return objs, rv, errs
}

// single reports whether the user asked for exactly one object by name, which
// kubectl prints bare rather than as a List.
func (o *getOptions) single() bool {
	return len(o.refs) == 1 && len(o.refs[0].names) == 1
}

func (o *getOptions) print(ctx context.Context, objs []*v1alpha1.Object, rv string) error {
	out := o.streams.Out
	switch o.output {
	case outputYAML, outputJSON:
		var v any = listOf(objs, rv)
		if o.single() && len(objs) == 1 {
			v = objs[0]
		}
		if o.output == outputYAML {
			return printYAML(out, v)
		}
		return printJSON(out, v)
	case outputName:
		for _, obj := range objs {
			fmt.Fprintln(out, resourceName(obj.Kind, obj.Metadata.Name))
		}
		return nil
	}
	return o.printTables(ctx, objs)
}

// printTables prints one table per kind, blank-line separated; names carry
// their kind when more than one kind was asked for.
func (o *getOptions) printTables(ctx context.Context, objs []*v1alpha1.Object) error {
	if len(objs) == 0 {
		if len(o.refs) == 1 && len(o.refs[0].names) == 0 {
			fmt.Fprintf(o.streams.ErrOut, "No %s found.\n", o.refs[0].kind.Plural)
		} else if len(o.refs) > 1 {
			fmt.Fprintln(o.streams.ErrOut, "No resources found.")
		}
		return nil
	}
	now := o.now()
	prefix := len(o.refs) > 1
	find := newFinder(ctx, o.root, o.client)
	for i := 0; i < len(objs); {
		j := i
		for j < len(objs) && objs[j].Kind == objs[i].Kind {
			j++
		}
		if i > 0 {
			fmt.Fprintln(o.streams.Out)
		}
		t := objectTable(objs[i].Kind, objs[i:j], o.output == outputWide, prefix, now, find)
		if err := printTable(o.streams.Out, t); err != nil {
			return err
		}
		i = j
	}
	return nil
}
