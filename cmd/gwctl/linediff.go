package main

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// edit is one line of an edit script: ' ' kept, '-' removed, '+' added. aPos and
// bPos count the lines of a and b before it.
type edit struct {
	op         byte
	text       string
	aPos, bPos int
}

// diffLines returns a shortest edit script turning a into b. Each distinct
// line becomes one rune, and diff-match-patch (github.com/sergi/go-diff)
// diffs the two rune strings by Myers' bisection ("An O(ND) Difference
// Algorithm", 1986, section 4b): its memory grows with the length of the
// documents, not with the square of the number of differing lines. With no
// time limit it never trades minimality for speed (golang.org/x/tools'
// diff, as go-udiff ships it, stops searching past 100 differing lines and
// then keeps far fewer lines than it could).
func diffLines(a, b []string) []edit {
	ra, rb, ok := lineRunes(a, b)
	if !ok {
		return replaceAll(a, b)
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	edits := make([]edit, 0, max(len(a), len(b)))
	i, j := 0, 0
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		for range utf8.RuneCountInString(d.Text) {
			e := edit{aPos: i, bPos: j}
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				e.op, e.text = ' ', a[i]
				i, j = i+1, j+1
			case diffmatchpatch.DiffDelete:
				e.op, e.text = '-', a[i]
				i++
			case diffmatchpatch.DiffInsert:
				e.op, e.text = '+', b[j]
				j++
			}
			edits = append(edits, e)
		}
	}
	return edits
}

// lineRunes numbers the distinct lines of a and b, one valid rune each
// (surrogates skipped, since they do not survive a Go string); false when
// there are more distinct lines than runes.
func lineRunes(a, b []string) ([]rune, []rune, bool) {
	ids := map[string]rune{}
	conv := func(lines []string) ([]rune, bool) {
		out := make([]rune, len(lines))
		for k, l := range lines {
			r, seen := ids[l]
			if !seen {
				if r = rune(len(ids)); r >= 0xD800 {
					r += 0xE000 - 0xD800
				}
				if r > utf8.MaxRune {
					return nil, false
				}
				ids[l] = r
			}
			out[k] = r
		}
		return out, true
	}
	ra, okA := conv(a)
	rb, okB := conv(b)
	return ra, rb, okA && okB
}

// replaceAll removes every line of a and adds every line of b: a correct,
// if not minimal, script for documents beyond lineRunes.
func replaceAll(a, b []string) []edit {
	edits := make([]edit, 0, len(a)+len(b))
	for i, l := range a {
		edits = append(edits, edit{op: '-', text: l, aPos: i})
	}
	for j, l := range b {
		edits = append(edits, edit{op: '+', text: l, aPos: len(a), bPos: j})
	}
	return edits
}

// unifiedDiff renders the difference between a and b as `diff -u` does, with
// context lines around each change; "" when they are equal.
func unifiedDiff(fromName, toName string, a, b []string, context int) string {
	edits := diffLines(a, b)
	var sb strings.Builder
	for start := 0; start < len(edits); {
		first := nextChange(edits, start)
		if first < 0 {
			break
		}
		if sb.Len() == 0 {
			fmt.Fprintf(&sb, "--- %s\n+++ %s\n", fromName, toName)
		}
		lo := max(first-context, start)
		hi := first
		// Extend the hunk while the next change is close enough to share context.
		for {
			last := hi
			for last+1 < len(edits) && edits[last+1].op != ' ' {
				last++
			}
			next := nextChange(edits, last+1)
			if next < 0 || next-last-1 > 2*context {
				hi = min(last+context, len(edits)-1)
				break
			}
			hi = next
		}
		writeHunk(&sb, edits[lo:hi+1])
		start = hi + 1
	}
	return sb.String()
}

func nextChange(edits []edit, from int) int {
	for i := from; i < len(edits); i++ {
		if edits[i].op != ' ' {
			return i
		}
	}
	return -1
}

func writeHunk(sb *strings.Builder, h []edit) {
	var na, nb int
	for _, e := range h {
		if e.op != '+' {
			na++
		}
		if e.op != '-' {
			nb++
		}
	}
	fmt.Fprintf(sb, "@@ -%s +%s @@\n", hunkRange(h[0].aPos, na), hunkRange(h[0].bPos, nb))
	for _, e := range h {
		sb.WriteByte(e.op)
		sb.WriteString(e.text)
		sb.WriteByte('\n')
	}
}

// hunkRange is GNU diff's "start,count", with start 1-based, or the line
// before the hunk when it is empty, and ",1" left out.
func hunkRange(pos, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", pos)
	case 1:
		return fmt.Sprint(pos + 1)
	}
	return fmt.Sprintf("%d,%d", pos+1, n)
}
