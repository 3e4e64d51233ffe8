package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// applyOptions holds the flags of `gwctl apply`.
type applyOptions struct {
	root    *rootOptions
	streams IOStreams

	manifestInput
	dryRun   bool
	prune    bool
	selector string
}

func newApplyCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &applyOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:   "apply -f FILE|DIR|- [-f ...]",
		Short: root.t("gwctl.apply.short"),
		Long:  root.t("gwctl.apply.long"),
		Example: `  gwctl apply -f examples/
  gwctl apply -f site.yaml --dry-run
  gwctl apply -f site/ -R --prune -l site=lab
  cat charger.yaml | gwctl apply -f -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	o.addFlags(f)
	f.BoolVar(&o.dryRun, "dry-run", false, "validate and show what would change, without storing anything")
	f.BoolVar(&o.prune, "prune", false, "delete applied objects matching -l that are no longer in the manifests")
	f.StringVarP(&o.selector, "selector", "l", "", "label selector for --prune, e.g. site=lab")
	return cmd
}

// Validate checks the flags before anything is read.
func (o *applyOptions) Validate() error {
	if err := o.validate(); err != nil {
		return err
	}
	if o.prune && o.selector == "" {
		return errors.New("--prune requires a label selector (-l)")
	}
	if o.selector != "" && !o.prune {
		return errors.New("-l is only used with --prune")
	}
	return nil
}

// Complete reads and validates the manifests, then builds the client.
// Invalid manifests end the command here, before the server is contacted.
func (o *applyOptions) Complete() error {
	return o.complete(o.root, o.streams)
}

// Run applies every document in one request, so all or none are stored.
func (o *applyOptions) Run(ctx context.Context) error {
	docs := o.docs
	body, err := manifest.Encode(docs)
	if err != nil {
		return err
	}
	rctx, cancel := o.root.requestContext(ctx)
	defer cancel()
	opts := client.ApplyOptions{DryRun: o.dryRun, Prune: o.prune, Selector: o.selector}
	res, err := o.client.Apply(rctx, body, opts)
	if err != nil {
		return explainApplyError(o.streams.ErrOut, o.streams.Lang, err, docs)
	}
	suffix := ""
	if o.dryRun {
		suffix = " (dry run)"
	}
	var b strings.Builder
	for _, it := range res.Items {
		fmt.Fprintf(&b, "%s %s%s\n", resourceName(it.Kind, it.Name), it.Action, suffix)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.streams.ErrOut, "Warning: %s\n", w)
	}
	_, err = io.WriteString(o.streams.Out, b.String())
	return err
}

// readManifests reads and validates every document. Validation problems are
// printed one per line (file, document, field, reason) and end the command
// with exit code 1 before any request is made.
func readManifests(paths []string, recursive bool, streams IOStreams) ([]manifest.Doc, error) {
	docs, err := manifest.ReadFiles(paths, recursive, streams.In)
	var verrs *manifest.Errors
	if errors.As(err, &verrs) {
		for _, ve := range verrs.Items {
			for _, line := range validationLines(ve) {
				fmt.Fprintf(streams.ErrOut, "error: %s\n", line)
			}
		}
		return nil, silentExit(1)
	}
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no objects found in %s", strings.Join(paths, ", "))
	}
	return docs, nil
}

// validationLines gives one line per field problem, each naming where it is.
func validationLines(ve *v1alpha1.ValidationError) []string {
	if len(ve.Errors) <= 1 {
		return []string{ve.Error()}
	}
	lines := make([]string, len(ve.Errors))
	for i, fe := range ve.Errors {
		one := *ve
		one.Errors = []v1alpha1.FieldError{fe}
		lines[i] = one.Error()
	}
	return lines
}

// explainApplyError rewrites the server's per-document causes to name the file
// and document the user wrote, since the server only saw one merged stream.
func explainApplyError(errOut io.Writer, lang i18n.Lang, err error, docs []manifest.Doc) error {
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status.Details == nil || len(se.Status.Details.Causes) == 0 {
		return fmt.Errorf("apply: %w", err)
	}
	// The server's message spells out causes with their index in the merged
	// stream; keep only its head and print the causes remapped below.
	head, _, _ := strings.Cut(se.Status.Message, ": document ")
	if lang != i18n.English && lang != "" {
		head = errorText(lang, se)
	}
	fmt.Fprintf(errOut, "error: %s\n", head)
	for _, c := range se.Status.Details.Causes {
		fmt.Fprintf(errOut, "  %s\n", manifest.LocateCause(c, docs))
	}
	return silentExit(1)
}
