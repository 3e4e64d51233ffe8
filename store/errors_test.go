package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestErrorsCarryTheirDetail: a store error is its sentinel to errors.Is
// and gives its explanation without the sentinel's words, also when
// wrapped, so the API never slices message strings.
func TestErrorsCarryTheirDetail(t *testing.T) {
	s, _ := openTest(t, Options{})
	_, err := s.Get("Charger", "missing")
	wrapped := fmt.Errorf("apply: %w", err)
	if !errors.Is(wrapped, ErrNotFound) || Detail(wrapped) != `Charger "missing"` {
		t.Errorf("not found: Is=%v Detail=%q", errors.Is(wrapped, ErrNotFound), Detail(wrapped))
	}
	c, _ := s.Create(obj("Charger", "c", `{}`))
	c.Metadata.ResourceVersion = "1"
	if _, err := s.Create(obj("Charger", "d", `{}`)); err != nil {
		t.Fatal(err)
	}
	c2, _ := s.Get("Charger", "c")
	c2.Metadata.ResourceVersion = "999"
	_, err = s.Update(c2)
	if !errors.Is(err, ErrConflict) || Detail(err) != `Charger "c": resourceVersion 999 is stale (current 1)` {
		t.Errorf("conflict: %v / %q", err, Detail(err))
	}
	if Detail(errors.New("plain")) != "plain" {
		t.Error("Detail of a foreign error")
	}
}

// TestDamageCarriesTheRestoreHintApart: a damaged or empty file's error
// ends with what to do, which Detail leaves out, so a caller that is not
// about gwd's own file (gwctl checking a downloaded backup) words its own
// advice without slicing the message.
func TestDamageCarriesTheRestoreHintApart(t *testing.T) {
	path := t.TempDir() + "/state.db"
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrEmptyFile) || !strings.HasSuffix(err.Error(), "; "+RestoreHint) {
		t.Fatalf("empty file: %v", err)
	}
	if d := Detail(err); strings.Contains(d, RestoreHint) || !strings.Contains(d, path) {
		t.Errorf("Detail of an empty file: %q", d)
	}
	if err := os.WriteFile(path, bytes.Repeat([]byte{0xAB}, 16384), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = VerifyBackup(path)
	if !errors.Is(err, ErrCorrupt) || !strings.HasSuffix(err.Error(), "; "+RestoreHint) {
		t.Fatalf("damaged file: %v", err)
	}
	if d := Detail(err); strings.Contains(d, RestoreHint) || !strings.Contains(d, path) {
		t.Errorf("Detail of a damaged file: %q", d)
	}
}
