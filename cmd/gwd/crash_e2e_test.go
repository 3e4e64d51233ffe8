package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestKillNineDuringApplyStream kills gwd with SIGKILL while a client streams
// applies, restarts it, and checks that every acknowledged write survived,
// that revisions are contiguous, and that a watch resumed from an old revision
// delivers each later event exactly once.
func TestKillNineDuringApplyStream(t *testing.T) {
	dataDir := t.TempDir()
	acked := map[string]int64{} // name → revision the API acknowledged
	var resumeFrom int64
	for round := range 5 {
		d := startGwd(t, dataDir)
		c := d.client(t)
		if round == 2 {
			l, err := c.List(context.Background(), "Secret", "")
			if err != nil {
				t.Fatal(err)
			}
			resumeFrom, _ = strconv.ParseInt(l.Metadata.ResourceVersion, 10, 64)
		}
		streamUntilKilled(t, d, c, round, acked)
	}
	d := startGwd(t, dataDir)
	c := d.client(t)
	ctx := context.Background()
	for name, rev := range acked {
		o, err := c.Get(ctx, "Secret", name)
		if err != nil {
			t.Fatalf("acknowledged write %s (revision %d) lost: %v", name, rev, err)
		}
		if o.Metadata.ResourceVersion != strconv.FormatInt(rev, 10) {
			t.Fatalf("%s: revision %s, acknowledged %d", name, o.Metadata.ResourceVersion, rev)
		}
	}
	l, err := c.List(ctx, "Secret", "")
	if err != nil {
		t.Fatal(err)
	}
	current, _ := strconv.ParseInt(l.Metadata.ResourceVersion, 10, 64)
	if len(acked) == 0 || current < int64(len(acked)) {
		t.Fatalf("implausible state: %d acked, revision %d", len(acked), current)
	}
	// Only Secrets are written after the initial admin Token, so the log
	// holds every revision after the Token's up to current.
	tok, err := c.Get(ctx, "Token", initialTokenName)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := strconv.ParseInt(tok.Metadata.ResourceVersion, 10, 64)
	checkReplay(t, c, first, current)
	if resumeFrom == 0 {
		t.Fatal("no resume revision recorded")
	}
	checkReplay(t, c, resumeFrom, current)
	d.stop(t)
}

// streamUntilKilled applies one Secret per request and kills gwd with SIGKILL
// after a random number of acknowledged applies, with requests in flight.
func streamUntilKilled(t *testing.T, d *daemon, c *client.Client, round int, acked map[string]int64) {
	t.Helper()
	killAt := 3 + rand.IntN(25)
	var mu sync.Mutex
	n := 0
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				name := fmt.Sprintf("r%d-w%d-%d", round, w, i)
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				res, err := c.Apply(ctx, []byte(secretDoc(name)), client.ApplyOptions{})
				cancel()
				if err != nil {
					return // gwd is gone
				}
				rev, _ := strconv.ParseInt(res.Items[0].Object.Metadata.ResourceVersion, 10, 64)
				mu.Lock()
				acked[name] = rev
				n++
				if n == killAt {
					close(done)
				}
				mu.Unlock()
			}
		}()
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("round %d: only %d applies acknowledged", round, n)
	}
	d.kill()
	wg.Wait()
}

// checkReplay watches Secrets from revision from and expects every revision
// from+1..to exactly once, in order.
func checkReplay(t *testing.T, c *client.Client, from, to int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := c.Watch(ctx, "Secret", client.WatchOptions{ResourceVersion: strconv.FormatInt(from, 10)})
	if err != nil {
		t.Fatalf("watch from %d: %v", from, err)
	}
	defer w.Stop()
	for want := from + 1; want <= to; want++ {
		ev, ok := <-w.Events()
		if !ok {
			t.Fatalf("watch from %d ended at %d: %v", from, want, w.Err())
		}
		if ev.Type == v1alpha1.Bookmark {
			want--
			continue
		}
		if got, _ := strconv.ParseInt(ev.Object.Metadata.ResourceVersion, 10, 64); got != want {
			t.Fatalf("watch from %d: got revision %d, want %d", from, got, want)
		}
	}
}
