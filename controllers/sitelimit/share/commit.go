package share

import "math"

// Device is what Commit knows of one charger's limit.
type Device struct {
	// TargetA is the share Compute wants.
	TargetA float64
	// PreviousA is the share last stored for the charger; HasPrevious is
	// false when none is.
	PreviousA   float64
	HasPrevious bool
	// WrittenA is the limit the device last took; WrittenKnown is false
	// when it took none that the gateway knows of (it may draw its maximum).
	WrittenA     float64
	WrittenKnown bool
	// InFlightA is the highest share stored since the device last took
	// one, which its station may be writing now (0: none).
	InFlightA  float64
	MinA, MaxA float64
}

// committed is what the charger may draw before the new share reaches it.
func (d *Device) committed() int64 {
	c := floorDeci(d.MaxA)
	if d.WrittenKnown {
		c = ceilDeci(d.WrittenA)
	}
	if d.HasPrevious {
		c = max(c, ceilDeci(d.PreviousA))
	}
	return max(c, ceilDeci(d.InFlightA))
}

// Commit returns the shares to store now, given what Compute wants (in
// order: the indexes of devs to raise first, as Result.Order) within
// availableA: decreases in full, raises only as far as the sum of what every
// charger is committed to stays within availableA. A raise that cannot
// reach the charger's minimum is held at 0 when the charger is below its
// minimum, so no session is given a current it cannot charge with.
// Withheld reports whether any raise was held back.
func Commit(availableA float64, devs []Device, order []int) (shares []float64, withheld bool) {
	shares = make([]float64, len(devs))
	committed := make([]int64, len(devs))
	var sum int64
	for i := range devs {
		committed[i] = devs[i].committed()
		sum += committed[i]
		shares[i] = roundDeci(devs[i].TargetA)
	}
	room := floorDeci(availableA) - sum
	raised := make([]bool, len(devs))
	for _, i := range order {
		raised[i] = true
		withheld = raise(&devs[i], committed[i], &room, &shares[i]) || withheld
	}
	for i := range devs {
		if !raised[i] {
			withheld = raise(&devs[i], committed[i], &room, &shares[i]) || withheld
		}
	}
	return shares, withheld
}

// reserved is the current the site has already set aside for the charger:
// its previous share and any share in flight. A device that has confirmed
// nothing is counted at its maximum in the sum, but its setpoint may be as
// low as 0; what its station enforces now is one of these shares, so a
// share up to them raises nothing.
func (d *Device) reserved() int64 {
	var r int64
	if d.HasPrevious {
		r = ceilDeci(d.PreviousA)
	}
	return max(r, ceilDeci(d.InFlightA))
}

// raise clamps one charger's share to what room allows above its committed
// current, uses that room, and reports whether it held the share back.
func raise(d *Device, committed int64, room *int64, share *float64) bool {
	if !d.WrittenKnown {
		return raiseUnconfirmed(d, committed, *room, share)
	}
	want := floorDeci(d.TargetA)
	if want <= committed {
		return false
	}
	got := committed + max(*room, 0)
	if got >= want {
		*room -= want - committed
		return false
	}
	if got < ceilDeci(d.MinA) {
		// Between 0 and the minimum a session cannot charge: it waits at 0
		// (got >= committed here, so this only lowers it).
		got = 0
	}
	*room -= max(got-committed, 0)
	*share = float64(got) / 10
	return true
}

// raiseUnconfirmed clamps the share of a charger that has confirmed no
// limit. Above what is reserved for it, it may rise only as far as every
// other charger's committed current leaves room (the limit less the sum of
// the others: room + committed, since the sum counts it at its maximum),
// since its device may be at 0 when the new share reaches it. The room is
// not used up: the charger still counts at its maximum until it confirms.
func raiseUnconfirmed(d *Device, committed, room int64, share *float64) bool {
	want, base := floorDeci(d.TargetA), d.reserved()
	if want <= base {
		return false
	}
	got := min(want, max(committed+room, base))
	if got >= want {
		return false
	}
	if got < ceilDeci(d.MinA) {
		got = 0 // a session cannot charge below its minimum: it waits at 0
	}
	*share = float64(got) / 10
	return true
}

// roundDeci rounds a to the nearest 0.1 A, so that shares read back from
// JSON compare equal.
func roundDeci(a float64) float64 {
	return math.Round(a*10) / 10
}

// PerPhaseA turns a total power limit in W into a current per phase for
// chargers of the given phases and voltages: W / (V × phases) with the
// highest voltage and the most phases among them, since that is the lowest
// current that keeps the power within W whatever phases the load is on
// (a 3-phase load at I A draws 3·V·I; a 1-phase one only V·I). Without
// chargers it uses 230 V and 3 phases.
func PerPhaseA(watts float64, phases []int, voltages []float64) float64 {
	p, v := 0, 0.0
	for _, x := range phases {
		p = max(p, x)
	}
	for _, x := range voltages {
		v = max(v, x)
	}
	if p <= 0 {
		p = 3
	}
	if !(v > 0) {
		v = 230
	}
	return watts / (v * float64(p))
}
