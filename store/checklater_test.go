package store

import (
	"bytes"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// eventLeafPage returns a live leaf page of the event log: loading the
// objects never reads it, so only the full check finds its damage.
func eventLeafPage(t *testing.T, path string, data []byte, psize int) int {
	t.Helper()
	return findPage(t, path, func(id int, pageType string) bool {
		return pageType == "leaf" && bytes.Contains(data[id*psize:(id+1)*psize], []byte(`{"type":`))
	})
}

// waitChecked waits for the background check of s to end.
func waitChecked(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.Checking() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Checking() {
		t.Fatal("the background check did not end")
	}
}

// TestLargeFileIsCheckedInTheBackground: a file over CheckInlineBytes opens
// once its objects read cleanly; damage in a page only the full check reads
// then marks the store unhealthy, refuses writes and is logged with the way
// back, while reads go on. The same file under the inline check is refused
// at open.
func TestLargeFileIsCheckedInTheBackground(t *testing.T) {
	path, psize := damagedFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	garble(data, eventLeafPage(t, path, data, psize)*psize, psize)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, path, ErrCorrupt)

	var logs testutil.Buffer
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1, CheckInlineBytes: 1,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("open with the check in the background: %v", err)
	}
	defer s.Close()
	if _, err := s.Get("Charger", "ch-100"); err != nil {
		t.Fatalf("read while checking: %v", err)
	}
	waitChecked(t, s)
	wantDamageFound(t, s, "ch-100", logs.String())
	for _, part := range []string{path, "gwd restore"} {
		if !strings.Contains(logs.String(), part) {
			t.Errorf("log does not mention %q:\n%s", part, logs.String())
		}
	}
}

// TestBackgroundCheckPassesAndWritesGoOn: a sound large file is checked in
// the background, stays healthy, and a write made during the check lands.
func TestBackgroundCheckPassesAndWritesGoOn(t *testing.T) {
	path, _ := damagedFile(t)
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1, CheckInlineBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Create(obj("Charger", "during-check", `{}`)); err != nil {
		t.Fatalf("write during the check: %v", err)
	}
	waitChecked(t, s)
	if err := s.Healthy(); err != nil {
		t.Fatalf("a sound file was found damaged: %v", err)
	}
	if _, err := s.Get("Charger", "during-check"); err != nil {
		t.Fatal(err)
	}
}

// TestOpenWaitsForTheLock: an open while another store holds the file
// waits, says so in the log, and succeeds once the holder closes, as a gwd
// restarted while the old one still stops must.
func TestOpenWaitsForTheLock(t *testing.T) {
	path, _ := damagedFile(t)
	held, err := Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	var logs testutil.Buffer
	opened := make(chan error, 1)
	go func() {
		s, err := Open(path, Options{NoSync: true, CompactInterval: -1, LockWait: time.Minute,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		if err == nil {
			err = s.Close()
		}
		opened <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "locked by another process") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-opened:
		t.Fatalf("second open ended while the first held the lock: %v", err)
	default:
	}
	if !strings.Contains(logs.String(), path) {
		t.Fatalf("no log naming the locked file:\n%s", logs.String())
	}
	if err := held.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-opened; err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
}
