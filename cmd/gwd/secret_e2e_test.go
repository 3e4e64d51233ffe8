package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runGwdUntilExit runs gwd in dataDir, expecting it to refuse to start, and
// returns what it printed.
func runGwdUntilExit(t *testing.T, dataDir string, extra ...string) string {
	t.Helper()
	args := append([]string{"--data-dir", dataDir, "--api-listen", "127.0.0.1:0"}, extra...)
	out, err := exec.Command(filepath.Join(binDir, "gwd"), args...).CombinedOutput()
	if err == nil {
		t.Fatalf("gwd %v started, want a refusal:\n%s", extra, out)
	}
	return string(out)
}

// TestSecretsEncryptedAndRedacted: gwd makes a private key, seals the
// Secrets it stores, shows them redacted, and refuses keys that are exposed
// or wrong.
func TestSecretsEncryptedAndRedacted(t *testing.T) {
	const value = "pw-e2e-4b9a71"
	dataDir := t.TempDir()
	d := startGwd(t, dataDir)
	keyPath := filepath.Join(dataDir, "secret.key")
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Fatalf("secret.key: %v %v", fi, err)
	}
	doc := strings.Replace(secretDoc("auth"), "password: x", "password: "+value, 1)
	if out, errOut, code := d.gwctl(t, strings.NewReader(doc), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := d.gwctl(t, nil, "get", "secret", "auth", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "password: <redacted>") || strings.Contains(out, value) {
		t.Fatalf("get -o yaml: exit %d\n%s%s", code, out, errOut)
	}
	d.stop(t)
	raw, err := os.ReadFile(filepath.Join(dataDir, storeFile))
	if err != nil || bytes.Contains(raw, []byte(value)) {
		t.Fatalf("state.db holds the plaintext (or cannot be read: %v)", err)
	}

	other := filepath.Join(t.TempDir(), "other.key")
	if err := os.WriteFile(other, bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := runGwdUntilExit(t, dataDir, "--encryption-key-file", other); !strings.Contains(out, `wrong encryption key: Secret \"auth\"`) {
		t.Errorf("wrong key not reported naming the Secret:\n%s", out)
	}
	if err := os.Chmod(keyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if out := runGwdUntilExit(t, dataDir); !strings.Contains(out, "group and others must have no access") {
		t.Errorf("world-readable key not refused:\n%s", out)
	}
}

func TestApplyExamplesThenDiffIsClean(t *testing.T) {
	d := startGwd(t, t.TempDir())
	if out, errOut, code := d.gwctl(t, nil, "apply", "-f", examplesDir(t)); code != 0 {
		t.Fatalf("apply examples: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := d.gwctl(t, nil, "diff", "-f", examplesDir(t)); code != 0 || out != "" {
		t.Fatalf("diff after apply: exit %d\n%s%s", code, out, errOut)
	}
	d.stop(t)
}
