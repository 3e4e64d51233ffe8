package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Output formats of get.
const (
	outputTable = ""
	outputWide  = "wide"
	outputYAML  = "yaml"
	outputJSON  = "json"
	outputName  = "name"
)

func validOutput(format string) error {
	switch format {
	case outputTable, outputWide, outputYAML, outputJSON, outputName:
		return nil
	}
	return fmt.Errorf("unknown output format %q (use yaml, json, wide or name)", format)
}

// table is a header and its rows, already rendered to strings.
type table struct {
	header []string
	rows   [][]string
}

// newTabWriter uses kubectl's settings so columns look the same.
func newTabWriter(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
}

// printTable writes t aligned, header first.
func printTable(w io.Writer, t table) error {
	tw := newTabWriter(w)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// streamTable prints rows as they arrive, e.g. watch events. Unlike a
// tabwriter, which forgets widths at every flush, it remembers them so later
// rows stay under their headers; a wider cell widens the column from then on.
type streamTable struct {
	out         io.Writer
	header      []string
	widths      []int
	wroteHeader bool
}

// write prints rows (and the header before the first ones) in one Write call so
// every line reaches the terminal at once.
func (s *streamTable) write(rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	all := rows
	if !s.wroteHeader {
		all = append([][]string{s.header}, rows...)
		s.wroteHeader = true
	}
	for _, r := range all {
		for i, c := range r {
			if i >= len(s.widths) {
				s.widths = append(s.widths, 0)
			}
			s.widths[i] = max(s.widths[i], utf8.RuneCountInString(c))
		}
	}
	var b bytes.Buffer
	for _, r := range all {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", s.widths[i]-utf8.RuneCountInString(c)+3))
			}
		}
		b.WriteByte('\n')
	}
	_, err := s.out.Write(b.Bytes())
	return err
}

// printYAML writes v as YAML.
func printYAML(w io.Writer, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode yaml: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// printJSON writes v as indented JSON, as kubectl does.
func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "    ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// listOf wraps objects the way kubectl prints several: a "kind: List".
func listOf(objs []*v1alpha1.Object, rv string) *v1alpha1.List {
	l := &v1alpha1.List{APIVersion: v1alpha1.APIVersion, Kind: "List", Items: []v1alpha1.Object{}}
	l.Metadata.ResourceVersion = rv
	for _, o := range objs {
		l.Items = append(l.Items, *o)
	}
	return l
}

// age renders how long ago an RFC 3339 timestamp was, like kubectl's AGE.
func age(ts string, now time.Time) string {
	if ts == "" {
		return "<unknown>"
	}
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return "<unknown>"
	}
	return humanDuration(now.Sub(t))
}

// humanDuration is kubectl's duration.HumanDuration: precise when young,
// coarser as it grows, never more than two units.
func humanDuration(d time.Duration) string {
	if s := int(d.Seconds()); s < -1 {
		return "<invalid>"
	} else if s < 0 {
		return "0s"
	} else if s < 60*2 {
		return fmt.Sprintf("%ds", s)
	}
	m := int(d / time.Minute)
	if m < 10 {
		if s := int(d/time.Second) % 60; s != 0 {
			return fmt.Sprintf("%dm%ds", m, s)
		}
		return fmt.Sprintf("%dm", m)
	} else if m < 60*3 {
		return fmt.Sprintf("%dm", m)
	}
	h := int(d / time.Hour)
	switch {
	case h < 8:
		if m := m % 60; m != 0 {
			return fmt.Sprintf("%dh%dm", h, m)
		}
		return fmt.Sprintf("%dh", h)
	case h < 48:
		return fmt.Sprintf("%dh", h)
	case h < 24*8:
		if h%24 != 0 {
			return fmt.Sprintf("%dd%dh", h/24, h%24)
		}
		return fmt.Sprintf("%dd", h/24)
	case h < 24*365*2:
		return fmt.Sprintf("%dd", h/24)
	case h < 24*365*8:
		if dd := (h / 24) % 365; dd != 0 {
			return fmt.Sprintf("%dy%dd", h/24/365, dd)
		}
		return fmt.Sprintf("%dy", h/24/365)
	}
	return fmt.Sprintf("%dy", h/24/365)
}
