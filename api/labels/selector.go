package labels

import (
	"slices"
	"strings"
)

// Operator is the relation a Requirement checks.
type Operator string

// The operators of a selector. "==" parses as Equals.
const (
	Exists       Operator = "exists" // k
	DoesNotExist Operator = "!"      // !k
	Equals       Operator = "="      // k=v, k==v
	NotEquals    Operator = "!="     // k!=v
	In           Operator = "in"     // k in (a,b)
	NotIn        Operator = "notin"  // k notin (a,b)
)

// Requirement is one comma-separated term of a selector.
type Requirement struct {
	Key      string
	Operator Operator
	// Values holds one value for Equals/NotEquals, a sorted set without
	// duplicates for In/NotIn, and nothing for Exists/DoesNotExist.
	Values []string
}

// Matches reports whether set satisfies the requirement. As in Kubernetes, a
// missing key satisfies "!=" and "notin".
func (r Requirement) Matches(set map[string]string) bool {
	v, ok := set[r.Key]
	switch r.Operator {
	case Exists:
		return ok
	case DoesNotExist:
		return !ok
	case Equals:
		return ok && v == r.Values[0]
	case NotEquals:
		return !ok || v != r.Values[0]
	case In:
		return ok && slices.Contains(r.Values, v)
	case NotIn:
		return !ok || !slices.Contains(r.Values, v)
	}
	return false
}

// String renders the requirement in the syntax Parse reads.
func (r Requirement) String() string {
	switch r.Operator {
	case Exists:
		return r.Key
	case DoesNotExist:
		return "!" + r.Key
	case Equals, NotEquals:
		return r.Key + string(r.Operator) + r.Values[0]
	default:
		return r.Key + " " + string(r.Operator) + " (" + strings.Join(r.Values, ",") + ")"
	}
}

// Selector is a conjunction of requirements. The zero value selects everything.
type Selector struct {
	reqs []Requirement
}

// Everything returns the selector that matches every label set.
func Everything() Selector { return Selector{} }

// Empty reports whether the selector has no requirements and so matches everything.
func (s Selector) Empty() bool { return len(s.reqs) == 0 }

// Requirements returns a copy of the selector's requirements in the order given.
func (s Selector) Requirements() []Requirement {
	out := make([]Requirement, len(s.reqs))
	for i, r := range s.reqs {
		r.Values = slices.Clone(r.Values)
		out[i] = r
	}
	return out
}

// Matches reports whether set satisfies every requirement. A nil set has no labels.
func (s Selector) Matches(set map[string]string) bool {
	for _, r := range s.reqs {
		if !r.Matches(set) {
			return false
		}
	}
	return true
}

// String renders the selector in the syntax Parse reads; Parse(s.String())
// gives an equal selector.
func (s Selector) String() string {
	parts := make([]string, len(s.reqs))
	for i, r := range s.reqs {
		parts[i] = r.String()
	}
	return strings.Join(parts, ",")
}
