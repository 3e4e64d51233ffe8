package share

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Thresholds of the redistribution of unused current, in A.
const (
	// UnderuseA: an EV that draws more than this below its allowance is
	// under-using it.
	UnderuseA = 2.0
	// Headroom is what an under-using EV keeps above its draw. It is above
	// UnderuseA so that a capped EV stays capped while its draw holds.
	Headroom = 3.0
)

// maxDeci bounds every current in deci-amps, so that an unbounded limit
// (+Inf) or absurd input cannot overflow the integer arithmetic.
const maxDeci = 1 << 40

// Charger is one managed charger that shares the limit.
type Charger struct {
	Name string
	// MinA and MaxA are the charger's minimum and maximum current per phase.
	MinA, MaxA float64
	// Session is true when the charger has a session that wants current.
	Session bool
	// Since is when the session started; earlier sessions are served first.
	Since time.Time
	// DrawA is the current per phase the EV draws, measured; DrawKnown
	// says whether it is.
	DrawA     float64
	DrawKnown bool
	// AllowedA is the share the charger was last given.
	AllowedA float64
	// Settled is true when the EV has been under-using its allowance
	// (Underusing) for long enough to take the unused current away.
	Settled bool
}

// Input is one computation.
type Input struct {
	// LimitA is the site limit per phase; +Inf for none.
	LimitA float64
	// FixedA is the current per phase already drawn by loads the gateway
	// does not manage, within the same limit.
	FixedA   float64
	Chargers []Charger
}

// Result is the share of each charger, in the order of Input.Chargers.
type Result struct {
	Shares []float64
	// Order is the service order: indexes of Input.Chargers with a session,
	// earliest first. Commit raises in this order.
	Order []int
	// Paused are the indexes of sessions that got 0 for want of current.
	Paused []int
	// AvailableA is the limit left for the managed chargers.
	AvailableA float64
}

// Underusing reports whether an EV drawing draw A under an allowance of
// allowed A leaves clearly more unused than it needs to ramp up.
func Underusing(draw, allowed float64) bool {
	return allowed-draw > UnderuseA
}

// Compute shares in.LimitA among the sessions (see the package rules).
func Compute(in Input) Result {
	n := len(in.Chargers)
	res := Result{Shares: make([]float64, n), Order: serviceOrder(in.Chargers)}
	avail := floorDeci(in.LimitA) - ceilDeci(max(in.FixedA, 0))
	avail = max(avail, 0)
	res.AvailableA = float64(avail) / 10
	lower, upper := make([]int64, n), make([]int64, n)
	var served []int
	left := avail
	for _, i := range res.Order {
		c := &in.Chargers[i]
		lo, hi := bounds(c)
		if hi < lo || lo > left {
			res.Paused = append(res.Paused, i)
			continue
		}
		lower[i], upper[i] = lo, hi
		left -= lo
		served = append(served, i)
	}
	level := fill(served, lower, upper, left)
	for _, i := range served {
		res.Shares[i] = float64(level[i]) / 10
	}
	return res
}

// serviceOrder lists the chargers with a session, earliest session first.
func serviceOrder(cs []Charger) []int {
	var order []int
	for i := range cs {
		if cs[i].Session {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cs[a].Since.Compare(cs[b].Since), cmp.Compare(cs[a].Name, cs[b].Name))
	})
	return order
}

// bounds gives a session's lowest and highest share in deci-amps; hi < lo
// when it cannot be served at all.
func bounds(c *Charger) (lo, hi int64) {
	lo = max(ceilDeci(c.MinA), 0)
	hi = floorDeci(c.MaxA)
	if c.Settled && c.DrawKnown && Underusing(c.DrawA, c.AllowedA) {
		capA := math.Ceil(max(c.DrawA, 0) + Headroom)
		hi = min(hi, max(lo, floorDeci(capA)))
	}
	return lo, hi
}

// fill raises the served sessions from lower together by up to left
// deci-amps, each no higher than upper, and returns their levels.
func fill(served []int, lower, upper []int64, left int64) map[int]int64 {
	level := make(map[int]int64, len(served))
	var open []int
	for _, i := range served {
		level[i] = lower[i]
		if upper[i] > lower[i] {
			open = append(open, i)
		}
	}
	for left > 0 && len(open) > 0 {
		each := left / int64(len(open))
		if each == 0 {
			// Fewer deci-amps than sessions: one each, in service order.
			for _, i := range open[:left] {
				level[i]++
			}
			break
		}
		still := open[:0]
		for _, i := range open {
			give := min(each, upper[i]-level[i])
			level[i] += give
			left -= give
			if level[i] < upper[i] {
				still = append(still, i)
			}
		}
		open = still
	}
	return level
}

// floorDeci is a in deci-amps, rounded down; the small tolerance keeps a
// value such as 99.99999999 (100 after a W conversion) at 1000.
func floorDeci(a float64) int64 {
	if math.IsNaN(a) || a <= 0 {
		return 0
	}
	return int64(min(math.Floor(a*10+1e-6), maxDeci))
}

// ceilDeci is a in deci-amps, rounded up.
func ceilDeci(a float64) int64 {
	if math.IsNaN(a) || a <= 0 {
		return 0
	}
	return int64(min(math.Ceil(a*10-1e-6), maxDeci))
}
