package rpc

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ocppgw/ocppgw/metrics"
)

// BenchmarkExchangeMetrics is one Heartbeat CALL and its CALLRESULT over
// loopback, without and with a metrics Observer: the difference is what
// recording an exchange (its result counter and round-trip histogram)
// costs. The CSMS runs in this process, so ns/op includes its side.
func BenchmarkExchangeMetrics(b *testing.B) {
	for _, withMetrics := range []bool{false, true} {
		name := "without"
		if withMetrics {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			srv := &Server{Options: Options{Logger: quiet(), Handler: func(context.Context, string, json.RawMessage) (any, error) {
				return heartbeatResult, nil
			}}}
			url, _ := startServer(b, srv)
			opts := Options{}
			if withMetrics {
				opts.Observer = metrics.New().OCPP().Station("cs")
			}
			c := dialStation(b, url, "CS-BENCH", opts)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := c.Call(ctx, "Heartbeat", []byte(`{}`)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
