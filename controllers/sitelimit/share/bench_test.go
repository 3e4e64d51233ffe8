package share

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCompute40 shares 250 A among 40 chargers, 30 of them in a
// session and some drawing less than they are allowed: one reshare of the
// issue's example site.
//
//	go test -run '^$' -bench . -benchmem ./controllers/sitelimit/share/
func BenchmarkCompute40(b *testing.B) {
	in := Input{LimitA: 250}
	t0 := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	for i := range 40 {
		c := Charger{Name: fmt.Sprintf("wb-%d", i), MinA: 6, MaxA: 32, Session: i < 30,
			Since: t0.Add(time.Duration(i) * time.Minute), AllowedA: 8, DrawA: 8, DrawKnown: true}
		if i%5 == 0 {
			c.DrawA, c.Settled = 3, true
		}
		in.Chargers = append(in.Chargers, c)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := Compute(in); len(r.Shares) != 40 {
			b.Fatal(r)
		}
	}
}
