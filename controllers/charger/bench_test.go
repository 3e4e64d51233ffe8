package charger

import (
	"context"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// BenchmarkPollABB is the cost of one poll of one charger: the example ABB
// template's two register blocks read over Modbus TCP on loopback, its 14
// signals evaluated and compared with the last poll. The device's values
// do not change, so no status write is queued: this is the steady state of
// a charger at rest. The simulated device runs in the same process, so
// ns/op includes its side of both exchanges: an upper bound of the
// gateway's own cost.
func BenchmarkPollABB(b *testing.B) {
	p, mapping := benchPoller(b, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p.poll(ctx)
	}
	b.ReportMetric(float64(len(mapping.Signals())), "signals/poll")
}

// benchPoller is a poller of a simulated ABB with an EV plugged in, over a
// store in b's temp dir, after its first poll (which writes); met records
// its polls (nil: no metrics).
func benchPoller(b *testing.B, met *metrics.Charger) (*poller, *cel.Mapping) {
	now := time.Now()
	c, dev, mapping := openSimABB(b, now)
	c.Plug(true)
	c.Step(now.Add(time.Second))
	key := make([]byte, store.KeySize)
	rand.Read(key)
	st, err := store.Open(filepath.Join(b.TempDir(), "s.db"), store.Options{NoSync: true, EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	state := &deviceState{st: st, name: "abb", now: time.Now, threshold: 3, met: met,
		connectors: []v1alpha1.OCPPEVSE{{ID: 1, ConnectorID: 1}}}
	p := &poller{state: state, dev: dev, mapping: mapping, interval: time.Second, protocol: "modbus"}
	p.poll(context.Background())
	return p, mapping
}

// BenchmarkPollMetrics is BenchmarkPollABB without and with metrics: the
// difference is what recording one poll (its duration in a histogram, the
// reachable gauge when it changes) costs.
func BenchmarkPollMetrics(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		name := "without"
		if withMetrics {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			var met *metrics.Charger
			if withMetrics {
				met = metrics.New().Chargers()
			}
			p, _ := benchPoller(b, met)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				p.poll(ctx)
			}
		})
	}
}
