package main

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestSessionHistoryIsBounded: gwd started with --transaction-retention and
// --transaction-history deletes, through its own controller, the ended
// sessions beyond them, and keeps open ones and those with queued events.
func TestSessionHistoryIsBounded(t *testing.T) {
	d := startGwd(t, t.TempDir(), "--transaction-retention", "1h", "--transaction-history", "2")
	// Sessions refer to a charger; this one has no device answering and no
	// CSMS, which leaves its stored sessions alone.
	if out, errOut, code := d.gwctl(t, strings.NewReader(historySite), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	c := d.client(t)
	now := time.Now().UTC()
	ended := func(ago time.Duration, queued int) v1alpha1.TransactionStatus {
		s := v1alpha1.TransactionStatus{State: v1alpha1.TransactionEnded, ChargingState: "Idle", SeqNo: 4,
			StoppedReason: "Local", EndedAt: now.Add(-ago).Format(time.RFC3339)}
		for i := range queued {
			s.Outbox = append(s.Outbox, v1alpha1.OutboxEntry{SeqNo: 3 + i, EventType: "Ended", Payload: json.RawMessage(`{}`),
				Timestamp: now.Add(-ago).Format(time.RFC3339), Trigger: "StopAuthorized", Offline: true})
		}
		return s
	}
	createSession(t, c, "tx-open", now.Add(-5*time.Hour), v1alpha1.TransactionStatus{State: v1alpha1.TransactionActive, ChargingState: "Charging"})
	createSession(t, c, "tx-expired", now.Add(-4*time.Hour), ended(3*time.Hour, 0))
	createSession(t, c, "tx-queued", now.Add(-4*time.Hour), ended(3*time.Hour, 1))
	createSession(t, c, "tx-1", now.Add(-time.Hour), ended(30*time.Minute, 0))
	createSession(t, c, "tx-2", now.Add(-time.Hour), ended(20*time.Minute, 0))
	createSession(t, c, "tx-3", now.Add(-time.Hour), ended(10*time.Minute, 0))

	// tx-queued counts towards the two but cannot go, so only tx-3 joins it.
	want := "transaction/tx-3\ntransaction/tx-queued\ntransaction/tx-open\n" // newest first
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, errOut, code := d.gwctl(t, nil, "get", "tx", "-o", "name")
		if code == 0 && out == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gwctl get tx -o name: exit %d\n%s%s\nwant\n%s\ngwd log:\n%s", code, out, errOut, want, d.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(d.logs.String(), "pruned ended sessions") {
		t.Errorf("gwd did not log the pruning:\n%s", d.logs)
	}
	d.stop(t)
}

const historySite = `apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata:
  name: meter-only
spec:
  protocol: modbus
  read:
    modbus:
      blocks:
        - name: status
          address: 100
          count: 2
  signals:
    charging: regs["status"][0] == 3
---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata:
  name: ch-e2e
spec:
  templateRef: meter-only
  connection:
    modbusTCP:
      host: 127.0.0.1
      port: 1
      unitId: 1
`

func createSession(t *testing.T, c *client.Client, name string, started time.Time, status v1alpha1.TransactionStatus) {
	t.Helper()
	spec, _ := json.Marshal(v1alpha1.TransactionSpec{ChargerRef: "ch-e2e", EVSEID: 1, TransactionID: name, StartedAt: started.Format(time.RFC3339)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	obj, err := c.Create(ctx, &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Transaction",
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{"ocppgw.dev/charger": "ch-e2e"}}, Spec: spec})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	obj.Status, _ = json.Marshal(status)
	if _, err := c.UpdateStatus(ctx, obj); err != nil {
		t.Fatalf("status of %s: %v", name, err)
	}
}

// TestHistoryFlagsRejectNegative: a negative bound is a usage error naming
// the flag.
func TestHistoryFlagsRejectNegative(t *testing.T) {
	for _, args := range [][]string{{"--transaction-retention", "-1h"}, {"--transaction-history", "-3"}} {
		cmd := exec.Command(filepath.Join(binDir, "gwd"), append([]string{"--data-dir", t.TempDir()}, args...)...)
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 2 || !strings.Contains(string(out), args[0]+" "+args[1]) {
			t.Errorf("gwd %s: exit %d, output %q", strings.Join(args, " "), code, out)
		}
	}
	o, err := parseFlags(nil, &strings.Builder{})
	if err != nil || o.history.Retention != 168*time.Hour || o.history.History != 200 {
		t.Errorf("defaults: %+v, %v", o.history, err)
	}
}
