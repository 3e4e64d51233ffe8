package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestSessionsSurviveKillNine: ten sessions charge while gwd is killed
// with SIGKILL at random moments and restarted on the same data dir, the
// CSMS cuts station connections now and then, and EVs leave and come back
// so that sessions end and start across kills. At the end every EV leaves,
// and the CSMS must hold, per (transactionId, seqNo), every event: none
// lost, seqNos from 0 without a gap, one Started and one Ended per plug-in,
// the register gwsim counted in the Ended event. The only duplicate
// allowed is the head of a station's outbox sent again on its next
// connection: after a restart (gwd died between the CALLRESULT and the
// fsync of the removal), or after the CSMS cut the connection while its
// CALLRESULT was on the way.
//
// OCPPGW_KILLS (default 50) and OCPPGW_KILL_SPACING (default 2s, the
// longest random wait before a kill once gwd's API is up) make longer runs:
//
//	OCPPGW_KILLS=500 OCPPGW_KILL_SPACING=5s go test -race -count=1 -timeout 3h -run TestSessionsSurviveKillNine -v ./cmd/gwd/
func TestSessionsSurviveKillNine(t *testing.T) {
	kills := crashEnvInt(t, "OCPPGW_KILLS", 50)
	spacing := crashEnvDuration(t, "OCPPGW_KILL_SPACING", 2*time.Second)
	began := time.Now()
	e, d := crashStart(t, 10)
	e.plugAll(t)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var cuts int
	wg.Add(2)
	// gwd is down now and then: what the CSMS received says what happened.
	atCSMS := func() (map[string]crashTally, error) { return e.tallies(), nil }
	go func() { defer wg.Done(); e.churn(t, stop, 3*time.Second, atCSMS) }()
	go func() { defer wg.Done(); cuts = e.cutConnections(stop) }()
	logs := []*testutil.Buffer{d.logs}
	for range kills {
		time.Sleep(rand.N(spacing))
		d.kill()
		d = startGwd(t, e.dataDir)
		logs = append(logs, d.logs)
	}
	close(stop)
	wg.Wait()

	a := e.finish(t, d)
	t.Logf("kill -9 loop: %d kills, %d connections cut by the CSMS, %d plug-ins; %s; %s",
		kills, cuts, e.plugCount(), a, time.Since(began).Round(time.Second))
	checkAudit(t, a)
	d.stop(t)
	for _, l := range crashLogSummary(logs) {
		t.Logf("gwd logged %s", l)
	}
}

// crashLogSummary counts the distinct warnings and errors the gwd
// processes logged, each with its first line, for the report.
func crashLogSummary(logs []*testutil.Buffer) []string {
	counts, first := map[string]int{}, map[string]string{}
	for _, l := range logs {
		for _, line := range strings.Split(l.String(), "\n") {
			level := ""
			for _, lv := range []string{"level=WARN", "level=ERROR"} {
				if strings.Contains(line, lv) {
					level = lv
				}
			}
			if i := strings.Index(line, " msg="); level != "" && i >= 0 {
				msg := line[i+5:]
				if q, err := strconv.QuotedPrefix(msg); err == nil {
					msg = q
				} else if j := strings.IndexByte(msg, ' '); j >= 0 {
					msg = msg[:j]
				}
				key := level + " " + msg
				if counts[key]++; counts[key] == 1 {
					first[key] = line[:min(len(line), 400)]
				}
			}
		}
	}
	var out []string
	for k, n := range counts {
		out = append(out, fmt.Sprintf("%d× %s, first: %s", n, k, first[k]))
	}
	slices.Sort(out)
	return out
}

// churn makes EVs leave and come, one step every 100..500 ms, until stop
// is closed (see crashStep), on what tallies reports.
func (e *crashEnv) churn(t *testing.T, stop <-chan struct{}, minHold time.Duration, tallies func() (map[string]crashTally, error)) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(100*time.Millisecond + rand.N(400*time.Millisecond)):
		}
		tl, err := tallies()
		if err == nil {
			err = e.crashStep(tl, minHold)
		}
		if err != nil {
			t.Error(err)
			return
		}
	}
}

// cutConnections closes the connection of a station chosen at random every
// 1..3 s, from the CSMS side, until stop is closed; it returns how many it
// closed (a station that is not connected is not counted).
func (e *crashEnv) cutConnections(stop <-chan struct{}) int {
	n := 0
	for {
		select {
		case <-stop:
			return n
		case <-time.After(time.Second + rand.N(2*time.Second)):
		}
		station := e.chargers[rand.IntN(len(e.chargers))].station
		if !e.connected(station) {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if e.cs.Disconnect(ctx, station) == nil {
			n++
		}
		cancel()
	}
}

// connected reports whether the CSMS's last connect or disconnect event of
// station is a connect.
func (e *crashEnv) connected(station string) bool {
	up := false
	for _, ev := range e.cs.Events() {
		if ev.Identity == station && (ev.Ev == "connect" || ev.Ev == "disconnect") {
			up = ev.Ev == "connect"
		}
	}
	return up
}

// crashEnvInt reads a count knob, def when unset.
func crashEnvInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive count", name, v)
	}
	return n
}
