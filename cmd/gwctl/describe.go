package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// lastAppliedAnnotation is what apply stores; describe hides it as noise.
const lastAppliedAnnotation = "ocppgw.dev/last-applied"

// describeOptions holds the flags of `gwctl describe`.
type describeOptions struct {
	root     *rootOptions
	streams  IOStreams
	selector string

	refs   []resourceRef
	client *client.Client
	now    func() time.Time
}

func newDescribeCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &describeOptions{root: root, streams: streams, now: time.Now}
	cmd := &cobra.Command{
		Use:   "describe KIND [NAME...] | KIND/NAME...",
		Short: root.t("gwctl.describe.short"),
		Long:  root.t("gwctl.describe.long"),
		Example: `  gwctl describe charger ch-1
  gwctl describe tpl/abb-terra
  gwctl describe cp north-evening   # a site limit: the chargers it selects, its periods
  gwctl describe transaction 3f9a7c10-8b2d-4e61-9f0a-5c4d3b2a1e01   # progress and the events still queued`,
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
	cmd.Flags().StringVarP(&o.selector, "selector", "l", "", "label selector when no name is given")
	return cmd
}

// Complete resolves the kind and builds the client.
func (o *describeOptions) Complete(args []string) error {
	refs, err := parseResourceArgs(args, false)
	if err != nil {
		return err
	}
	o.refs = refs
	o.client, err = o.root.newClient()
	return err
}

// Validate rejects a selector next to names.
func (o *describeOptions) Validate() error {
	for _, r := range o.refs {
		if o.selector != "" && len(r.names) > 0 {
			return errors.New("a label selector (-l) cannot be combined with names")
		}
	}
	return nil
}

// Run fetches and describes each object, blank-line separated.
func (o *describeOptions) Run(ctx context.Context) error {
	var errs []error
	n := 0
	for _, ref := range o.refs {
		objs, err := o.fetch(ctx, ref)
		errs = append(errs, err...)
		for _, obj := range objs {
			var b bytes.Buffer
			if n > 0 {
				b.WriteString("\n\n")
			}
			n++
			describeObject(&b, obj, o.now(), newFinder(ctx, o.root, o.client), o.root.lang)
			if _, err := o.streams.Out.Write(b.Bytes()); err != nil {
				return err
			}
		}
	}
	return reportErrors(o.streams, errs)
}

func (o *describeOptions) fetch(ctx context.Context, ref resourceRef) ([]*v1alpha1.Object, []error) {
	var objs []*v1alpha1.Object
	var errs []error
	if len(ref.names) == 0 {
		rctx, cancel := o.root.requestContext(ctx)
		defer cancel()
		l, err := o.client.List(rctx, ref.kind.Kind, o.selector)
		if err != nil {
			return nil, []error{fmt.Errorf("list %s: %w", ref.kind.Plural, err)}
		}
		for i := range l.Items {
			objs = append(objs, &l.Items[i])
		}
		sortListed(ref.kind.Kind, objs, o.now())
		return objs, nil
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
	return objs, errs
}

// describeObject writes the human summary of one object.
func describeObject(w io.Writer, obj *v1alpha1.Object, now time.Time, find finder, lang i18n.Lang) {
	m := obj.Metadata
	fw := fieldWriter{w: w}
	fw.field("Name", m.Name)
	fw.field("Kind", obj.Kind)
	writeMap(w, "Labels", m.Labels, "")
	writeMap(w, "Annotations", m.Annotations, lastAppliedAnnotation)
	fw.field("Created", stamp(m.CreationTimestamp, now))
	fw.field("Generation", fmt.Sprint(m.Generation))
	fw.field("Resource Version", m.ResourceVersion)
	fw.field("UID", m.UID)

	spec := decodeMap(obj.Spec)
	hideRedacted(obj.Kind, spec, func(string, any) any { return "<hidden>" })
	writeSection(w, "Spec", spec)
	detail := kindDetails[obj.Kind]
	status := decodeMap(obj.Status)
	delete(status, "conditions")
	for _, f := range detail.hide {
		deletePath(status, f)
	}
	writeSection(w, "Status", status)
	v := newView(obj, now)
	v.find = find
	if detail.write != nil {
		detail.write(fw, v)
	}
	writeConditions(fw, v.conditions(), now, lang)
}

// deletePath removes the field at a dotted path, leaving an object that
// becomes empty out too.
func deletePath(m map[string]any, path string) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		delete(m, head)
		return
	}
	if sub, ok := m[head].(map[string]any); ok {
		deletePath(sub, rest)
		if len(sub) == 0 {
			delete(m, head)
		}
	}
}

