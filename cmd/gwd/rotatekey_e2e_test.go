package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRotateKey: gwd rotate-key refuses to run beside a running gwd and
// changes nothing then; with gwd stopped it gives the store a new key,
// keeps the old one aside, and gwd starts on the new key with its Secret,
// while the old key no longer opens the store.
func TestRotateKey(t *testing.T) {
	dir := t.TempDir()
	d := startGwd(t, dir)
	if _, errOut, code := d.gwctl(t, strings.NewReader(secretDoc("csms-password")), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: %s", errOut)
	}
	keyPath := filepath.Join(dir, keyFile)
	oldKey, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	rotate := func() (string, error) {
		out, err := exec.Command(filepath.Join(binDir, "gwd"), "rotate-key", "--data-dir", dir).CombinedOutput()
		return string(out), err
	}
	if out, err := rotate(); err == nil || !strings.Contains(out, "locked") {
		t.Fatalf("rotate-key beside a running gwd: %v\n%s", err, out)
	}
	if now, _ := os.ReadFile(keyPath); !bytes.Equal(now, oldKey) {
		t.Fatal("a refused rotation changed the key file")
	}
	d.stop(t)

	out, err := rotate()
	if err != nil || !strings.Contains(out, "sealed values moved") {
		t.Fatalf("rotate-key: %v\n%s", err, out)
	}
	newKey, _ := os.ReadFile(keyPath)
	if bytes.Equal(newKey, oldKey) || len(newKey) != len(oldKey) {
		t.Fatal("the key file was not replaced by a new key")
	}
	olds, _ := filepath.Glob(keyPath + ".old-*")
	if len(olds) != 1 {
		t.Fatalf("old key kept as %v, want one file", olds)
	}
	if kept, _ := os.ReadFile(olds[0]); !bytes.Equal(kept, oldKey) {
		t.Error("the kept old key is not the old key")
	}
	if _, err := os.Stat(keyPath + ".new"); !os.IsNotExist(err) {
		t.Errorf("%s.new left behind: %v", keyPath, err)
	}

	withOld := exec.Command(filepath.Join(binDir, "gwd"), "--data-dir", dir, "--api-listen", "127.0.0.1:0", "--encryption-key-file", olds[0])
	if out, err := withOld.CombinedOutput(); err == nil || !strings.Contains(string(out), "encrypted with key id") {
		t.Fatalf("gwd started on the rotated store with the old key: %v\n%s", err, out)
	}
	d = startGwd(t, dir)
	defer d.stop(t)
	if out, errOut, code := d.gwctl(t, nil, "get", "secret", "csms-password"); code != 0 || !strings.Contains(out, "csms-password") {
		t.Fatalf("the Secret after the rotation: %d\n%s%s", code, out, errOut)
	}
}
