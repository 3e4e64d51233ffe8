package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// TestCrashAuditExplainsOnlyTheOutboxHead checks the crash tests' audit
// on CSMS logs written by hand: a copy is explained only when it is the
// next TransactionEvent after the first one and the first on a new
// connection, and it counts as a restart's when a BootNotification came
// in between. Anything else, and a gap, are problems.
func TestCrashAuditExplainsOnlyTheOutboxHead(t *testing.T) {
	te := func(seq int, typ string) strictcsms.Event {
		p := fmt.Sprintf(`{"eventType":%q,"seqNo":%d,"transactionInfo":{"transactionId":"T1"%s}}`, typ, seq,
			map[bool]string{true: `,"stoppedReason":"EVDisconnected"`}[typ == "Ended"])
		return strictcsms.Event{Ev: "call", Identity: "S", Method: "TransactionEvent", Params: json.RawMessage(p)}
	}
	connect := strictcsms.Event{Ev: "connect", Identity: "S"}
	boot := strictcsms.Event{Ev: "call", Identity: "S", Method: "BootNotification"}
	tests := []struct {
		name                string
		events              []strictcsms.Event
		kill, cut, problems int
	}{
		{"clean", []strictcsms.Event{connect, boot, te(0, "Started"), te(1, "Ended")}, 0, 0, 0},
		{"head re-sent after a restart", []strictcsms.Event{connect, boot, te(0, "Started"), te(1, "Updated"),
			connect, boot, te(1, "Updated"), te(2, "Ended")}, 1, 0, 0},
		{"head re-sent after a cut", []strictcsms.Event{connect, boot, te(0, "Started"), te(1, "Updated"),
			connect, te(1, "Updated"), te(2, "Ended")}, 0, 1, 0},
		{"repeated on the same connection", []strictcsms.Event{connect, boot, te(0, "Started"), te(1, "Updated"),
			te(1, "Updated"), te(2, "Ended")}, 0, 0, 1},
		{"an older event re-sent after a restart", []strictcsms.Event{connect, boot, te(0, "Started"), te(1, "Updated"),
			connect, boot, te(0, "Started"), te(2, "Ended")}, 0, 0, 1},
		{"a gap", []strictcsms.Event{connect, boot, te(0, "Started"), te(2, "Ended")}, 0, 0, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var payloads []json.RawMessage
			for _, e := range tc.events {
				if e.Method == "TransactionEvent" {
					payloads = append(payloads, e.Params)
				}
			}
			txs := txledger.New(payloads).Transactions()
			a := &crashAudit{}
			a.auditTx("S", &txs[0], crashTimeline(tc.events, "S"))
			if a.killDups != tc.kill || a.cutDups != tc.cut || len(a.problems) != tc.problems {
				t.Fatalf("restart %d, cut %d, problems %v; want %d, %d, %d problems", a.killDups, a.cutDups, a.problems,
					tc.kill, tc.cut, tc.problems)
			}
		})
	}
}
