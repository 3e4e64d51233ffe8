package devicemodel

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// check returns why value does not fit the characteristics, or "". The
// reason is sent to the CSMS as additionalInfo, so it names the rule broken.
func check(c Characteristics, value string) string {
	switch c.DataType {
	case Integer:
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return fmt.Sprintf("%q is not an integer", value)
		}
		return checkRange(c, float64(n), value)
	case Decimal:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Sprintf("%q is not a decimal", value)
		}
		return checkRange(c, f, value)
	case Boolean:
		if value != "true" && value != "false" {
			return fmt.Sprintf("%q is not a boolean (true or false)", value)
		}
	case DateTime:
		if _, err := time.Parse(time.RFC3339, value); err != nil {
			return fmt.Sprintf("%q is not an RFC 3339 date-time", value)
		}
	case String:
		n := utf8.RuneCountInString(value)
		if c.MaxLimit != nil && float64(n) > *c.MaxLimit {
			return fmt.Sprintf("length %d exceeds the maximum %g", n, *c.MaxLimit)
		}
		if c.MinLimit != nil && float64(n) < *c.MinLimit {
			return fmt.Sprintf("length %d is below the minimum %g", n, *c.MinLimit)
		}
	case OptionList:
		if !slices.Contains(c.ValuesList, value) {
			return fmt.Sprintf("%q is not one of %s", value, strings.Join(c.ValuesList, ","))
		}
	case MemberList, SequenceList:
		return checkMembers(c, value)
	}
	return ""
}

func checkRange(c Characteristics, f float64, value string) string {
	if c.MinLimit != nil && f < *c.MinLimit {
		return fmt.Sprintf("%s is below the minimum %g", value, *c.MinLimit)
	}
	if c.MaxLimit != nil && f > *c.MaxLimit {
		return fmt.Sprintf("%s exceeds the maximum %g", value, *c.MaxLimit)
	}
	return ""
}

// checkMembers accepts a comma-separated list of distinct members of the
// valuesList. An empty MemberList is allowed (nothing selected); an empty
// SequenceList is not, since a priority list needs one entry.
func checkMembers(c Characteristics, value string) string {
	if value == "" {
		if c.DataType == SequenceList {
			return "a SequenceList needs at least one entry"
		}
		return ""
	}
	seen := map[string]bool{}
	for _, m := range strings.Split(value, ",") {
		switch {
		case !slices.Contains(c.ValuesList, m):
			return fmt.Sprintf("%q is not one of %s", m, strings.Join(c.ValuesList, ","))
		case seen[m]:
			return fmt.Sprintf("%q is listed twice", m)
		}
		seen[m] = true
	}
	return ""
}
