package v1alpha1

import (
	"fmt"
	"time"
)

// Duration is a Go duration string such as "500ms", "5s" or "1m30s". It stays a
// string in the spec so that what the operator wrote is what the store keeps;
// admission guarantees it parses.
type Duration string

// Duration returns the parsed value, or 0 if d is empty or does not parse
// (never the case for an admitted object).
func (d Duration) Duration() time.Duration {
	v, err := time.ParseDuration(string(d))
	if err != nil {
		return 0
	}
	return v
}

// checkDuration validates a duration field that has already been defaulted.
// Empty is accepted only when the field is optional without a default.
func checkDuration(errs *fieldErrors, p FieldPath, d Duration, minimum time.Duration) {
	if d == "" {
		return
	}
	v, err := time.ParseDuration(string(d))
	if err != nil {
		errs.add(p, fmt.Sprintf("invalid duration %q: use a number with a unit, such as \"500ms\", \"5s\" or \"1m30s\"", string(d)))
		return
	}
	if v < minimum {
		errs.add(p, fmt.Sprintf("must be at least %s, got %s", minimum, d))
	}
}

func defaultDuration(d *Duration, def Duration) {
	if *d == "" {
		*d = def
	}
}

func defaultInt(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

func defaultIntPtr(v **int, def int) {
	if *v == nil {
		*v = &def
	}
}

func defaultString(v *string, def string) {
	if *v == "" {
		*v = def
	}
}
