package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/memcheck"
)

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want string
	}{
		{name: "equal", a: "a\nb\nc", b: "a\nb\nc", want: ""},
		{name: "both empty", a: "", b: "", want: ""},
		{
			name: "one line changed in the middle",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9",
			b:    "1\n2\n3\n4\nfive\n6\n7\n8\n9",
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
		},
		{
			name: "created",
			a:    "",
			b:    "x\ny",
			want: "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n",
		},
		{
			name: "deleted",
			a:    "x",
			b:    "",
			want: "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n",
		},
		{
			name: "far apart changes make two hunks",
			a:    "a\n1\n2\n3\n4\n5\n6\n7\n8\nz",
			b:    "A\n1\n2\n3\n4\n5\n6\n7\n8\nZ",
			want: "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-a\n+A\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-z\n+Z\n",
		},
		{
			name: "near changes share a hunk",
			a:    "a\n1\n2\n3\nz",
			b:    "A\n1\n2\n3\nZ",
			want: "--- a\n+++ b\n@@ -1,5 +1,5 @@\n-a\n+A\n 1\n 2\n 3\n-z\n+Z\n",
		},
		{
			name: "insertion keeps common lines",
			a:    "a\nc",
			b:    "a\nb\nc",
			want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n a\n+b\n c\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unifiedDiff("a", "b", lines(tt.a), lines(tt.b), 3)
			if got != tt.want {
				t.Errorf("diff:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestDiffLinesIsMinimal checks the edit script against the LCS length: a
// longest common subsequence of these is 4 lines.
func TestDiffLinesIsMinimal(t *testing.T) {
	a := lines("a\nb\nc\nd\ne\nf")
	b := lines("b\nx\nc\ne\ny\nf")
	kept := 0
	var gotA, gotB []string
	for _, e := range diffLines(a, b) {
		switch e.op {
		case ' ':
			kept++
			gotA, gotB = append(gotA, e.text), append(gotB, e.text)
		case '-':
			gotA = append(gotA, e.text)
		case '+':
			gotB = append(gotB, e.text)
		}
	}
	if kept != 4 {
		t.Errorf("kept %d lines, want 4", kept)
	}
	if strings.Join(gotA, ",") != strings.Join(a, ",") || strings.Join(gotB, ",") != strings.Join(b, ",") {
		t.Errorf("edit script does not rebuild the inputs: %v / %v", gotA, gotB)
	}
}

// lcsLen is the textbook dynamic programme, the oracle for the edit
// scripts' minimality.
func lcsLen(a, b []string) int {
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	return l[0][0]
}

// rebuild checks that edits turn a into b and returns the lines kept.
func rebuild(t *testing.T, a, b []string, edits []edit) int {
	t.Helper()
	kept := 0
	var gotA, gotB []string
	for _, e := range edits {
		if e.op == ' ' {
			kept++
		}
		if e.op != '+' {
			gotA = append(gotA, e.text)
		}
		if e.op != '-' {
			gotB = append(gotB, e.text)
		}
	}
	if strings.Join(gotA, "\n") != strings.Join(a, "\n") || strings.Join(gotB, "\n") != strings.Join(b, "\n") {
		t.Fatalf("edit script does not rebuild the inputs:\na=%q\nb=%q", a, b)
	}
	return kept
}

// TestDiffLinesAgainstLCS: on random documents over a small alphabet
// (many repeats), every edit script rebuilds both sides and keeps as many
// lines as a longest common subsequence has.
func TestDiffLinesAgainstLCS(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	doc := func() []string {
		n := rng.IntN(30)
		out := make([]string, n)
		for i := range out {
			out[i] = string(rune('a' + rng.IntN(4)))
		}
		return out
	}
	for range 2000 {
		a, b := doc(), doc()
		if kept, want := rebuild(t, a, b, diffLines(a, b)), lcsLen(a, b); kept != want {
			t.Fatalf("kept %d lines, an LCS has %d:\na=%q\nb=%q", kept, want, a, b)
		}
	}
}

// TestDiffOfALargeDocumentStaysSmall: two changed lines far apart in a
// 4,000-line document cost kilobytes (the table of the former LCS took
// 61 MiB), and documents that share nothing are diffed within the bound.
func TestDiffOfALargeDocumentStaysSmall(t *testing.T) {
	a := make([]string, 4000)
	for i := range a {
		a[i] = fmt.Sprintf("  key%04d: value", i)
	}
	b := slices.Clone(a)
	b[1] = "  key0001: changed"
	b[3998] = "  key3998: changed"
	var out string
	if n := memcheck.Allocated(func() { out = unifiedDiff("a", "b", a, b, 3) }); n > 1<<20 {
		t.Errorf("two changed lines in 4,000 allocated %d bytes", n)
	}
	if strings.Count(out, "\n-  key") != 2 || strings.Count(out, "\n+  key") != 2 || strings.Count(out, "@@ -") != 2 {
		t.Errorf("diff of two changed lines:\n%s", out)
	}
	c := make([]string, 3000)
	for i := range c {
		c[i] = fmt.Sprintf("other%d", i)
	}
	var edits []edit
	if n := memcheck.Allocated(func() { edits = diffLines(a[:3000], c) }); n > 64<<20 {
		t.Errorf("disjoint documents allocated %d bytes", n)
	}
	if kept := rebuild(t, a[:3000], c, edits); kept != 0 {
		t.Errorf("disjoint documents kept %d lines", kept)
	}
}

// TestDiffManyChangesIsMinimalInLinearSpace: a thousand scattered changed
// lines in a 4,000-line document (2,000 differing lines, beyond what a
// quadratic trace of the search may hold) still keep every unchanged
// line, in memory that grows with the document.
func TestDiffManyChangesIsMinimalInLinearSpace(t *testing.T) {
	a := make([]string, 4000)
	for i := range a {
		a[i] = fmt.Sprintf("  key%04d: value", i)
	}
	b := slices.Clone(a)
	for i := 1; i < len(b); i += 4 {
		b[i] = fmt.Sprintf("  key%04d: changed", i)
	}
	var edits []edit
	if n := memcheck.Allocated(func() { edits = diffLines(a, b) }); n > 8<<20 {
		t.Errorf("1,000 changed lines in 4,000 allocated %d bytes", n)
	}
	if kept := rebuild(t, a, b, edits); kept != 3000 {
		t.Errorf("kept %d lines, want the 3,000 unchanged", kept)
	}
}
