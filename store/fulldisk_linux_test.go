package store

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFullDisk runs the store on a 16 MiB tmpfs, mounted in a private
// mount namespace by re-running this test under `unshare -rm`, which
// another file shares: writes stop with ErrNoSpace while the reserve is
// left, so deletes and compaction still work on the full disk, and writes
// resume once disk space is freed.
func TestFullDisk(t *testing.T) {
	dir := os.Getenv("STORE_TMPFS_DIR")
	if dir == "" {
		runInTmpfs(t)
		return
	}
	s, err := Open(filepath.Join(dir, "state.db"), Options{QuotaBytes: -1, DiskReserveBytes: 2 << 20, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	filler := filepath.Join(dir, "other.log")
	if err := os.WriteFile(filler, make([]byte, 4<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	spec := `{"pad":"` + strings.Repeat("f", 4000) + `"}`
	n := 0
	for ; n < 100000; n++ {
		if _, err = s.Create(obj("Charger", fmt.Sprintf("ch-%05d", n), spec)); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("after %d creates on a 16 MiB disk: %v, want ErrNoSpace before the disk is full", n, err)
	}
	t.Logf("writes refused after %d objects: %v", n, err)
	for i := range n {
		if _, err := s.Delete("Charger", fmt.Sprintf("ch-%05d", i), ""); err != nil {
			t.Fatalf("delete %d of %d on the full disk: %v", i, n, err)
		}
	}
	if err := s.Compact(s.Revision()); err != nil {
		t.Fatalf("compaction on the full disk: %v", err)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("again-%d", i), spec)); err != nil {
			t.Fatalf("write %d after deletes and compaction: %v", i, err)
		}
	}
}

// runInTmpfs re-runs TestFullDisk as a child with a tmpfs mounted at a
// fresh directory in a private user and mount namespace.
func runInTmpfs(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err == nil {
		err = exec.Command(unshare, "-rm", "true").Run()
	}
	if err != nil {
		msg := "needs unshare -rm (util-linux, unprivileged user namespaces): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	cmd := exec.Command(unshare, "-rm", "sh", "-c", `mount -t tmpfs -o size=16m tmpfs "$1" && exec "$2" -test.run='^TestFullDisk$' -test.v`,
		"sh", dir, os.Args[0])
	cmd.Env = append(os.Environ(), "STORE_TMPFS_DIR="+dir)
	out, err := cmd.CombinedOutput()
	t.Logf("in a 16 MiB tmpfs:\n%s", out)
	if err != nil {
		t.Fatalf("full-disk child: %v", err)
	}
}
