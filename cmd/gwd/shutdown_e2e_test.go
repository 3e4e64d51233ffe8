package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
)

// TestShutdownEndsWatches: SIGTERM with 100 open watches ends every watch
// stream at once (the clients see ErrStreamEnded, not a broken read), so
// the admin API's shutdown does not wait out its deadline: gwd logs no
// "admin API shutdown" failure, and a gwd started next on the same data
// directory gets the store lock. The time it took is printed.
func TestShutdownEndsWatches(t *testing.T) {
	dir := t.TempDir()
	d := startGwd(t, dir)
	c := d.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var watches []*client.Watch
	for i := range 100 {
		kind := []string{"Charger", "Template", "ChargingProfile", "Transaction"}[i%4]
		w, err := c.Watch(ctx, kind, client.WatchOptions{Bookmarks: true})
		if err != nil {
			t.Fatalf("watch %d: %v", i, err)
		}
		watches = append(watches, w)
	}
	for _, w := range watches { // each stream is up: its initial-events bookmark arrived
		if _, ok := <-w.Events(); !ok {
			t.Fatalf("a watch ended before shutdown: %v", w.Err())
		}
	}
	start := time.Now()
	d.stop(t)
	t.Logf("SIGTERM with 100 open watches: gwd exited after %v", time.Since(start).Round(time.Millisecond))
	if logs := d.logs.String(); strings.Contains(logs, "admin API shutdown") {
		t.Errorf("the API shutdown did not finish in time:\n%s", logs)
	}
	for i, w := range watches {
		for range w.Events() {
		}
		if err := w.Err(); !errors.Is(err, client.ErrStreamEnded) {
			t.Errorf("watch %d ended with %v, want the server's end of stream", i, err)
		}
	}
	d = startGwd(t, dir)
	d.stop(t)
}
