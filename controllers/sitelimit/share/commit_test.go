package share

import (
	"slices"
	"testing"
)

func dev(target, written float64) Device {
	return Device{TargetA: target, WrittenA: written, WrittenKnown: true, MinA: 6, MaxA: 32}
}

func TestCommit(t *testing.T) {
	cases := []struct {
		name     string
		avail    float64
		devs     []Device
		order    []int
		want     []float64
		withheld bool
	}{
		{"raises that fit go through", 60, []Device{dev(30, 20), dev(30, 20)}, []int{0, 1}, []float64{30, 30}, false},
		{"a raise waits for the other's decrease", 60, []Device{dev(20, 40), dev(40, 20)}, []int{0, 1},
			[]float64{20, 20}, true},
		{"once written, the raise follows", 60, []Device{dev(20, 20), dev(40, 20)}, []int{0, 1}, []float64{20, 40}, false},
		{"a partial raise keeps a charging session above its minimum", 60, []Device{dev(20, 30), dev(35, 25)}, []int{0, 1},
			[]float64{20, 30}, true},
		{"a raise from 0 below the minimum waits at 0", 60, []Device{dev(20, 56), dev(10, 0)}, []int{0, 1},
			[]float64{20, 0}, true},
		{"an unknown written limit counts as the maximum", 36, []Device{
			{TargetA: 30, MinA: 6, MaxA: 32}, dev(30, 0)}, []int{0, 1}, []float64{30, 0}, true},
		{"a previous share still in flight counts", 60, []Device{
			with2(dev(20, 20), 40), dev(30, 20)}, []int{0, 1}, []float64{20, 20}, true},
		// An unconfirmed charger (a status from before a restart) may be at
		// 0 whatever the sum counts it at.
		{"an unconfirmed charger's raise waits for the others' decreases", 100, []Device{
			dev(50, 50), dev(50, 50), unconfirmed(6.6, 0)}, []int{0, 1, 2}, []float64{50, 50, 0}, true},
		{"an unconfirmed charger's raise that fits goes through", 100, []Device{
			dev(40, 40), unconfirmed(30, 0)}, []int{0, 1}, []float64{40, 30}, false},
		{"unconfirmed chargers keep the shares reserved for them", 100, []Device{
			unconfirmed(50, 50), unconfirmed(50, 50)}, []int{0, 1}, []float64{50, 50}, false},
		{"raises go in service order", 50, []Device{dev(25, 12), dev(25, 12), dev(0, 20)}, []int{1, 0, 2},
			[]float64{12, 18, 0}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, withheld := Commit(tc.avail, slices.Clone(tc.devs), tc.order)
			if !slices.Equal(got, tc.want) || withheld != tc.withheld {
				t.Errorf("Commit = %v withheld %v, want %v withheld %v", got, withheld, tc.want, tc.withheld)
			}
			checkCommit(t, tc.avail, tc.devs, got)
		})
	}
}

// unconfirmed is a device that confirmed no limit, whose previous share was
// previous.
func unconfirmed(target, previous float64) Device {
	return Device{TargetA: target, PreviousA: previous, HasPrevious: true, MinA: 6, MaxA: 32}
}

func with2(d Device, previous float64) Device {
	d.PreviousA, d.HasPrevious = previous, true
	return d
}

// checkCommit: no share above its target; a decrease is never held; every
// share 0 or at least the minimum when the target is; and when what was
// committed fitted, what is committed after fits too.
func checkCommit(t *testing.T, avail float64, devs []Device, shares []float64) {
	t.Helper()
	var before, after int64
	afterEach := make([]int64, len(devs))
	for i, d := range devs {
		s := shares[i]
		c := d.committed()
		// What needs no room: the committed current of a device that
		// confirmed its limit, what is reserved for one that did not.
		base := c
		if !d.WrittenKnown {
			base = d.reserved()
		}
		before += c
		afterEach[i] = max(c, floorDeci(s))
		after += afterEach[i]
		switch {
		case s > d.TargetA+1e-9:
			t.Errorf("device %d: share %v above target %v", i, s, d.TargetA)
		case floorDeci(d.TargetA) <= base && s != roundDeci(d.TargetA):
			t.Errorf("device %d: decrease to %v held at %v", i, d.TargetA, s)
		case s != 0 && d.TargetA >= d.MinA && s < d.MinA:
			t.Errorf("device %d: share %v below the minimum %v", i, s, d.MinA)
		}
	}
	room := floorDeci(avail)
	if before <= room && after > room {
		t.Errorf("committed %d dA after, %d before, above the %d dA available", after, before, room)
	}
	// A device that confirmed nothing may be at 0: a share above what is
	// reserved for it must fit beside what every other one is committed to.
	for i, d := range devs {
		if s := floorDeci(shares[i]); !d.WrittenKnown && s > d.reserved() && s+after-afterEach[i] > room {
			t.Errorf("device %d, unconfirmed: share %v beside %d dA committed to the others, above the %d dA available",
				i, shares[i], after-afterEach[i], room)
		}
	}
}
