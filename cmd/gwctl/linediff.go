package main

import (
	"fmt"
	"strings"
)

// maxDiffCells bounds the LCS table; beyond it the changed middle is shown as
// removed then added, which is still a correct diff, just not a minimal one.
const maxDiffCells = 16 << 20

// edit is one line of an edit script: ' ' kept, '-' removed, '+' added. aPos and
// bPos count the lines of a and b before it.
type edit struct {
	op         byte
	text       string
	aPos, bPos int
}

// diffLines returns an edit script turning a into b, from a longest common
// subsequence. Common head and tail are trimmed first, so typical manifest
// changes cost little.
func diffLines(a, b []string) []edit {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []byte
	for range pre {
		ops = append(ops, ' ')
	}
	ops = append(ops, lcsOps(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for range suf {
		ops = append(ops, ' ')
	}
	edits := make([]edit, len(ops))
	i, j := 0, 0
	for k, op := range ops {
		edits[k] = edit{op: op, aPos: i, bPos: j}
		switch op {
		case ' ':
			edits[k].text = a[i]
			i, j = i+1, j+1
		case '-':
			edits[k].text = a[i]
			i++
		case '+':
			edits[k].text = b[j]
			j++
		}
	}
	return edits
}

// lcsOps is the classic dynamic programme over suffixes.
func lcsOps(a, b []string) []byte {
	n, m := len(a), len(b)
	var ops []byte
	if n*m > maxDiffCells {
		for range n {
			ops = append(ops, '-')
		}
		for range m {
			ops = append(ops, '+')
		}
		return ops
	}
	w := m + 1
	l := make([]int32, (n+1)*w) // l[i*w+j] = LCS length of a[i:], b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i*w+j] = l[(i+1)*w+j+1] + 1
			} else {
				l[i*w+j] = max(l[(i+1)*w+j], l[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			ops = append(ops, ' ')
			i, j = i+1, j+1
		case l[(i+1)*w+j] >= l[i*w+j+1]:
			ops = append(ops, '-')
			i++
		default:
			ops = append(ops, '+')
			j++
		}
	}
	for ; i < n; i++ {
		ops = append(ops, '-')
	}
	for ; j < m; j++ {
		ops = append(ops, '+')
	}
	return ops
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
