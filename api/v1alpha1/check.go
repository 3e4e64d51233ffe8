package v1alpha1

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
)

// missing is the reason for an empty required field, worded like the schema
// validator's so both layers read the same.
func missing(p FieldPath) string {
	s := string(p)
	if i := strings.LastIndexAny(s, ".["); i >= 0 {
		s = strings.Trim(s[i:], ".[]\"")
	}
	return fmt.Sprintf("required field %q is missing", s)
}

// checkRef validates the name of another object.
func checkRef(errs *fieldErrors, p FieldPath, name string, required bool) {
	if name == "" {
		if required {
			errs.add(p, missing(p))
		}
		return
	}
	if r := NameProblem(name); r != "" {
		errs.add(p, "must name an object: "+r)
	}
}

func checkMin(errs *fieldErrors, p FieldPath, v, minimum int) {
	if v < minimum {
		errs.add(p, fmt.Sprintf("must be at least %d, got %d", minimum, v))
	}
}

func checkRange(errs *fieldErrors, p FieldPath, v, minimum, maximum int) {
	if v < minimum || v > maximum {
		errs.add(p, fmt.Sprintf("must be between %d and %d, got %d", minimum, maximum, v))
	}
}

func checkMaxLen(errs *fieldErrors, p FieldPath, v string, maximum int) {
	if len(v) > maximum {
		errs.add(p, fmt.Sprintf("must be at most %d characters, got %d", maximum, len(v)))
	}
}

func checkRequiredMaxLen(errs *fieldErrors, p FieldPath, v string, maximum int) {
	if v == "" {
		errs.add(p, missing(p))
		return
	}
	checkMaxLen(errs, p, v, maximum)
}

var hostLabelRE = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$`)

// HostProblem returns why h is neither an IP address nor a DNS host name, or "".
// A trailing ":port" is accepted here and reported by the caller, which knows
// where the port belongs.
func HostProblem(h string) string {
	if h == "" {
		return `required field "host" is missing`
	}
	if host, _, err := splitHostPort(h); err == nil {
		h = host
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return ""
	}
	if len(h) > 253 {
		return fmt.Sprintf("must be an IP address or host name of at most 253 characters, got %d", len(h))
	}
	for _, l := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if len(l) > 63 || !hostLabelRE.MatchString(l) {
			return fmt.Sprintf("must be an IP address or a host name, got %q", h)
		}
	}
	return ""
}

// splitHostPort splits "host:port" and "[v6]:port"; a bare IPv6 address is
// not mistaken for one.
func splitHostPort(h string) (host, port string, err error) {
	if _, perr := netip.ParseAddr(h); perr == nil {
		return h, "", nil
	}
	if !strings.Contains(h, ":") {
		return h, "", nil
	}
	return net.SplitHostPort(h)
}
