package main

import (
	"strings"
	"testing"
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
