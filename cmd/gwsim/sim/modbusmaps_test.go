package sim

import (
	"errors"
	"testing"
	"time"
)

// TestKEBAReadsOneValueAtATime: like the real charger, reads must cover
// exactly one 32-bit value.
func TestKEBAReadsOneValueAtATime(t *testing.T) {
	c := NewCharger(Config{}, t0)
	k := &KEBA{C: c, Serial: 1}
	if _, err := k.Read(255, 1000, 2); err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]uint16{{1000, 4}, {1001, 2}, {1000, 1}} {
		if _, err := k.Read(255, r[0], r[1]); !errors.Is(err, ErrIllegalAddress) {
			t.Errorf("read of %d at %d: %v, want illegal address", r[1], r[0], err)
		}
	}
	if _, err := k.Read(1, 1000, 2); !errors.Is(err, ErrUnknownUnit) {
		t.Errorf("unit 1: %v", err)
	}
}

// TestKeepAliveRegistersFeedTheWatchdog: KEBA's failsafe timeout and
// Schneider's lifebit hold the setpoint; without them the safe current applies.
func TestKeepAliveRegistersFeedTheWatchdog(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     func(*Charger) RegisterMap
		addr  uint16
		value uint16
	}{
		{"keba", func(c *Charger) RegisterMap { return &KEBA{C: c} }, kebaFailsafe, 20},
		{"schneider", func(c *Charger) RegisterMap { return &Schneider{C: c} }, schneiderLifebit, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCharger(Config{MaxCurrentA: 32, SafeCurrentA: 6, Watchdog: 10 * time.Second}, t0)
			m := tc.m(c)
			c.Step(t0.Add(time.Minute))
			if s := c.Snapshot(); !s.WatchdogExpired || s.LimitA != 6 {
				t.Fatalf("unfed: %+v", s)
			}
			if err := m.Write(255, tc.addr, []uint16{tc.value}); err != nil {
				t.Fatal(err)
			}
			c.Step(t0.Add(time.Minute + time.Second))
			if s := c.Snapshot(); s.WatchdogExpired || s.LimitA != 32 {
				t.Fatalf("fed: %+v", s)
			}
		})
	}
}
