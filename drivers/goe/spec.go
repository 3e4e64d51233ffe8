package goe

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Protocol is the name of the protocol and of its read section.
const Protocol = "goe"

// ConnectionKey is the key of a Charger's spec.connection.
const ConnectionKey = "goe"

// Connection reaches a charger's local HTTP API v2.
type Connection struct {
	// URL is the charger's base address, "http://192.168.1.50"; the API
	// lives under /api on it.
	URL string `json:"url"`
	// Timeout bounds each request, connecting included. Default "2s".
	Timeout v1alpha1.Duration `json:"timeout,omitempty"`
}

// DefaultTimeout is a request's timeout when the Charger gives none.
const DefaultTimeout = 2 * time.Second

// SetDefaults implements v1alpha1.ConnectionSpec.
func (c *Connection) SetDefaults() {
	if c.Timeout == "" {
		c.Timeout = v1alpha1.Duration(DefaultTimeout.String())
	}
}

// Validate implements v1alpha1.ConnectionSpec.
func (c *Connection) Validate(p v1alpha1.FieldPath) []v1alpha1.FieldError {
	var errs []v1alpha1.FieldError
	add := func(q v1alpha1.FieldPath, format string, args ...any) {
		errs = append(errs, v1alpha1.FieldError{Field: q.String(), Reason: fmt.Sprintf(format, args...)})
	}
	if r := urlProblem(c.URL); r != "" {
		add(p.Key("url"), "%s", r)
	}
	if d := c.Timeout.Duration(); c.Timeout != "" && d < 10*time.Millisecond {
		add(p.Key("timeout"), "must be a duration of at least 10ms such as \"2s\", got %q", string(c.Timeout))
	}
	return errs
}

func urlProblem(s string) string {
	if s == "" {
		return `required field "url" is missing (the charger's address, such as "http://192.168.1.50")`
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("must be a URL such as \"http://192.168.1.50\": %v", err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("must start with http:// or https://, got %q", s)
	case u.Host == "":
		return fmt.Sprintf("must name a host, got %q", s)
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return fmt.Sprintf("must be the charger's base address, without query, fragment or user, got %q", s)
	case u.Path != "" && u.Path != "/":
		return fmt.Sprintf("must be the charger's base address without a path (the API is under /api), got %q", s)
	}
	return ""
}

// Read is a Template's spec.read.goe: the API keys one poll asks for.
type Read struct {
	// Keys are the API keys read on every poll, in one filtered status
	// request: "car", "amp", "nrg", …
	Keys []string `json:"keys" schema:"minItems=1,maxItems=64,items.is=identifier"`
	// Optional lists keys of Keys the device may leave out (older
	// firmware): their signals go unknown with no alarm.
	Optional []string `json:"optional,omitempty" schema:"items.is=identifier"`
}

// MaxKeys bounds Keys: the filter of one request, and the size CEL's cost
// estimate assumes for status.
const MaxKeys = 64

var keyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,31}$`)

// Validate implements v1alpha1.ReadSpec.
func (r *Read) Validate(p v1alpha1.FieldPath) []v1alpha1.FieldError {
	var errs []v1alpha1.FieldError
	add := func(q v1alpha1.FieldPath, format string, args ...any) {
		errs = append(errs, v1alpha1.FieldError{Field: q.String(), Reason: fmt.Sprintf(format, args...)})
	}
	if len(r.Keys) == 0 || len(r.Keys) > MaxKeys {
		add(p.Key("keys"), "must list 1..%d API keys, got %d", MaxKeys, len(r.Keys))
	}
	seen := map[string]bool{}
	for i, k := range r.Keys {
		switch {
		case !keyRE.MatchString(k):
			add(p.Key("keys").Index(i), "must be an API key such as \"car\" (letters, digits, '_', at most 32), got %q", k)
		case seen[k]:
			add(p.Key("keys").Index(i), "duplicate key %q", k)
		}
		seen[k] = true
	}
	for i, k := range r.Optional {
		if !seen[k] {
			add(p.Key("optional").Index(i), "key %q is not in keys", k)
		}
	}
	return errs
}

// IsOptional reports whether the template marks key optional.
func (r *Read) IsOptional(key string) bool { return slices.Contains(r.Optional, key) }

// WorstCasePoll implements v1alpha1.PollBudgeter: one status request,
// bounded by the connection's timeout, connecting included.
func (c *Connection) WorstCasePoll(read *v1alpha1.TemplateRead, _ *v1alpha1.BusSpec) (time.Duration, string) {
	r, ok := read.Section(Protocol).(*Read)
	if !ok || r == nil || len(r.Keys) == 0 {
		return 0, ""
	}
	timeout := c.Timeout.Duration()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return timeout, fmt.Sprintf("one status request × %v timeout over HTTP", timeout)
}

// Summary implements v1alpha1.Summarizer: "goe 192.168.1.60".
func (c *Connection) Summary() string {
	if u, err := url.Parse(c.URL); err == nil && u.Host != "" {
		return "goe " + u.Host
	}
	return "goe " + c.URL
}
