package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// seedStore writes a store with some objects into dataDir, as a previous
// gwd run would have, with its gwctl.yaml, and returns a backup of it.
func seedStore(t *testing.T, dataDir string) string {
	t.Helper()
	path := filepath.Join(dataDir, storeFile)
	st, err := store.Open(path, store.Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		o := &v1alpha1.Object{Kind: "Bus", Metadata: v1alpha1.ObjectMeta{Name: fmt.Sprintf("bus-%03d", i)},
			Spec: []byte(`{"note":"` + strings.Repeat("s", 300) + `"}`)}
		if _, err := st.Create(o); err != nil {
			t.Fatal(err)
		}
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Backup(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, clientConfigFile), []byte("server: http://127.0.0.1:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return backup
}

// goPanic matches the trace of a Go panic that reached the top of a goroutine.
var goPanic = regexp.MustCompile(`(?m)^(panic: |goroutine \d+ \[)`)

// runGwdToExit runs gwd on dataDir and waits for it to exit on its own.
func runGwdToExit(t *testing.T, dataDir string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "gwd"), "--data-dir", dataDir, "--api-listen", "127.0.0.1:0")
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("gwd did not exit on a damaged store:\n%s", out)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// gwd refuses a damaged, truncated, empty or missing store file with a
// message naming the file and how to restore, and never panics; after
// `gwd restore` of a backup it starts with the backup's objects.
func TestGwdRefusesDamagedStore(t *testing.T) {
	cases := []struct {
		name   string
		damage func(data []byte) []byte // nil: remove the file
	}{
		{"truncated to half", func(d []byte) []byte { return d[:len(d)/2] }},
		{"garbage", func(d []byte) []byte {
			for i := range d {
				d[i] = byte(0x5A ^ i)
			}
			return d
		}},
		{"leaf pages zeroed", func(d []byte) []byte {
			ps := os.Getpagesize()
			clear(d[4*ps:])
			return d
		}},
		{"0 bytes", func([]byte) []byte { return []byte{} }},
		{"missing", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dataDir := t.TempDir()
			backup := seedStore(t, dataDir)
			path := filepath.Join(dataDir, storeFile)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if c.damage == nil {
				err = os.Remove(path)
			} else {
				err = os.WriteFile(path, c.damage(data), 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			code, out := runGwdToExit(t, dataDir)
			if code == 0 || !strings.Contains(out, path) || !strings.Contains(out, "gwd restore") || !strings.Contains(out, "--init") {
				t.Fatalf("gwd exit %d, want non-zero with the file and how to restore:\n%s", code, out)
			}
			if goPanic.MatchString(out) {
				t.Fatalf("gwd panicked:\n%s", out)
			}
			t.Logf("gwd exit %d: %s", code, strings.TrimSpace(out))

			if out, err := exec.Command(filepath.Join(binDir, "gwd"), "check", "--data-dir", dataDir).CombinedOutput(); err == nil {
				t.Errorf("gwd check passed the damaged store:\n%s", out)
			}
			if out, err := exec.Command(filepath.Join(binDir, "gwd"), "check", backup).CombinedOutput(); err != nil {
				t.Fatalf("gwd check of the backup: %v\n%s", err, out)
			}
			if out, err := exec.Command(filepath.Join(binDir, "gwd"), "restore", "--data-dir", dataDir, backup).CombinedOutput(); err != nil {
				t.Fatalf("gwd restore: %v\n%s", err, out)
			}
			d := startGwd(t, dataDir)
			list, err := d.client(t).List(context.Background(), "Bus", "")
			if err != nil || len(list.Items) != 300 {
				t.Fatalf("after restore: %d objects, err %v", len(list.Items), err)
			}
			d.stop(t)
		})
	}
}

// --init lets gwd start over an empty or missing store file.
func TestGwdInitStartsOverEmptyStore(t *testing.T) {
	dataDir := t.TempDir()
	seedStore(t, dataDir)
	if err := os.WriteFile(filepath.Join(dataDir, storeFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, dataDir, "--init")
	list, err := d.client(t).List(context.Background(), "Bus", "")
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("after --init: %d objects, err %v", len(list.Items), err)
	}
	d.stop(t)
}

// gwd defrag refuses while gwd runs, and shrinks the stopped store's file
// after its objects were deleted and its log compacted.
func TestGwdDefrag(t *testing.T) {
	dataDir := t.TempDir()
	seedStore(t, dataDir)
	path := filepath.Join(dataDir, storeFile)
	st, err := store.Open(path, store.Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		if _, err := st.Delete("Bus", fmt.Sprintf("bus-%03d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Compact(st.Revision()); err != nil {
		t.Fatal(err)
	}
	defrag := exec.Command(filepath.Join(binDir, "gwd"), "defrag", "--data-dir", dataDir)
	if out, err := defrag.CombinedOutput(); err == nil || !strings.Contains(string(out), "locked") {
		t.Errorf("gwd defrag of an open store: %v\n%s", err, out)
	}
	st.Close()
	before := fileSizeOf(t, path)
	out, err := exec.Command(filepath.Join(binDir, "gwd"), "defrag", "--data-dir", dataDir).CombinedOutput()
	if err != nil {
		t.Fatalf("gwd defrag: %v\n%s", err, out)
	}
	after := fileSizeOf(t, path)
	t.Logf("%s", out)
	if after >= before/2 {
		t.Errorf("state.db %d bytes after defrag, %d before: want less than half", after, before)
	}
	startGwd(t, dataDir).stop(t)
}

func fileSizeOf(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
