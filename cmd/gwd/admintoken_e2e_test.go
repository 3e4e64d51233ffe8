package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAdminTokenWhenEveryAdminIsLost: the only admin token is revoked, so
// gwctl is refused; with gwd stopped, gwd admin-token makes a new one into
// gwctl.yaml, and after the restart gwctl works again as that admin.
func TestAdminTokenWhenEveryAdminIsLost(t *testing.T) {
	dir := t.TempDir()
	d := startGwd(t, dir)
	if _, errOut, code := d.gwctl(t, nil, "token", "revoke", initialTokenName); code != 0 {
		t.Fatalf("revoke: %s", errOut)
	}
	if _, _, code := d.gwctl(t, nil, "get", "tokens"); code == 0 {
		t.Fatal("gwctl still works with the revoked token")
	}
	out, err := exec.Command(filepath.Join(binDir, "gwd"), "admin-token", "--data-dir", dir, "rescue").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "locked") {
		t.Fatalf("admin-token beside a running gwd: %v\n%s", err, out)
	}
	d.stop(t)
	out, err = exec.Command(filepath.Join(binDir, "gwd"), "admin-token", "--data-dir", dir, "rescue").CombinedOutput()
	if err != nil {
		t.Fatalf("admin-token: %v\n%s", err, out)
	}
	d = startGwd(t, dir)
	defer d.stop(t)
	if out, errOut, code := d.gwctl(t, nil, "get", "tokens", "-o", "name"); code != 0 || !strings.Contains(out, "token/rescue") {
		t.Fatalf("gwctl after admin-token: %d\n%s%s", code, out, errOut)
	}
}
