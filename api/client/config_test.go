package client

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestConfigSaveLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "gwctl.yaml")
	in := &Config{Server: "https://127.0.0.1:8443", CertificateAuthority: "ca.pem", Token: "t0k", ClientCertificate: "/abs/c.pem", ClientKey: "k.pem"}
	if err := in.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
	}
	out, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	// Relative paths are relative to the config file.
	want := Config{Server: in.Server, CertificateAuthority: filepath.Join(dir, "sub", "ca.pem"), Token: "t0k",
		ClientCertificate: "/abs/c.pem", ClientKey: filepath.Join(dir, "sub", "k.pem")}
	if *out != want {
		t.Fatalf("loaded %+v, want %+v", *out, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range map[string]struct{ body, want string }{
		"unknown field":    {"server: http://x:1\nsevrer: y\n", `unknown field "sevrer"`},
		"bad server":       {"server: ftp://x\n", "must be an http:// or https:// URL"},
		"cert without key": {"server: http://x:1\nclientCertificate: c.pem\n", "clientCertificate and clientKey must be set together"},
		"not yaml":         {"server: [\n", "gwctl.yaml"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"), "gwctl.yaml")
		_ = os.MkdirAll(filepath.Dir(p), 0o700)
		_ = os.WriteFile(p, []byte(tt.body), 0o600)
		_, err := LoadConfig(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err = %v, want it to name %s and say %q", name, err, p, tt.want)
		}
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file loaded")
	}
	// An empty server is allowed in the file (gwctl --server fills it) but not by New.
	p := filepath.Join(dir, "empty.yaml")
	_ = os.WriteFile(p, []byte("token: x\n"), 0o600)
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "server is empty") {
		t.Fatalf("New with empty server: %v", err)
	}
}

func TestDefaultDataDirAndConfigPaths(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/run/state/ocppgw:/other")
	if got := DefaultDataDir(); got != "/run/state/ocppgw" {
		t.Fatalf("with STATE_DIRECTORY: %s", got)
	}
	t.Setenv("STATE_DIRECTORY", "")
	t.Setenv("INVOCATION_ID", "abc")
	if got := DefaultDataDir(); got != "/var/lib/ocppgw" {
		t.Fatalf("as a service: %s", got)
	}
	t.Setenv("INVOCATION_ID", "")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "")
	want := filepath.Join(home, ".local", "state", "ocppgw")
	if os.Geteuid() == 0 {
		want = "/var/lib/ocppgw"
	}
	if got := DefaultDataDir(); got != want {
		t.Fatalf("user default: %s, want %s", got, want)
	}
	if os.Geteuid() != 0 {
		t.Setenv("XDG_STATE_HOME", "/xdg/state")
		if got := DefaultDataDir(); got != "/xdg/state/ocppgw" {
			t.Fatalf("XDG_STATE_HOME: %s", got)
		}
		want = "/xdg/state/ocppgw"
	}

	t.Setenv("GWCTL_CONFIG", "/env/gwctl.yaml")
	got := ConfigPaths("/flag/gwctl.yaml")
	wantPaths := []string{"/flag/gwctl.yaml", "/env/gwctl.yaml", filepath.Join(home, ".config", "ocppgw", "gwctl.yaml"),
		filepath.Join(want, "gwctl.yaml"), "/var/lib/ocppgw/gwctl.yaml"}
	wantPaths = slices.Compact(wantPaths)
	if !slices.Equal(got, wantPaths) {
		t.Fatalf("ConfigPaths = %v, want %v", got, wantPaths)
	}
	t.Setenv("GWCTL_CONFIG", "")
	if got := ConfigPaths(""); got[0] != filepath.Join(home, ".config", "ocppgw", "gwctl.yaml") {
		t.Fatalf("without flag and env: %v", got)
	}
}
