package main

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// TestSessionsSurviveOutage: ten sessions charge, then the CSMS becomes
// unreachable for every station (it cuts their connections and refuses
// them, expecting another password) for OCPPGW_OUTAGE (default 20s) while
// the sessions go on: EVs leave and come, so sessions end and start
// offline, and periodic events queue. Once the CSMS takes the stations
// back, it must hold every event in seqNo order per transaction, none lost
// and none sent twice after it was acknowledged (the only repeat allowed is
// an event whose CALLRESULT was on the way when the CSMS cut the
// connection), one session per plug-in with its energy, and every event
// made during the outage marked offline.
//
//	OCPPGW_OUTAGE=10m go test -race -count=1 -timeout 1h -run TestSessionsSurviveOutage -v ./cmd/gwd/
func TestSessionsSurviveOutage(t *testing.T) {
	outage := crashEnvDuration(t, "OCPPGW_OUTAGE", 20*time.Second)
	began := time.Now()
	e, d := crashStart(t, 10)
	e.plugAll(t)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	// gwd runs throughout: its sessions say what happened, offline too.
	inGwd := func() (map[string]crashTally, error) { return e.gwdTallies(d) }
	go func() { defer wg.Done(); e.churn(t, stop, 3*time.Second, inGwd) }()
	time.Sleep(3 * time.Second)
	cutAt := e.setReachable(t, false)
	time.Sleep(outage)
	queued := 0
	for _, tx := range crashTransactions(t, d) {
		queued += len(tx.Status.Outbox)
	}
	recoverAt := time.Now()
	e.setReachable(t, true)
	close(stop)
	wg.Wait()

	a := e.finish(t, d)
	made, offline := e.offlineDuring(t, cutAt.Add(500*time.Millisecond), recoverAt)
	t.Logf("outage of %v: %d events queued at its end, %d made during it (all offline: %v), %d plug-ins; %s; %s",
		outage, queued, made, made == offline, e.plugCount(), a, time.Since(began).Round(time.Second))
	checkAudit(t, a)
	if a.killDups > 0 || a.otherDups > 0 {
		t.Errorf("gwd ran throughout, yet events were sent again after being acknowledged: %d", a.killDups+a.otherDups)
	}
	if made == 0 || queued == 0 {
		t.Errorf("nothing was made (%d) or queued (%d) during the outage: it tested nothing", made, queued)
	}
	if offline != made {
		t.Errorf("%d of the %d events made during the outage are marked offline", offline, made)
	}
	d.stop(t)
}

// setReachable makes the CSMS refuse every station and cuts their
// connections (false), or accept them again (true); it returns when done.
func (e *crashEnv) setReachable(t *testing.T, on bool) time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pw := map[string]string{}
	for _, c := range e.chargers {
		pw[c.station] = crashPassword
		if !on {
			pw[c.station] = "not-" + crashPassword
		}
	}
	if err := e.cs.Set(ctx, strictcsms.Settings{Passwords: pw}); err != nil {
		t.Fatal(err)
	}
	if !on {
		for _, c := range e.chargers {
			if err := e.cs.Disconnect(ctx, c.station); err != nil {
				t.Fatal(err)
			}
		}
	}
	return time.Now()
}

// offlineDuring counts the TransactionEvents the CSMS received with a
// timestamp between from and to, and those of them marked offline.
func (e *crashEnv) offlineDuring(t *testing.T, from, to time.Time) (made, offline int) {
	t.Helper()
	for _, raw := range e.cs.TransactionEvents("") {
		var p struct {
			Timestamp time.Time `json:"timestamp"`
			Offline   bool      `json:"offline"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("TransactionEvent %s: %v", raw, err)
		}
		if p.Timestamp.After(from) && p.Timestamp.Before(to) {
			made++
			if p.Offline {
				offline++
			}
		}
	}
	return made, offline
}
