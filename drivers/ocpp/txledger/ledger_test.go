package txledger

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// ev writes a TransactionEventRequest the way a station would; extra is
// spliced in after seqNo (e.g. `"offline":true,`).
func ev(tx string, seq int, eventType, extra string) string {
	return fmt.Sprintf(`{"eventType":%q,"timestamp":"2026-12-03T10:00:%02dZ","triggerReason":"Trigger","seqNo":%d,%s"transactionInfo":{"transactionId":%q}}`,
		eventType, seq%60, seq, extra, tx)
}

// session is Started, n Updated and Ended, seqNo 0..n+1.
func session(tx string, n int) []string {
	out := []string{ev(tx, 0, Started, "")}
	for i := 1; i <= n; i++ {
		out = append(out, ev(tx, i, Updated, ""))
	}
	return append(out, ev(tx, n+1, Ended, ""))
}

func TestLedger(t *testing.T) {
	s := session("T1", 3) // seqNo 0 Started, 1..3 Updated, 4 Ended
	tests := []struct {
		name     string
		payloads []string
		// unanswered are the indexes of payloads the CSMS did not acknowledge
		unanswered []int
		want       Summary
		clean      bool // no anomaly at all
		check      func(t *testing.T, tx *Tx)
	}{
		{name: "clean session", payloads: s,
			want: Summary{Transactions: 1, Deliveries: 5}, clean: true},
		{name: "two interleaved clean sessions",
			payloads: []string{s[0], ev("T2", 0, Started, ""), s[1], s[2], ev("T2", 1, Ended, ""), s[3], s[4]},
			want:     Summary{Transactions: 2, Deliveries: 7}, clean: true},
		{name: "gap", payloads: []string{s[0], s[1], s[3], s[4]},
			want: Summary{Transactions: 1, Deliveries: 4, Lost: 1},
			check: func(t *testing.T, tx *Tx) {
				if !slices.Equal(tx.Gaps, []int{2}) {
					t.Errorf("gaps %v, want [2]", tx.Gaps)
				}
			}},
		{name: "lost Started", payloads: s[1:],
			want: Summary{Transactions: 1, Deliveries: 4, Lost: 1, Unbalanced: []string{"T1"}}},
		{name: "duplicate resent offline is identical",
			payloads: []string{s[0], s[1], ev("T1", 2, Updated, `"offline":true,`), ev("T1", 2, Updated, ""), s[3], s[4]},
			want:     Summary{Transactions: 1, Deliveries: 6, Duplicated: 1},
			check: func(t *testing.T, tx *Tx) {
				if len(tx.Duplicates) != 1 || tx.Duplicates[0] != (Duplicate{SeqNo: 2, Deliveries: 2, AfterAck: 1, Identical: true}) {
					t.Errorf("duplicates %+v", tx.Duplicates)
				}
			}},
		{name: "offline first member is stripped too",
			payloads: []string{`{"offline":true,"eventType":"Started","seqNo":0,"transactionInfo":{"transactionId":"T1"}}`,
				`{"eventType":"Started","seqNo":0,"transactionInfo":{"transactionId":"T1"}}`},
			want: Summary{Transactions: 1, Deliveries: 2, Duplicated: 1, Unbalanced: []string{"T1"}}},
		{name: "duplicate with different content",
			payloads: []string{s[0], s[1], ev("T1", 1, Updated, `"numberOfPhasesUsed":3,`), s[2], s[3], s[4]},
			want:     Summary{Transactions: 1, Deliveries: 6, Duplicated: 1, NotIdentical: 1},
			check: func(t *testing.T, tx *Tx) {
				if len(tx.Duplicates) != 1 || tx.Duplicates[0].Identical {
					t.Errorf("duplicates %+v, want one not identical", tx.Duplicates)
				}
			}},
		{name: "three copies", payloads: []string{s[0], s[0], s[0], s[1], s[2], s[3], s[4]},
			want: Summary{Transactions: 1, Deliveries: 7, Duplicated: 2},
			check: func(t *testing.T, tx *Tx) {
				if tx.Started != 1 || tx.Duplicates[0].Deliveries != 3 {
					t.Errorf("Started %d, duplicates %+v", tx.Started, tx.Duplicates)
				}
			}},
		{name: "retry of an unanswered event", payloads: []string{s[0], s[1], s[1], s[2], s[3], s[4]}, unanswered: []int{1},
			want: Summary{Transactions: 1, Deliveries: 6, Retried: 1}, clean: true,
			check: func(t *testing.T, tx *Tx) {
				if len(tx.Duplicates) != 1 || tx.Duplicates[0] != (Duplicate{SeqNo: 1, Deliveries: 2, AfterAck: 0, Identical: true}) {
					t.Errorf("duplicates %+v", tx.Duplicates)
				}
			}},
		{name: "retries, then a duplicate of the acknowledged copy", payloads: []string{s[0], s[1], s[1], s[1], s[1], s[2], s[3], s[4]},
			unanswered: []int{1, 2},
			want:       Summary{Transactions: 1, Deliveries: 8, Duplicated: 1, Retried: 2}},
		{name: "retry with other content", payloads: []string{s[0], s[1], ev("T1", 1, Updated, `"numberOfPhasesUsed":3,`), s[2], s[3], s[4]},
			unanswered: []int{1},
			want:       Summary{Transactions: 1, Deliveries: 6, Retried: 1, NotIdentical: 1}},
		{name: "out of order", payloads: []string{s[0], s[2], s[1], s[3], s[4]},
			want: Summary{Transactions: 1, Deliveries: 5, OutOfOrder: 1},
			check: func(t *testing.T, tx *Tx) {
				if len(tx.OutOfOrder) != 1 || tx.OutOfOrder[0].SeqNo != 1 || tx.OutOfOrder[0].Index != 2 {
					t.Errorf("out of order %+v", tx.OutOfOrder)
				}
			}},
		{name: "event after Ended", payloads: append(slices.Clone(s), ev("T1", 5, Updated, "")),
			want: Summary{Transactions: 1, Deliveries: 6, AfterEnded: 1},
			check: func(t *testing.T, tx *Tx) {
				if len(tx.AfterEnded) != 1 || tx.AfterEnded[0].SeqNo != 5 {
					t.Errorf("after Ended %+v", tx.AfterEnded)
				}
			}},
		{name: "late event after Ended is also out of order", payloads: []string{s[0], s[1], s[2], s[4], s[3]},
			want: Summary{Transactions: 1, Deliveries: 5, OutOfOrder: 1, AfterEnded: 1}},
		{name: "two Ended", payloads: append(slices.Clone(s), ev("T1", 5, Ended, "")),
			want: Summary{Transactions: 1, Deliveries: 6, AfterEnded: 1, Unbalanced: []string{"T1"}}},
		{name: "not ended", payloads: s[:4],
			want: Summary{Transactions: 1, Deliveries: 4, Unbalanced: []string{"T1"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var l Ledger
			for i, p := range tc.payloads {
				add := l.Add
				if slices.Contains(tc.unanswered, i) {
					add = l.AddUnanswered
				}
				if err := add([]byte(p)); err != nil {
					t.Fatalf("payload %d: %v", i, err)
				}
			}
			got := l.Summary()
			if got.String() != tc.want.String() {
				t.Errorf("summary\n got %s\nwant %s", got, tc.want)
			}
			if got.Clean() != tc.clean {
				t.Errorf("Clean() = %v for %s", got.Clean(), got)
			}
			if tc.check != nil {
				tc.check(t, l.Tx("T1"))
			}
		})
	}
}

func TestMalformedPayloads(t *testing.T) {
	var l Ledger
	for _, p := range []string{
		`not json`,
		`{"seqNo":0,"transactionInfo":{"transactionId":"T1"}}`,
		`{"eventType":"Started","transactionInfo":{"transactionId":"T1"}}`,
		`{"eventType":"Started","seqNo":0}`,
		`{"eventType":"Started","seqNo":0,"transactionInfo":{"transactionId":""}}`,
	} {
		if err := l.Add([]byte(p)); err == nil {
			t.Errorf("%s was accepted", p)
		}
	}
	s := l.Summary()
	if len(s.Malformed) != 5 || s.Transactions != 0 || s.Clean() {
		t.Fatalf("summary %s", s)
	}
	if !strings.Contains(s.Malformed[3].Error(), "#3") || !strings.Contains(s.Malformed[3].Error(), "transactionId") {
		t.Fatalf("error %v does not say which payload and what is missing", s.Malformed[3])
	}
	if l.Tx("T1") != nil {
		t.Fatal("a malformed payload made a transaction")
	}
}

func TestWithoutMember(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":1,"offline":true,"b":2}`, `{"a":1,"b":2}`},
		{`{"offline":false,"a":1}`, `{"a":1}`},
		{`{"a":1,"offline":true}`, `{"a":1}`},
		{`{"offline":true}`, `{}`},
		{`{ "a" : 1 , "offline" : true }`, `{"a":1}`},
		{`{"a":{"offline":true}}`, `{"a":{"offline":true}}`}, // only top level
		{`{"b":2,"a":1}`, `{"b":2,"a":1}`},                   // order kept
	}
	for _, tc := range tests {
		got, err := withoutMember([]byte(tc.in), "offline")
		if err != nil || string(got) != tc.want {
			t.Errorf("withoutMember(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestNewFeedsInOrder(t *testing.T) {
	s := session("T1", 1)
	l := New([]json.RawMessage{json.RawMessage(s[0]), json.RawMessage(`{}`), json.RawMessage(s[2]), json.RawMessage(s[1])})
	got := l.Summary()
	if got.Deliveries != 3 || got.OutOfOrder != 1 || len(got.Malformed) != 1 {
		t.Fatalf("summary %s, want 3 deliveries, 1 out of order, 1 malformed", got)
	}
	if d := l.Tx("T1").Deliveries; d[2].Index != 3 || d[2].SeqNo != 1 {
		t.Fatalf("deliveries %+v: the fourth payload is seqNo 1", d)
	}
}