// stamp shows a timestamp with its age, "2025-01-01T00:00:00Z (3h ago)".
func stamp(ts string, now time.Time) string {
	if ts == "" {
		return "<unknown>"
	}
	return fmt.Sprintf("%s (%s ago)", ts, age(ts, now))
}

// kindDetail is what describe shows of one kind beyond spec and status:
// status fields it leaves out of the Status section (hide), and the lines
// it writes after it (write).
type kindDetail struct {
	hide  []string
	write func(w fieldWriter, v *view)
}

var kindDetails = map[string]kindDetail{
	v1alpha1.KindTransaction:     transactionDetails,
	v1alpha1.KindCharger:         chargerDetails,
	v1alpha1.KindChargingProfile: profileDetails,
}

// fieldWriter writes describe's "Label:   value" lines, headings and
// tables at one indentation.
type fieldWriter struct {
	w      io.Writer
	prefix string
	// width is where values start, counted from the line's start;
	// labelWidth when 0.
	width int
}

// labelWidth aligns the values of describe's top-level fields.
const labelWidth = 18

func (f fieldWriter) field(label, value string) {
	width := f.width
	if width == 0 {
		width = labelWidth
	}
	// A label too long for the column still gets a space before its value.
	pad := max(width-len(f.prefix), len(label)+2)
	fmt.Fprintf(f.w, "%s%-*s%s\n", f.prefix, pad, label+":", value)
}

func (f fieldWriter) heading(label string) { fmt.Fprintf(f.w, "%s%s:\n", f.prefix, label) }

// indent returns a writer for the lines under a heading.
func (f fieldWriter) indent() fieldWriter {
	return fieldWriter{w: f.w, prefix: f.prefix + "  ", width: f.width}
}

// table writes rows aligned, the first being the header, under a heading.
func (f fieldWriter) table(rows [][]string) {
	tw := newTabWriter(f.w)
	p := f.indent().prefix
	for _, r := range rows {
		fmt.Fprintln(tw, p+strings.Join(r, "\t"))
	}
	tw.Flush()
}

// writeMap prints key=value pairs, one per line, under a label.
func writeMap(w io.Writer, label string, m map[string]string, skip string) {
	var keys []string
	for k := range m {
		if k != skip {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		fmt.Fprintf(w, "%-18s<none>\n", label+":")
		return
	}
	for i, k := range keys {
		lead := ""
		if i == 0 {
			lead = label + ":"
		}
		fmt.Fprintf(w, "%-18s%s=%s\n", lead, k, m[k])
	}
}

// writeSection prints a map as YAML indented under a heading.
func writeSection(w io.Writer, label string, m map[string]any) {
	if len(m) == 0 {
		fmt.Fprintf(w, "%-18s<none>\n", label+":")
		return
	}
	fmt.Fprintf(w, "%s:\n", label)
	b, err := yaml.Marshal(m)
	if err != nil {
		fmt.Fprintf(w, "  <cannot render: %v>\n", err)
		return
	}
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// writeConditions prints the conditions table (TYPE STATUS REASON AGE MESSAGE).
func writeConditions(w fieldWriter, conds []v1alpha1.Condition, now time.Time, lang i18n.Lang) {
	if len(conds) == 0 {
		w.field("Conditions", "<none>")
		return
	}
	w.heading("Conditions")
	rows := [][]string{{"TYPE", "STATUS", "REASON", "AGE", "MESSAGE"}}
	for _, c := range conds {
		rows = append(rows, []string{c.Type, string(c.Status), dash(c.Reason), age(c.LastTransitionTime, now), dash(conditionMessage(lang, c))})
	}
	w.table(rows)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
