package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// Session names are transactionIds, as the station controller makes them.
const (
	txA1 = "3f9a7c10-8b2d-4e61-9f0a-5c4d3b2a1e01" // ch-a EVSE 1, charging
	txA2 = "0a1b2c3d-e4f5-4a6b-8c7d-9e0f1a2b3c02" // ch-a EVSE 1, ended earlier
	txB1 = "55e4d3c2-b1a0-4f9e-8d7c-6b5a4f3e2d03" // ch-b EVSE 2, ended, events still queued
)

func ptr[T any](v T) *T { return &v }

// createTransaction stores a session the way the station does: create, then
// write the status, labelled with its charger.
func (e *testEnv) createTransaction(name, charger string, evse int, started time.Time, st v1alpha1.TransactionStatus) *v1alpha1.Object {
	e.t.Helper()
	spec, err := json.Marshal(v1alpha1.TransactionSpec{ChargerRef: charger, EVSEID: evse, ConnectorID: 1, TransactionID: name,
		IDToken: &v1alpha1.IDToken{IDToken: "04A1B2C3", Type: "ISO14443"}, StartedAt: started.UTC().Format(time.RFC3339)})
	if err != nil {
		e.t.Fatal(err)
	}
	obj, err := e.store.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Transaction",
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{"ocppgw.dev/charger": charger}}, Spec: spec})
	if err != nil {
		e.t.Fatalf("create transaction %s: %v", name, err)
	}
	return e.setTransactionStatus(obj, st)
}

func (e *testEnv) setTransactionStatus(obj *v1alpha1.Object, st v1alpha1.TransactionStatus) *v1alpha1.Object {
	e.t.Helper()
	raw, err := json.Marshal(st)
	if err != nil {
		e.t.Fatal(err)
	}
	obj.Status = raw
	out, err := e.store.UpdateStatus(obj)
	if err != nil {
		e.t.Fatalf("status of transaction %s: %v", obj.Metadata.Name, err)
	}
	return out
}

func outboxEvent(seq int, typ, trigger string, at time.Time, attempts int, offline bool) v1alpha1.OutboxEntry {
	return v1alpha1.OutboxEntry{SeqNo: seq, EventType: typ, Timestamp: at.UTC().Format(time.RFC3339),
		Payload:  json.RawMessage(fmt.Sprintf(`{"eventType":%q,"seqNo":%d}`, typ, seq)),
		Attempts: attempts, Offline: offline, Trigger: trigger}
}

// siteSessions stores three sessions on two chargers, created out of the
// order the table shows them in.
func (e *testEnv) siteSessions(now time.Time) {
	e.createTransaction(txB1, "ch-b", 2, now.Add(-3*time.Hour), v1alpha1.TransactionStatus{
		State: v1alpha1.TransactionEnded, ChargingState: "Idle", SeqNo: 9, EnergyWh: ptr(22050.0), PowerW: ptr(0.0),
		StoppedReason: "EVDisconnected", EndedAt: now.Add(-3*time.Hour + 95*time.Minute).UTC().Format(time.RFC3339), DroppedEvents: 2,
		Outbox: []v1alpha1.OutboxEntry{
			outboxEvent(7, "Updated", "MeterValuePeriodic", now.Add(-90*time.Minute), 3, true),
			outboxEvent(8, "Ended", "EVCommunicationLost", now.Add(-85*time.Minute), 0, true),
		}})
	e.createTransaction(txA2, "ch-a", 1, now.Add(-26*time.Hour), v1alpha1.TransactionStatus{
		State: v1alpha1.TransactionEnded, ChargingState: "Idle", SeqNo: 30, EnergyWh: ptr(10999.6),
		StoppedReason: "Remote", EndedAt: now.Add(-26*time.Hour + 2*time.Hour).UTC().Format(time.RFC3339)})
	e.createTransaction(txA1, "ch-a", 1, now.Add(-40*time.Minute), v1alpha1.TransactionStatus{
		State: v1alpha1.TransactionActive, ChargingState: "Charging", SeqNo: 4, EnergyWh: ptr(4567.8), PowerW: ptr(7360.0),
		Outbox: []v1alpha1.OutboxEntry{outboxEvent(3, "Updated", "MeterValuePeriodic", now.Add(-time.Minute), 1, false)}})
}

