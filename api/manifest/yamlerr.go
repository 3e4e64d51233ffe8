package manifest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

var (
	yamlLineRE      = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownAnchorRE = regexp.MustCompile(`^unknown anchor '(.+)' referenced$`)
)

// go-yaml's parser (unlike its scanner) reports 0-based lines. These are the
// parser's messages; every other located message is 1-based.
var parserProblems = []string{
	"did not find expected key",
	"did not find expected node content",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
}

// yamlErrors rewords a sigs.k8s.io/yaml error as field errors whose line
// numbers count from the start of the file (c.line is the file line of the
// chunk's first line). When go-yaml gives no location, which it does for
// problems on the chunk's first line, the first line with content is named.
func yamlErrors(err error, c chunk) []v1alpha1.FieldError {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	var items []string
	if rest, ok := strings.CutPrefix(msg, "unmarshal errors:"); ok {
		for _, l := range strings.Split(rest, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				items = append(items, l)
			}
		}
	} else {
		items = []string{msg}
	}
	out := make([]v1alpha1.FieldError, 0, len(items))
	for _, it := range items {
		n, text := firstContentLine(c.text), it
		if m := yamlLineRE.FindStringSubmatch(it); m != nil {
			n, _ = strconv.Atoi(m[1])
			text = m[2]
			if isParserProblem(text) {
				n++
			}
		} else if m := unknownAnchorRE.FindStringSubmatch(it); m != nil {
			n = lineContaining(c.text, "*"+m[1])
		}
		out = append(out, v1alpha1.FieldError{Reason: fmt.Sprintf("invalid YAML: line %d: %s", c.line+n-1, text)})
	}
	return out
}

func isParserProblem(text string) bool {
	for _, p := range parserProblems {
		if strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

// firstContentLine is the 1-based chunk line of the first line that is not
// blank or a comment.
func firstContentLine(text []byte) int {
	for i, l := range strings.Split(string(text), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return i + 1
		}
	}
	return 1
}

// lineContaining is the 1-based chunk line first containing s, or 1.
func lineContaining(text []byte, s string) int {
	for i, l := range strings.Split(string(text), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	return 1
}
