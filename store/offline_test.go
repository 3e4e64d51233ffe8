package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fill writes n padded objects and deletes all but keep of them, leaving
// free pages behind.
func fill(t *testing.T, s *Store, n, keep int) {
	t.Helper()
	spec := `{"pad":"` + strings.Repeat("d", 1000) + `"}`
	for i := range n {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("ch-%04d", i), spec)); err != nil {
			t.Fatal(err)
		}
	}
	for i := keep; i < n; i++ {
		if _, err := s.Delete("Charger", fmt.Sprintf("ch-%04d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Compact(s.Revision()); err != nil {
		t.Fatal(err)
	}
}

func TestDefragShrinksTheFileAndKeepsTheData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, 2000, 10)
	rev := s.Revision()
	s.Close()
	before, after, err := Defrag(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("defrag: %d → %d bytes", before, after)
	if after >= before/2 {
		t.Errorf("defrag left %d of %d bytes, want less than half", after, before)
	}
	s, err = Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatalf("open after defrag: %v", err)
	}
	defer s.Close()
	if got, _ := s.List("Charger"); len(got) != 10 || s.Revision() != rev || s.CompactedRevision() != rev {
		t.Errorf("after defrag: %d objects at revision %d (compacted %d), want 10 at %d", len(got), s.Revision(), s.CompactedRevision(), rev)
	}
}

func TestDefragRefusesADamagedFile(t *testing.T) {
	path, _ := damagedFile(t)
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, data[:len(data)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Defrag(path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("defrag of a truncated file = %v, want ErrCorrupt", err)
	}
}

// A backup taken while the store runs restores to the state at the backup;
// a damaged backup is refused and changes nothing.
func TestBackupWhileRunningThenRestore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	fill(t, s, 50, 50)
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	rev := s.Revision()
	if _, err := s.Create(obj("Charger", "after-backup", `{}`)); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(backup, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Restore(backup, path); err == nil || !strings.Contains(err.Error(), "stop gwd first") {
		t.Fatalf("restore under an open store = %v, want a refusal", err)
	}
	s.Close()

	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, buf.Bytes()[:buf.Len()/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Restore(bad, path); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("restore of a truncated backup = %v, want ErrCorrupt", err)
	}
	if err := Restore(backup, path); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".replaced"); err != nil {
		t.Errorf("the replaced store was not kept: %v", err)
	}
	s, err = Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatalf("open the restored store: %v", err)
	}
	defer s.Close()
	if got, _ := s.List("Charger"); len(got) != 50 || s.Revision() != rev {
		t.Errorf("restored %d objects at revision %d, want 50 at %d", len(got), s.Revision(), rev)
	}
	if _, err := s.Get("Charger", "after-backup"); !errors.Is(err, ErrNotFound) {
		t.Errorf("object written after the backup is in the restore: %v", err)
	}
}
