package station

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

func TestPhasesUsed(t *testing.T) {
	for _, c := range []struct {
		sig  map[string]any
		want int // 0: left out
	}{
		{map[string]any{"currentA1": 16.0, "currentA2": 16.0, "currentA3": 15.8}, 3},
		{map[string]any{"currentA1": 16.0, "currentA2": 0.1, "currentA3": 0.0}, 1},
		{map[string]any{"currentA1": 16.0}, 0},                                      // not all phases mapped
		{map[string]any{"currentA1": 0.0, "currentA2": 0.0, "currentA3": 0.0}, 0},   // none carries current
		{map[string]any{"currentA1": 16.0, "currentA2": "?", "currentA3": 16.0}, 0}, // one unknown
	} {
		got := phasesUsed(c.sig)
		if (got == nil) != (c.want == 0) || (got != nil && *got != c.want) {
			t.Errorf("phasesUsed(%v) = %v, want %d", c.sig, got, c.want)
		}
	}
}

func TestWithOfflineKeepsEveryOtherByte(t *testing.T) {
	one := 1
	req := ocpp.TransactionEventRequest{EventType: ocpp.TransactionEventUpdated, TriggerReason: ocpp.TriggerReasonMeterValuePeriodic,
		SeqNo: 12, EVSE: &ocpp.EVSEType{ID: 1, ConnectorID: &one}, TransactionInfo: ocpp.TransactionType{TransactionID: "t"},
		MeterValue: []ocpp.MeterValueType{{SampledValue: []ocpp.SampledValueType{{Value: 1234.5}}}}}
	stored := canonical(t, req)
	off := true
	req.Offline = &off
	if got, want := string(withOffline(stored)), string(canonical(t, req)); got != want {
		t.Fatalf("withOffline:\n%s\nwant\n%s", got, want)
	}
	if got := string(withOffline(withOffline(stored))); got != string(canonical(t, req)) {
		t.Fatalf("offline set twice: %s", got)
	}
}

func canonical(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err == nil {
		b, err = v1alpha1.Canonical(b)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMergeQueuesKeepsEachSessionInOrder(t *testing.T) {
	rec := func(stamps ...string) *txRecord {
		r := &txRecord{t: &v1alpha1.Transaction{}}
		for i, s := range stamps {
			r.t.Status.Outbox = append(r.t.Status.Outbox, v1alpha1.OutboxEntry{SeqNo: i, Timestamp: s})
		}
		return r
	}
	// a's clock stepped back between its events; "05.1Z" and "05.12Z" compare wrongly as strings.
	a := rec("2026-12-03T12:00:05.12Z", "2026-12-03T12:00:01Z")
	b := rec("2026-12-03T12:00:05.1Z")
	got := mergeQueues([]queued{{rec: a, seqNo: 1}, {rec: b, seqNo: 0}, {rec: a, seqNo: 0}})
	var order []string
	for _, q := range got {
		order = append(order, fmt.Sprintf("%s%d", map[*txRecord]string{a: "a", b: "b"}[q.rec], q.seqNo))
	}
	if strings.Join(order, " ") != "b0 a0 a1" {
		t.Fatalf("order %v, want b0 a0 a1", order)
	}
}
