package field

import (
	"regexp"
	"strconv"
)

// Path is a dotted field path: "spec.evses[1].id",
// "metadata.labels[\"app.kubernetes.io/name\"]". Keys that are not plain
// identifiers are bracketed and quoted so the path stays unambiguous.
type Path string

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Key appends an object member.
func (p Path) Key(name string) Path {
	if !identRE.MatchString(name) {
		return p + Path("["+strconv.Quote(name)+"]")
	}
	if p == "" {
		return Path(name)
	}
	return p + "." + Path(name)
}

// Index appends an array element.
func (p Path) Index(i int) Path {
	return p + Path("["+strconv.Itoa(i)+"]")
}

func (p Path) String() string { return string(p) }

// Covers reports whether p is q or one of q's ancestors, so an error already
// reported at p makes a later one at q redundant.
func (p Path) Covers(q Path) bool {
	if p == "" || p == q {
		return p == q
	}
	if len(q) <= len(p) || q[:len(p)] != p {
		return false
	}
	c := q[len(p)]
	return c == '.' || c == '['
}
