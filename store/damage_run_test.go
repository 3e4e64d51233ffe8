package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/testutil"
	bolt "go.etcd.io/bbolt"
)

// A page damaged while gwd runs: the watch that reads it fails, the store
// reports itself unhealthy and refuses writes, reads from the cache still
// answer, and the process lives on.
func TestDamagedPageAtRunTimeFailsTheRequest(t *testing.T) {
	var logs testutil.Buffer
	s, path := openTest(t, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	for i := range 300 {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("ch-%03d", i), `{"pad":"`+strings.Repeat("y", 100)+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	var root uint64
	if err := s.db.View(func(tx *bolt.Tx) error { root = uint64(tx.Bucket(bucketEvents).Root()); return nil }); err != nil {
		t.Fatal(err)
	}
	// bbolt maps the file shared, so a write to the file reaches its pages.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	junk := make([]byte, os.Getpagesize())
	garble(junk, 0, len(junk))
	if _, err := f.WriteAt(junk, int64(root)*int64(len(junk))); err != nil {
		t.Fatal(err)
	}
	f.Close()

	if err := s.Healthy(); err != nil {
		t.Fatalf("unhealthy before the damaged page was read: %v", err)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	for range w.Events() {
	}
	if !errors.Is(w.Err(), ErrCorrupt) || !strings.Contains(w.Err().Error(), "gwd restore") {
		t.Fatalf("watch over the damaged page ended with %v, want ErrCorrupt saying how to restore", w.Err())
	}
	wantDamageFound(t, s, "ch-001", logs.String())
}

// A file truncated under the running store: reading past its end faults,
// and the fault fails the watch instead of killing the process.
func TestTruncatedAtRunTimeFailsTheRequest(t *testing.T) {
	s, path := openTest(t, Options{})
	for i := range 300 {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("ch-%03d", i), `{"pad":"`+strings.Repeat("t", 1000)+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Truncate(path, int64(os.Getpagesize())*4); err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	for range w.Events() {
	}
	if !errors.Is(w.Err(), ErrCorrupt) {
		t.Fatalf("watch over the truncated file ended with %v, want ErrCorrupt", w.Err())
	}
	if err := s.Healthy(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Healthy = %v, want ErrCorrupt", err)
	}
}

// A panic in the caller's own code inside a transaction is a bug, not
// damage: it is raised again and the store stays healthy.
func TestCallerPanicIsNotDamage(t *testing.T) {
	s, _ := openTest(t, Options{})
	func() {
		defer func() {
			if r := recover(); r != "caller bug" {
				t.Errorf("recovered %v, want the caller's panic raised again", r)
			}
		}()
		s.Txn(false, func(tx *Tx) error { panic("caller bug") })
	}()
	if err := s.Healthy(); err != nil {
		t.Fatalf("a caller's panic marked the store damaged: %v", err)
	}
	if _, err := s.Create(obj("Charger", "after", `{}`)); err != nil {
		t.Fatalf("write after a caller's panic: %v", err)
	}
}
