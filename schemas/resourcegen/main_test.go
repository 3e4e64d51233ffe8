package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestMain fails the run if the tests leave goroutines running.
func TestMain(m *testing.M) { os.Exit(testutil.RunCheckingLeaks(m)) }

// TestCommittedSchemasAreCurrent fails when schemas/resources differs from
// what the registered types generate, or holds a file no kind generates, so
// the files editors read cannot go stale.
func TestCommittedSchemasAreCurrent(t *testing.T) {
	want := files()
	committed, err := filepath.Glob("../resources/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range committed {
		if _, ok := want[filepath.Base(p)]; !ok {
			t.Errorf("%s is committed but no kind generates it; run go generate ./schemas", p)
		}
	}
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join("..", "resources", name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("schemas/resources/%s differs from the registered types (%v); run go generate ./schemas", name, err)
		}
	}
}

// TestRunWritesAndPrunes checks the command in a scratch directory: every
// kind is written and a stale file removed.
func TestRunWritesAndPrunes(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "widget.json")
	if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale %s not removed (err %v)", stale, err)
	}
	for name, b := range files() {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}
