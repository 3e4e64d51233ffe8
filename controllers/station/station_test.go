package station

import (
	"slices"
	"testing"
	"time"
)

func TestBackoffSchedule(t *testing.T) {
	b := NewBackoff(10*time.Second, 0, 3, 1)
	var got []time.Duration
	for range 6 {
		got = append(got, b.Next())
	}
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second, 80 * time.Second, 80 * time.Second}
	if !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	b.Reset()
	if w := b.Next(); w != 10*time.Second {
		t.Fatalf("after Reset the wait is %v", w)
	}
}

// TestBackoffSpread: stations with different seeds draw different random
// parts, each within [WaitMinimum, WaitMinimum+RandomRange].
func TestBackoffSpread(t *testing.T) {
	seen := map[time.Duration]bool{}
	for seed := range uint64(100) {
		w := NewBackoff(10*time.Second, 10*time.Second, 5, seed).Next()
		if w < 10*time.Second || w > 20*time.Second {
			t.Fatalf("seed %d: first wait %v outside [10s, 20s]", seed, w)
		}
		seen[w] = true
	}
	if len(seen) < 90 {
		t.Fatalf("100 stations drew only %d distinct first waits", len(seen))
	}
}

func TestBackoffDoesNotOverflow(t *testing.T) {
	b := NewBackoff(2*time.Hour, 0, 20, 1)
	for range 25 {
		if w := b.Next(); w <= 0 {
			t.Fatalf("wait overflowed to %v", w)
		}
	}
}

func TestConnectorStatus(t *testing.T) {
	cases := []struct {
		name string
		in   ConnectorInput
		want string
	}{
		{"idle", ConnectorInput{DeviceReachable: true}, ConnectorAvailable},
		{"ev plugged", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": true}}, ConnectorOccupied},
		{"charger fault", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": true, "faulted": true}}, ConnectorFaulted},
		{"device gone", ConnectorInput{DeviceReachable: false, Inoperative: true}, ConnectorFaulted},
		{"inoperative by CSMS", ConnectorInput{DeviceReachable: true, Inoperative: true, Signals: map[string]any{"evConnected": true}}, ConnectorUnavailable},
		{"charger not operative", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"operative": false}}, ConnectorUnavailable},
		{"reserved", ConnectorInput{DeviceReachable: true, Reserved: true}, ConnectorReserved},
		{"reserved and plugged", ConnectorInput{DeviceReachable: true, Reserved: true, Signals: map[string]any{"evConnected": true}}, ConnectorOccupied},
		{"non-bool signal ignored", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": "yes"}}, ConnectorAvailable},
		// What the device did not send is never guessed (issue: 0xC7 missing
		// while an EV charged at 3.2 kW was reported Available).
		{"ev state unknown, charging at 3.2 kW", ConnectorInput{DeviceReachable: true,
			Signals: map[string]any{"charging": true, "powerW": 3200.0},
			Unknown: map[string]string{"evConnected": "EPC 0xC7 not received"}}, ConnectorOccupied},
		{"ev state unknown, power unknown too", ConnectorInput{DeviceReachable: true,
			Unknown: map[string]string{"evConnected": "EPC 0xC7 not received", "powerW": "EPC 0xD3 not received"}}, ConnectorUnavailable},
		{"ev state unknown, no power", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"powerW": 0.0},
			Unknown: map[string]string{"evConnected": "EPC 0xC7 = 0xFF undefined"}}, ConnectorUnavailable},
		{"fault state unknown", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": false},
			Unknown: map[string]string{"faulted": "EPC 0x88 not received"}}, ConnectorUnavailable},
		{"no EV but power flows", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": false, "powerW": 7400.0}}, ConnectorOccupied},
		{"no EV, meter noise", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": false, "powerW": 3.0}}, ConnectorAvailable},
		{"device not polled yet", ConnectorInput{DeviceReachable: true, DeviceConnecting: true}, ConnectorUnavailable},
		{"unknown power alone does not block", ConnectorInput{DeviceReachable: true, Signals: map[string]any{"evConnected": false},
			Unknown: map[string]string{"powerW": "block \"meter\" not read"}}, ConnectorAvailable},
	}
	for _, c := range cases {
		if got := ConnectorStatus(c.in); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestReporterOfflineRules(t *testing.T) {
	a, b := ConnectorRef{1, 1}, ConnectorRef{2, 1}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := NewReporter()
	cur := map[ConnectorRef]string{b: ConnectorAvailable, a: ConnectorAvailable}
	first := r.Connected(t0, time.Minute, true, cur)
	if !slices.Equal(first, []ConnectorRef{a, b}) {
		t.Fatalf("boot reports %v, want both in order", first)
	}
	for _, ref := range first {
		r.Sent(ref, cur[ref])
	}
	if got := r.Changed(cur); len(got) != 0 {
		t.Fatalf("nothing changed, yet %v", got)
	}

	// Short outage: only the connector that changed is reported.
	r.Disconnected(t0)
	cur[a] = ConnectorOccupied
	if got := r.Connected(t0.Add(30*time.Second), time.Minute, false, cur); !slices.Equal(got, []ConnectorRef{a}) {
		t.Fatalf("after a short outage %v, want only %v", got, a)
	}
	r.Sent(a, ConnectorOccupied)

	// Long outage: everything is reported again, changed or not.
	r.Disconnected(t0.Add(time.Minute))
	if got := r.Connected(t0.Add(3*time.Minute), time.Minute, false, cur); !slices.Equal(got, []ConnectorRef{a, b}) {
		t.Fatalf("after a long outage %v, want all", got)
	}
}

// TestBackoffRandomPartNotDoubled (Part 4 §5.3): the random part is added
// to the doubled wait, so attempt n waits within [min×2^n, min×2^n+range].
func TestBackoffRandomPartNotDoubled(t *testing.T) {
	for seed := range uint64(50) {
		b := NewBackoff(10*time.Second, 10*time.Second, 3, seed)
		for n, base := range []time.Duration{10, 20, 40, 80, 80} {
			base *= time.Second
			if w := b.Next(); w < base || w > base+10*time.Second {
				t.Fatalf("seed %d attempt %d: wait %v outside [%v, %v]", seed, n, w, base, base+10*time.Second)
			}
		}
	}
}

// TestBackoffResetOnlyAfterStable: a connection Accepted and lost before
// StableAfter counts as a failed attempt (the waits keep growing); one that
// lasted StableAfter starts the schedule over.
func TestBackoffResetOnlyAfterStable(t *testing.T) {
	b := NewBackoff(time.Second, 0, 5, 1)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []time.Duration
	for i := range 4 { // accepted, then dropped after 5 s, each time
		at := t0.Add(time.Duration(i) * time.Minute)
		b.Accepted(at)
		b.Lost(at.Add(5 * time.Second))
		got = append(got, b.Next())
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}; !slices.Equal(got, want) {
		t.Fatalf("waits after short connections %v, want %v", got, want)
	}
	b.Lost(t0.Add(time.Hour)) // lost without being accepted: no reset
	if w := b.Next(); w != 16*time.Second {
		t.Fatalf("after a connection never accepted the wait is %v, want 16s", w)
	}
	b.Accepted(t0)
	b.Lost(t0.Add(DefaultStableAfter))
	if w := b.Next(); w != time.Second {
		t.Fatalf("after a connection up for StableAfter the wait is %v, want 1s", w)
	}
}