func TestGetTransactions(t *testing.T) {
	e := newTestEnv(t)
	e.siteSessions(time.Now())

	out := e.mustRun("get", "transactions")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		`CHARGER\s+EVSE\s+TRANSACTION\s+STATE\s+ENERGY\s+POWER\s+STARTED\s+DURATION\s+QUEUED`,
		`ch-a\s+1\s+` + txA1 + `\s+Charging\s+4\.568kWh\s+7\.36kW\s+(39|40|41)m\s+(39|40|41)m\s+1`,
		`ch-a\s+1\s+` + txA2 + `\s+Ended \(Remote\)\s+11\.000kWh\s+-\s+26h\s+120m\s+0`,
		`ch-b\s+2\s+` + txB1 + `\s+Ended \(EVDisconnected\)\s+22\.050kWh\s+0\.00kW\s+3h\s+95m\s+2`,
	}
	if len(lines) != len(want) {
		t.Fatalf("want a header and 3 rows, by charger and newest first:\n%s", out)
	}
	for i, re := range want {
		if !regexp.MustCompile(`^` + re + `$`).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want %q", i, lines[i], re)
		}
	}

	out = e.mustRun("get", "tx", "-o", "wide")
	if !hasLine(out, `CHARGER\s+.*\s+QUEUED\s+CONNECTOR\s+ID-TOKEN\s+SEQNO\s+DROPPED`) ||
		!hasLine(out, `ch-b\s+2\s+`+txB1+`\s+.*\s+2\s+1\s+04A1B2C3\s+9\s+2`) {
		t.Errorf("get tx -o wide:\n%s", out)
	}
	if out := e.mustRun("get", "tx", "-o", "name"); out != "transaction/"+txA1+"\ntransaction/"+txA2+"\ntransaction/"+txB1+"\n" {
		t.Errorf("get tx -o name = %q", out)
	}

	var l v1alpha1.List
	if err := json.Unmarshal([]byte(e.mustRun("get", "tx", "-o", "json")), &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 3 || l.Items[2].Metadata.Name != txB1 {
		t.Fatalf("-o json: %d items", len(l.Items))
	}
	var st v1alpha1.TransactionStatus
	if err := json.Unmarshal(l.Items[2].Status, &st); err != nil || len(st.Outbox) != 2 || st.Outbox[1].EventType != "Ended" {
		t.Errorf("-o json status of %s: %+v (%v)", txB1, st, err)
	}
	if out := e.mustRun("get", "tx", txA1, "-o", "yaml"); !strings.Contains(out, "chargingState: Charging") ||
		!strings.Contains(out, "trigger: MeterValuePeriodic") {
		t.Errorf("get tx NAME -o yaml:\n%s", out)
	}
}

// TestGetAllNamesTransactionsByKind: in a mixed listing the TRANSACTION
// column carries the kind, and CHARGER stays the charger.
func TestGetAllNamesTransactionsByKind(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	e.siteSessions(time.Now())
	out := e.mustRun("get", "all")
	if !hasLine(out, `ch-a\s+1\s+transaction/`+txA1+`\s+Charging\s+.*`) {
		t.Errorf("get all lacks the prefixed session row:\n%s", out)
	}
	if !hasLine(out, `charger/ch-1\s+.*`) {
		t.Errorf("get all lacks the chargers:\n%s", out)
	}
}

