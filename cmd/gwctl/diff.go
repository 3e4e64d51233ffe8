package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// diffContext is how many unchanged lines surround each change, as in diff -u.
const diffContext = 3

// diffOptions holds the flags of `gwctl diff`.
type diffOptions struct {
	root    *rootOptions
	streams IOStreams

	manifestInput
	prune    bool
	selector string
}

func newDiffCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &diffOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "diff -f FILE|DIR|-",
		Short: root.t("gwctl.diff.short"),
		Long:  root.t("gwctl.diff.long"),
		Example: `  gwctl diff -f examples/
  gwctl diff -f site/ -R --prune -l site=lab`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			differs, err := o.execute(cmd.Context())
			if err != nil {
				return asDiffError(err)
			}
			if differs {
				return silentExit(1)
			}
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return asDiffError(root.usageError(c, err)) })
	f := cmd.Flags()
	o.addFlags(f)
	f.BoolVar(&o.prune, "prune", false, "also show objects matching -l that apply --prune would delete")
	f.StringVarP(&o.selector, "selector", "l", "", "label selector for --prune")
	return cmd
}

// asDiffError gives every failure exit code 2, keeping any message.
func asDiffError(err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{code: 2, err: ee.err}
	}
	return &exitError{code: 2, err: err}
}

func (o *diffOptions) execute(ctx context.Context) (bool, error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	if err := o.Complete(); err != nil {
		return false, err
	}
	return o.Run(ctx)
}

// Validate checks the flags.
func (o *diffOptions) Validate() error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.prune != (o.selector != "") {
		return errors.New("--prune and -l go together")
	}
	return nil
}

// Complete reads and validates the manifests, then builds the client.
func (o *diffOptions) Complete() error {
	return o.complete(o.root, o.streams)
}

// Run dry-runs the apply and prints a diff per changed object. It reports
// whether anything differs.
func (o *diffOptions) Run(ctx context.Context) (bool, error) {
	body, err := manifest.Encode(o.docs)
	if err != nil {
		return false, err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	opts := client.ApplyOptions{DryRun: true, Prune: o.prune, Selector: o.selector}
	res, err := o.client.Apply(rctx, body, opts)
	if err != nil {
		return false, explainApplyError(o.streams.ErrOut, o.streams.Lang, err, o.docs)
	}
	var out strings.Builder
	for _, it := range res.Items {
		old, obj := maskRedacted(it.Old, it.Object)
		live, err := diffLinesOf(old)
		if err != nil {
			return false, err
		}
		merged, err := diffLinesOf(obj)
		if err != nil {
			return false, err
		}
		name := resourceName(it.Kind, it.Name)
		out.WriteString(unifiedDiff("live/"+name, "merged/"+name, live, merged, diffContext))
	}
	if _, err := fmt.Fprint(o.streams.Out, out.String()); err != nil {
		return false, err
	}
	return out.Len() > 0, nil
}

// diffLinesOf renders what a user controls of obj as YAML lines: server-set
// metadata, the last-applied record and status are dropped so the diff shows
// only what apply would change. A missing object has no lines.
func diffLinesOf(obj *v1alpha1.Object) ([]string, error) {
	if obj == nil {
		return nil, nil
	}
	c := obj.DeepCopy()
	c.Metadata.UID = ""
	c.Metadata.ResourceVersion = ""
	c.Metadata.Generation = 0
	c.Metadata.CreationTimestamp = ""
	delete(c.Metadata.Annotations, lastAppliedAnnotation)
	if len(c.Metadata.Annotations) == 0 {
		c.Metadata.Annotations = nil
	}
	c.Status = nil
	b, err := yaml.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("render %s as yaml: %w", obj.Key(), err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), nil
}
