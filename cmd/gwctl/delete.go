package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// deleteOptions holds the flags of `gwctl delete`.
type deleteOptions struct {
	root    *rootOptions
	streams IOStreams

	filenames      []string
	recursive      bool
	selector       string
	ignoreNotFound bool

	args    []string
	targets []target
	client  *client.Client
}

// target is one object to delete.
type target struct{ kind, name string }

func newDeleteCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &deleteOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "delete KIND NAME... | KIND/NAME... | KIND -l SELECTOR | -f FILE|DIR|-",
		Short: root.t("gwctl.delete.short"),
		Example: `  gwctl delete charger ch-1 ch-2
  gwctl delete ch/ch-1 tpl/old
  gwctl delete chargers -l site=lab
  gwctl delete -f examples/chargers.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.args = args
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Complete(cmd.Context()); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.filenames, "filename", "f", nil, "file, directory or - with the objects to delete; repeatable")
	f.BoolVarP(&o.recursive, "recursive", "R", false, "read directories recursively")
	f.StringVarP(&o.selector, "selector", "l", "", "delete every object of KIND matching this label selector")
	f.BoolVar(&o.ignoreNotFound, "ignore-not-found", false, "treat an object that does not exist as deleted")
	return cmd
}

// Validate checks that exactly one way of naming objects was used.
func (o *deleteOptions) Validate() error {
	switch {
	case len(o.filenames) > 0 && len(o.args) > 0:
		return errors.New("give either -f or KIND NAME..., not both")
	case len(o.filenames) > 0 && o.selector != "":
		return errors.New("-l cannot be combined with -f")
	case len(o.filenames) == 0 && len(o.args) == 0:
		return errors.New("must specify KIND NAME..., KIND -l SELECTOR or -f FILE")
	case len(o.filenames) == 0 && len(o.args) == 1 && o.selector == "" && !strings.Contains(o.args[0], "/"):
		return fmt.Errorf("no name given for %q: name the objects or use -l", o.args[0])
	}
	return nil
}

// Complete turns arguments, a selector or manifests into the objects to delete.
func (o *deleteOptions) Complete(ctx context.Context) error {
	if len(o.filenames) > 0 {
		docs, err := readManifests(o.filenames, o.recursive, o.streams)
		if err != nil {
			return err
		}
		for _, d := range docs {
			o.targets = append(o.targets, target{d.Object.Kind, d.Object.Metadata.Name})
		}
	}
	var refs []resourceRef
	if len(o.args) > 0 {
		var err error
		if refs, err = parseResourceArgs(o.args, false); err != nil {
			return err
		}
	}
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	o.client = c
	for _, ref := range refs {
		if len(ref.names) > 0 && o.selector != "" {
			return errors.New("a label selector (-l) cannot be combined with names")
		}
		for _, n := range ref.names {
			o.targets = append(o.targets, target{ref.kind.Kind, n})
		}
		if o.selector != "" {
			if err := o.selectTargets(ctx, ref.kind); err != nil {
				return err
			}
		}
	}
	return nil
}

// selectTargets adds every object of kind matching the selector.
func (o *deleteOptions) selectTargets(ctx context.Context, kind v1alpha1.KindInfo) error {
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	l, err := o.client.List(rctx, kind.Kind, o.selector)
	if err != nil {
		return fmt.Errorf("list %s: %w", kind.Plural, err)
	}
	for _, it := range l.Items {
		o.targets = append(o.targets, target{kind.Kind, it.Metadata.Name})
	}
	return nil
}

// Run deletes each target, going on past failures and exiting 1 if any failed.
func (o *deleteOptions) Run(ctx context.Context) error {
	if len(o.targets) == 0 {
		fmt.Fprintln(o.streams.ErrOut, "No resources found.")
		return nil
	}
	var errs []error
	for _, t := range o.targets {
		rctx, cancel := o.root.requestContext(ctx)
		_, err := o.client.Delete(rctx, t.kind, t.name)
		cancel()
		switch {
		case err == nil:
			fmt.Fprintf(o.streams.Out, "%s deleted\n", resourceName(t.kind, t.name))
		case client.IsNotFound(err) && o.ignoreNotFound:
		default:
			errs = append(errs, err)
		}
	}
	return reportErrors(o.streams, errs)
}
