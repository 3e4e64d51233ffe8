package labels

import (
	"fmt"
	"regexp"
	"strings"
)

// The key and value rules are Kubernetes', so labels survive a round trip
// through kubectl-shaped tooling.
var (
	keyNameRE   = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	keyPrefixRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	valueRE     = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)
)

// KeyProblem returns why key is not a valid label or annotation key, or "":
// an optional DNS-subdomain prefix and '/', then a name of at most 63
// characters.
func KeyProblem(key string) string {
	name := key
	if prefix, rest, ok := strings.Cut(key, "/"); ok {
		if prefix == "" || len(prefix) > 253 || !keyPrefixRE.MatchString(prefix) {
			return fmt.Sprintf("key %q: prefix must be a DNS subdomain (lowercase, dot-separated)", key)
		}
		name = rest
	}
	switch {
	case name == "":
		return fmt.Sprintf("key %q: name part must not be empty", key)
	case len(name) > 63:
		return fmt.Sprintf("key %q: name part must be at most 63 characters", key)
	case !keyNameRE.MatchString(name):
		return fmt.Sprintf("key %q: name part must be letters, digits, '-', '_' or '.', starting and ending with a letter or digit", key)
	}
	return ""
}

// ValueProblem returns why v is not a valid label value, or "".
func ValueProblem(v string) string {
	if len(v) > 63 {
		return fmt.Sprintf("value %q must be at most 63 characters", v)
	}
	if !valueRE.MatchString(v) {
		return fmt.Sprintf("value %q must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit", v)
	}
	return ""
}
