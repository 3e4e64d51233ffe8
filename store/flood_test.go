package store

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// floodSeconds is how many seconds of simulated time the status flood
// runs; STORE_FLOOD_SECONDS=60 gives the long form of the flood.
func floodSeconds(t *testing.T) int {
	if v := os.Getenv("STORE_FLOOD_SECONDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("STORE_FLOOD_SECONDS=%q: want a positive number", v)
		}
		return n
	}
	return 10
}

// flood queues about 600 status changes a second over 100 objects, as the
// CSMS's SetVariables flood did, flushing every 200 ms of a simulated
// clock. It returns the writes stored and the file's size.
func flood(t *testing.T, minInterval time.Duration, seconds int) (int64, int64) {
	clock := time.Unix(1_700_000_000, 0)
	s, path := openTest(t, Options{StatusFlushInterval: time.Hour, StatusMinInterval: minInterval,
		now: func() time.Time { return clock }})
	const objects = 100
	for i := range objects {
		if _, err := s.Create(obj("Station", fmt.Sprintf("st-%03d", i), `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	start, pad := s.Revision(), strings.Repeat("v", 800)
	for tick := range seconds * 5 {
		for i := range 120 {
			n := tick*120 + i
			s.QueueStatus("Station", fmt.Sprintf("st-%03d", n%objects), []byte(fmt.Sprintf(`{"n":%d,"pad":%q}`, n, pad)))
		}
		if err := s.flush(false); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(200 * time.Millisecond)
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	return s.Revision() - start, fileSize(path)
}

// The flood costs one status write per object per second, a fifth of what
// flushing every 200 ms stored before.
func TestStatusFloodIsBoundedPerObject(t *testing.T) {
	seconds := floodSeconds(t)
	writes, size := flood(t, time.Second, seconds)
	before, sizeBefore := flood(t, 200*time.Millisecond, seconds)
	t.Logf("%d s of ~600 status changes/s over 100 objects: %d writes, file %d KiB (every flush: %d writes, %d KiB)",
		seconds, writes, size>>10, before, sizeBefore>>10)
	if limit := int64(100 * (seconds + 1)); writes > limit {
		t.Errorf("%d writes, want at most %d: one per object per second", writes, limit)
	}
}
