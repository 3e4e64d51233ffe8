package conform

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
)

// bound is a numeric bound of a schema: exact as an int64 when it is an
// integer that fits, and as a float64 otherwise.
type bound struct {
	i     int64
	exact bool
	f     float64
	r     *big.Rat
}

func newBound(r *big.Rat) (*bound, error) {
	if r == nil {
		return nil, nil
	}
	f, _ := r.Float64()
	if math.IsInf(f, 0) {
		return nil, errBoundRange
	}
	b := &bound{f: f, r: r}
	if r.IsInt() && r.Num().IsInt64() {
		b.i, b.exact = r.Num().Int64(), true
	}
	return b, nil
}

var errBoundRange = errors.New("a numeric bound beyond float64")

// integer parses a JSON number written as an integer literal that fits
// int64 (-12, 300). Other integers (1.0, 1e3, beyond int64) report false.
func integer(s string) (int64, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && !(i == 0 && c == '-') {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// compare orders x against b: -1, 0 or 1, and whether it is certain. An
// integer literal against an integer bound is exact, and so are float64
// values farther apart than rounding could make them; nearer ones are
// compared as exact fractions, as jsonschema does.
func compare(x json.Number, b *bound) (int, bool) {
	s := string(x)
	if v, ok := integer(s); ok && b.exact {
		switch {
		case v < b.i:
			return -1, true
		case v > b.i:
			return 1, true
		}
		return 0, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	tol := 1e-9 * max(1, math.Abs(f), math.Abs(b.f))
	switch d := f - b.f; {
	case d > tol:
		return 1, true
	case d < -tol:
		return -1, true
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	return r.Cmp(b.r), true
}

// number checks x against n's numeric bounds.
func (n *node) number(x json.Number) bool {
	return above(x, n.min, true) && above(x, n.exMin, false) && below(x, n.max, true) && below(x, n.exMax, false)
}

// above reports whether x is certainly at least b (inclusive) or above it.
func above(x json.Number, b *bound, inclusive bool) bool {
	if b == nil {
		return true
	}
	c, sure := compare(x, b)
	return sure && (c > 0 || (inclusive && c == 0))
}

// below reports whether x is certainly at most b (inclusive) or below it.
func below(x json.Number, b *bound, inclusive bool) bool {
	if b == nil {
		return true
	}
	c, sure := compare(x, b)
	return sure && (c < 0 || (inclusive && c == 0))
}
