package main

import (
	"fmt"
	"strings"
)

// maxTraceCells bounds the memory of one diff: Myers' algorithm keeps
// O(D²) path ends for D differing lines. Beyond it the changed middle is
// shown as removed then added, which is still a correct diff, just not a
// minimal one.
const maxTraceCells = 4 << 20

// edit is one line of an edit script: ' ' kept, '-' removed, '+' added. aPos and
// bPos count the lines of a and b before it.
type edit struct {
	op         byte
	text       string
	aPos, bPos int
}

// diffLines returns a shortest edit script turning a into b (Myers, "An
// O(ND) Difference Algorithm", 1986). Common head and tail are trimmed
// first. Time and memory grow with the number of differing lines D, not
// with the size of the documents: two changed lines in a 4,000-line
// document cost a few hundred bytes.
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
	ops = append(ops, myersOps(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
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

// myersOps is the greedy forward search: after d edits, ends[d][k+d] is
// the furthest x reached on diagonal k = x-y. The ends are kept to walk
// the path back.
func myersOps(a, b []string) []byte {
	n, m := len(a), len(b)
	var ends [][]int32
	cells := 0
	for d := 0; d <= n+m; d++ {
		cells += 2*d + 1
		if cells > maxTraceCells {
			return replaceAll(n, m)
		}
		cur := make([]int32, 2*d+1)
		for k := -d; k <= d; k += 2 {
			x := 0
			if d > 0 {
				if down(ends[d-1], d, k) {
					x = int(at(ends[d-1], d-1, k+1))
				} else {
					x = int(at(ends[d-1], d-1, k-1)) + 1
				}
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			cur[k+d] = int32(x)
			if x >= n && y >= m {
				return walkBack(append(ends, cur), n, m)
			}
		}
		ends = append(ends, cur)
	}
	return replaceAll(n, m) // not reached: d = n+m always ends
}

// at reads the end on diagonal k after d edits.
func at(v []int32, d, k int) int32 { return v[k+d] }

// down says whether diagonal k after d edits is reached by an insertion
// (from k+1) rather than a deletion (from k-1): the further of the two.
func down(prev []int32, d, k int) bool {
	return k == -d || (k != d && at(prev, d-1, k-1) < at(prev, d-1, k+1))
}

// walkBack turns the path ending at (n, m) into ops, first to last.
func walkBack(ends [][]int32, n, m int) []byte {
	var rev []byte
	x, y := n, m
	for d := len(ends) - 1; d > 0; d-- {
		k := x - y
		var px, startX int
		if down(ends[d-1], d, k) {
			px = int(at(ends[d-1], d-1, k+1))
			startX = px
		} else {
			px = int(at(ends[d-1], d-1, k-1))
			startX = px + 1
		}
		for x > startX {
			rev = append(rev, ' ')
			x, y = x-1, y-1
		}
		if startX == px {
			rev = append(rev, '+')
			y--
		} else {
			rev = append(rev, '-')
			x--
		}
	}
	for ; x > 0; x-- {
		rev = append(rev, ' ')
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// replaceAll removes n lines and adds m: the diff beyond maxTraceCells.
func replaceAll(n, m int) []byte {
	ops := make([]byte, 0, n+m)
	for range n {
		ops = append(ops, '-')
	}
	for range m {
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
