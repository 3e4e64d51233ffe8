package share

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// randomInput builds a site of up to 40 chargers with varied limits,
// sessions, draws and fixed loads.
func randomInput(r *rand.Rand) Input {
	in := Input{LimitA: float64(r.IntN(4000)) / 10, FixedA: float64(r.IntN(300)) / 10}
	if r.IntN(10) == 0 {
		in.FixedA = 0
	}
	for i := range r.IntN(40) {
		minA := []float64{6, 6, 6, 8, 0}[r.IntN(5)]
		maxA := []float64{16, 32, 32, 63, 5}[r.IntN(5)]
		c := Charger{Name: fmt.Sprintf("c%02d", i), MinA: minA, MaxA: maxA, Session: r.IntN(4) != 0,
			Since: t0.Add(time.Duration(r.IntN(100)) * time.Second), AllowedA: float64(r.IntN(330)) / 10,
			DrawA: float64(r.IntN(330)) / 10, DrawKnown: r.IntN(3) != 0, Settled: r.IntN(2) == 0}
		in.Chargers = append(in.Chargers, c)
	}
	return in
}

// TestComputeProperties: for many random sites, the sum of the shares stays
// within the limit, every share is 0 or within [min, max], and the limit is
// used up as far as the sessions can take it.
func TestComputeProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 5000 {
		in := randomInput(r)
		res := Compute(in)
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			checkInvariants(t, in, res)
			checkUsedUp(t, in, res)
		})
		if t.Failed() {
			t.Fatalf("input: %+v", in)
		}
	}
}

// checkUsedUp: unless every served session sits at its cap, less than
// 0.1 A of the limit is left unused.
func checkUsedUp(t *testing.T, in Input, res Result) {
	t.Helper()
	sum, atCap := 0.0, true
	for _, i := range res.Order {
		s := res.Shares[i]
		sum += s
		if s == 0 {
			continue
		}
		if _, hi := bounds(&in.Chargers[i]); floorDeci(s) < hi {
			atCap = false
		}
	}
	if !atCap && res.AvailableA-sum > 0.05 {
		t.Errorf("%.1f A of %.1f A left unused while a session is below its cap: %v", res.AvailableA-sum, res.AvailableA, res.Shares)
	}
}

// TestCommitProperties: Commit never raises the committed total above the
// limit when it was within, passes decreases, and keeps shares valid.
func TestCommitProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		in := randomInput(r)
		res := Compute(in)
		devs := make([]Device, len(in.Chargers))
		for i, c := range in.Chargers {
			devs[i] = Device{TargetA: res.Shares[i], MinA: c.MinA, MaxA: c.MaxA,
				WrittenA: float64(r.IntN(330)) / 10, WrittenKnown: r.IntN(5) != 0,
				PreviousA: float64(r.IntN(330)) / 10, HasPrevious: r.IntN(2) == 0}
		}
		shares, _ := Commit(res.AvailableA, devs, res.Order)
		checkCommit(t, res.AvailableA, devs, shares)
		if t.Failed() {
			t.Fatalf("devices: %+v", devs)
		}
	}
}

// FuzzCompute: any input, however odd (NaN, negative, huge), gives shares
// that keep the invariants, and Commit over them too.
func FuzzCompute(f *testing.F) {
	f.Add(100.0, 0.0, uint64(0x0123456789abcdef), 6.0, 32.0, 7.5, 20.0)
	f.Add(math.Inf(1), -3.0, uint64(42), 0.0, 5.0, math.NaN(), 1e300)
	f.Fuzz(func(t *testing.T, limit, fixed float64, bits uint64, minA, maxA, draw, allowed float64) {
		in := Input{LimitA: limit, FixedA: fixed}
		for i := range int(bits % 9) {
			b := bits >> (i * 7)
			in.Chargers = append(in.Chargers, Charger{Name: fmt.Sprint("c", i), MinA: minA + float64(b%3),
				MaxA: maxA - float64(b%5), Session: b&1 == 0, Since: t0.Add(time.Duration(b%11) * time.Second),
				DrawA: draw, DrawKnown: b&2 == 0, AllowedA: allowed, Settled: b&4 == 0})
		}
		res := Compute(in)
		if !(limit >= 0) {
			in.LimitA = 0 // a NaN or negative limit leaves nothing to share
		}
		checkInvariants(t, in, res)
		devs := make([]Device, len(in.Chargers))
		for i, c := range in.Chargers {
			devs[i] = Device{TargetA: res.Shares[i], MinA: c.MinA, MaxA: c.MaxA, WrittenA: draw, WrittenKnown: c.DrawKnown}
		}
		shares, _ := Commit(res.AvailableA, devs, res.Order)
		for i, s := range shares {
			if s > res.Shares[i]+1e-9 || s < 0 || math.IsNaN(s) {
				t.Errorf("commit share %v for target %v", s, res.Shares[i])
			}
		}
	})
}
