package ocpp_test

import (
	"encoding/json"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// BenchmarkValidate measures one validation of a typical CALL payload. The
// baseline sub-benchmark is the plain json.Unmarshal into the Go type that
// the receiver does anyway, so figures can be read as ratios to it.
// Run: go test -run '^$' -bench Validate -benchmem ./drivers/ocpp/
func BenchmarkValidate(b *testing.B) {
	for _, c := range []struct{ action, payload string }{
		{ocpp.ActionBootNotification, bootJSON},
		{ocpp.ActionTransactionEvent, txJSON},
		{ocpp.ActionHeartbeat, `{}`},
	} {
		b.Run(c.action, func(b *testing.B) {
			payload := []byte(c.payload)
			if err := ocpp.ValidateRequest(c.action, payload); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				if err := ocpp.ValidateRequest(c.action, payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("TransactionEvent/baseline-unmarshal", func(b *testing.B) {
		payload := []byte(txJSON)
		b.ReportAllocs()
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			var v ocpp.TransactionEventRequest
			if err := json.Unmarshal(payload, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TransactionEvent/invalid", func(b *testing.B) {
		payload := []byte(txJSON[:len(txJSON)-1] + `,"bogus":1}`)
		b.ReportAllocs()
		for b.Loop() {
			if ocpp.ValidateRequest(ocpp.ActionTransactionEvent, payload) == nil {
				b.Fatal("accepted")
			}
		}
	})
}
