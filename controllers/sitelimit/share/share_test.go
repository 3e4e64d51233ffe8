package share

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// session is a 6..32 A charger with a session that started m minutes after t0.
func session(name string, m int) Charger {
	return Charger{Name: name, MinA: 6, MaxA: 32, Session: true, Since: t0.Add(time.Duration(m) * time.Minute)}
}

func idle(name string) Charger { return Charger{Name: name, MinA: 6, MaxA: 32} }

func with(c Charger, f func(*Charger)) Charger { f(&c); return c }

func TestCompute(t *testing.T) {
	underuse := func(draw, allowed float64) func(*Charger) {
		return func(c *Charger) { c.DrawA, c.DrawKnown, c.AllowedA, c.Settled = draw, true, allowed, true }
	}
	cases := []struct {
		name   string
		in     Input
		want   []float64
		paused []string
	}{
		{"equal shares", Input{LimitA: 63, Chargers: []Charger{session("a", 0), session("b", 1), session("c", 2)}},
			[]float64{21, 21, 21}, nil},
		{"the maximum caps, the rest goes to others", Input{LimitA: 100, Chargers: []Charger{
			with(session("a", 0), func(c *Charger) { c.MaxA = 16 }), session("b", 1), session("c", 2)}},
			[]float64{16, 32, 32}, nil},
		{"idle chargers get nothing", Input{LimitA: 40, Chargers: []Charger{idle("a"), session("b", 0), idle("c")}},
			[]float64{0, 32, 0}, nil},
		{"a session whose minimum does not fit waits", Input{LimitA: 10.1, Chargers: []Charger{session("b", 1), session("a", 0)}},
			[]float64{0, 10.1}, []string{"b"}},
		{"0.1 A units", Input{LimitA: 20, Chargers: []Charger{session("a", 0), session("b", 1), session("c", 2)}},
			[]float64{6.7, 6.7, 6.6}, nil},
		{"too little for all: the latest wait", Input{LimitA: 20, Chargers: []Charger{
			session("late", 9), session("first", 0), session("second", 1), session("third", 2)}},
			[]float64{0, 6.7, 6.7, 6.6}, []string{"late"}},
		{"a later session with a lower minimum still fits", Input{LimitA: 10, Chargers: []Charger{
			session("a", 0), session("b", 1), with(session("c", 2), func(c *Charger) { c.MinA = 4 })}},
			[]float64{6, 0, 4}, []string{"b"}},
		{"fixed load comes first", Input{LimitA: 40, FixedA: 30.05, Chargers: []Charger{session("a", 0), session("b", 1)}},
			[]float64{9.9, 0}, []string{"b"}},
		{"fixed load above the limit pauses everyone", Input{LimitA: 40, FixedA: 50, Chargers: []Charger{session("a", 0)}},
			[]float64{0}, []string{"a"}},
		{"an EV drawing less gives the rest away", Input{LimitA: 60, Chargers: []Charger{
			with(session("a", 0), underuse(8.2, 30)), session("b", 1)}},
			[]float64{12, 32}, nil},
		{"not yet settled: no redistribution", Input{LimitA: 60, Chargers: []Charger{
			with(session("a", 0), func(c *Charger) { underuse(8.2, 30)(c); c.Settled = false }), session("b", 1)}},
			[]float64{30, 30}, nil},
		{"an EV near its allowance keeps its share", Input{LimitA: 60, Chargers: []Charger{
			with(session("a", 0), underuse(28.5, 30)), session("b", 1)}},
			[]float64{30, 30}, nil},
		{"an EV drawing nothing keeps its minimum", Input{LimitA: 60, Chargers: []Charger{
			with(session("a", 0), underuse(0, 30)), session("b", 1)}},
			[]float64{6, 32}, nil},
		{"no limit gives every session its maximum", Input{LimitA: math.Inf(1), Chargers: []Charger{session("a", 0), idle("b")}},
			[]float64{32, 0}, nil},
		{"maximum below minimum cannot be served", Input{LimitA: 60, Chargers: []Charger{
			with(session("a", 0), func(c *Charger) { c.MaxA = 5 }), session("b", 1)}},
			[]float64{0, 32}, []string{"a"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Compute(tc.in)
			if !slices.Equal(res.Shares, tc.want) {
				t.Errorf("shares %v, want %v", res.Shares, tc.want)
			}
			var paused []string
			for _, i := range res.Paused {
				paused = append(paused, tc.in.Chargers[i].Name)
			}
			if !slices.Equal(paused, tc.paused) {
				t.Errorf("paused %v, want %v", paused, tc.paused)
			}
			checkInvariants(t, tc.in, res)
		})
	}
}

// checkInvariants: Σ shares ≤ limit − fixed, every share 0 or within
// [min, max], idle chargers 0.
func checkInvariants(t *testing.T, in Input, res Result) {
	t.Helper()
	sum := 0.0
	for i, s := range res.Shares {
		c := in.Chargers[i]
		sum += s
		switch {
		case math.IsNaN(s) || s < 0:
			t.Errorf("%s: share %v", c.Name, s)
		case s == 0:
		case !c.Session:
			t.Errorf("%s has no session but a share of %v A", c.Name, s)
		case s < c.MinA-1e-9 || s > c.MaxA+1e-9:
			t.Errorf("%s: share %v A outside [%v, %v]", c.Name, s, c.MinA, c.MaxA)
		}
		if d := s * 10; math.Abs(d-math.Round(d)) > 1e-6 {
			t.Errorf("%s: share %v is not a multiple of 0.1 A", c.Name, s)
		}
	}
	if room := in.LimitA - max(in.FixedA, 0); sum > room+1e-6 && sum > 0 {
		t.Errorf("shares sum to %v A, above the %v A left of the limit", sum, room)
	}
}

func TestPerPhaseA(t *testing.T) {
	cases := []struct {
		w      float64
		phases []int
		volts  []float64
		want   float64
	}{
		{69000, []int{3, 3}, []float64{230, 230}, 100},
		{69000, []int{1, 3}, []float64{230, 230}, 100}, // mixed: the most phases
		{23000, []int{1, 1}, []float64{230, 230}, 100},
		{69000, []int{3}, []float64{220, 230}, 100}, // the highest voltage
		{69000, nil, nil, 100},
	}
	for _, tc := range cases {
		if got := PerPhaseA(tc.w, tc.phases, tc.volts); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("PerPhaseA(%v, %v, %v) = %v, want %v", tc.w, tc.phases, tc.volts, got, tc.want)
		}
	}
}

func ExampleCompute() {
	res := Compute(Input{LimitA: 32, Chargers: []Charger{
		{Name: "a", MinA: 6, MaxA: 32, Session: true, Since: t0},
		{Name: "b", MinA: 6, MaxA: 32, Session: true, Since: t0.Add(time.Minute)},
		{Name: "c", MinA: 6, MaxA: 32},
	}})
	fmt.Println(res.Shares)
	// Output: [16 16 0]
}