// TestGetTransactionsWatchShowsEnergyRising: every status write of an open
// session prints a new row with its energy, and the end shows the reason.
func TestGetTransactionsWatchShowsEnergyRising(t *testing.T) {
	e := newTestEnv(t)
	now := time.Now()
	obj := e.createTransaction(txA1, "ch-a", 1, now.Add(-5*time.Minute), v1alpha1.TransactionStatus{
		State: v1alpha1.TransactionActive, ChargingState: "Charging", SeqNo: 1, EnergyWh: ptr(612.0), PowerW: ptr(7400.0)})
	out, stop := e.watchRun("get", "tx", "-w", "--output-watch-events")
	row := func(event, state, energy, power string) string {
		return event + `\s+ch-a\s+1\s+` + txA1 + `\s+` + state + `\s+` + energy + `\s+` + power + `\s+\S+\s+\S+\s+0`
	}
	testutil.Eventually(t, 10*time.Second, "the open session", testutil.Holds(func() bool { return hasLine(out.String(), row("ADDED", "Charging", `0\.612kWh`, `7\.40kW`)) }))

	for i, wh := range []float64{737.0, 862.0, 987.0} {
		obj = e.setTransactionStatus(obj, v1alpha1.TransactionStatus{State: v1alpha1.TransactionActive,
			ChargingState: "Charging", SeqNo: 2 + i, EnergyWh: ptr(wh), PowerW: ptr(7500.0)})
	}
	for _, energy := range []string{`0\.737kWh`, `0\.862kWh`, `0\.987kWh`} {
		testutil.Eventually(t, 10*time.Second, "a MODIFIED row with "+energy, testutil.Holds(func() bool { return hasLine(out.String(), row("MODIFIED", "Charging", energy, `7\.50kW`)) }))
	}
	e.setTransactionStatus(obj, v1alpha1.TransactionStatus{State: v1alpha1.TransactionEnded, ChargingState: "Idle", SeqNo: 5,
		EnergyWh: ptr(1001.0), PowerW: ptr(0.0), StoppedReason: "Local", EndedAt: now.UTC().Format(time.RFC3339)})
	testutil.Eventually(t, 10*time.Second, "the ended row", testutil.Holds(func() bool {
		return hasLine(out.String(), row("MODIFIED", `Ended \(Local\)`, `1\.001kWh`, `0\.00kW`))
	}))
	stopWatch(t, stop, out, "TRANSACTION")
}

func TestDescribeTransaction(t *testing.T) {
	e := newTestEnv(t)
	e.siteSessions(time.Now())

	out := e.mustRun("describe", "transaction", txB1)
	for _, re := range []string{
		`Name:\s+` + txB1, `Kind:\s+Transaction`, `Labels:\s+ocppgw.dev/charger=ch-b`,
		`Spec:`, `  chargerRef: ch-b`, `  transactionId: ` + txB1, `    idToken: 04A1B2C3`,
		`Status:`, `  stoppedReason: EVDisconnected`,
		`Progress:`, `  State:\s+Ended \(EVDisconnected\)`, `  Started:\s+\S+Z \(3h ago\)`, `  Duration:\s+95m`,
		`  Energy:\s+22\.050 kWh`, `  Power:\s+0\.00 kW`, `  Dropped Events:\s+2`,
		`Queued Events:`, `  SEQNO\s+EVENT\s+TRIGGER\s+TIMESTAMP\s+AGE\s+ATTEMPTS\s+OFFLINE`,
		`  7\s+Updated\s+MeterValuePeriodic\s+\S+Z\s+(89|90|91)m\s+3\s+true`,
		`  8\s+Ended\s+EVCommunicationLost\s+\S+Z\s+(84|85|86)m\s+0\s+true`,
		`Conditions:\s+<none>`,
	} {
		if !hasLine(out, re) {
			t.Errorf("describe lacks a line matching %q:\n%s", re, out)
		}
	}
	// The queue is shown as a table; payloads would bury it.
	if strings.Contains(out, "outbox") || strings.Contains(out, "payload") {
		t.Errorf("describe prints the raw outbox:\n%s", out)
	}

	out = e.mustRun("describe", "tx", txA2)
	for _, re := range []string{`  Dropped Events:\s+0`, `Queued Events:\s+<none>`, `  Power:\s+-`, `  Duration:\s+120m`} {
		if !hasLine(out, re) {
			t.Errorf("describe of an acknowledged session lacks %q:\n%s", re, out)
		}
	}

	out = e.mustRun("describe", "tx", txA1)
	for _, re := range []string{`  State:\s+Charging`, `  Power:\s+7\.36 kW`,
		`  3\s+Updated\s+MeterValuePeriodic\s+\S+Z\s+\S+\s+1\s+false`} {
		if !hasLine(out, re) {
			t.Errorf("describe of an open session lacks %q:\n%s", re, out)
		}
	}

	out = e.mustRun("describe", "tx", "-l", "ocppgw.dev/charger=ch-a")
	if i, j := strings.Index(out, " "+txA1+"\n"), strings.Index(out, " "+txA2+"\n"); i < 0 || j < i || !strings.HasPrefix(out, "Name:") {
		t.Errorf("describe of ch-a's sessions should show the newest first:\n%s", out)
	}
}
