package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	e := &testEnv{t: t, config: "/nonexistent/gwctl.yaml"}
	r := e.run("version", "--client")
	if r.code != 0 || r.out != "Client Version: dev\n" {
		t.Errorf("version --client without a server: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}

	e = newTestEnv(t)
	out := e.mustRun("version")
	if !hasLine(out, `Client Version: dev`) || !hasLine(out, `Server Version: \S+.*`) {
		t.Errorf("version printed %q", out)
	}
}

func TestConfigResolution(t *testing.T) {
	e := newTestEnv(t)

	// --server overrides the config's server.
	dead := filepath.Join(t.TempDir(), "dead.yaml")
	writeConfig(t, dead, "http://127.0.0.1:1", e.token)
	r := (&testEnv{t: t, config: dead}).run("--server", e.url, "get", "chargers")
	if r.code != 0 {
		t.Errorf("--server override: exit %d, stderr %q", r.code, r.err)
	}

	r = (&testEnv{t: t, config: "/nonexistent/gwctl.yaml"}).run("get", "chargers")
	if r.code != 1 || !strings.Contains(r.err, "/nonexistent/gwctl.yaml") {
		t.Errorf("missing --config file: exit %d, stderr %q", r.code, r.err)
	}

	// $GWCTL_CONFIG is used when --config is not given.
	t.Setenv("GWCTL_CONFIG", e.config)
	var res result
	res.code = gwctl(t.Context(), strings.NewReader(""), &strBuf{&res.out}, &strBuf{&res.err}, "get", "chargers")
	if res.code != 0 || res.err != "No chargers found.\n" {
		t.Errorf("$GWCTL_CONFIG: exit %d, stderr %q", res.code, res.err)
	}

	// With nothing configured anywhere the error says where it looked.
	home := t.TempDir()
	t.Setenv("GWCTL_CONFIG", "")
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", filepath.Join(home, "state"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("STATE_DIRECTORY", "")
	res = result{}
	res.code = gwctl(t.Context(), strings.NewReader(""), &strBuf{&res.out}, &strBuf{&res.err}, "get", "chargers")
	if res.code != 1 || !strings.Contains(res.err, "no gwctl config found") || !strings.Contains(res.err, home) {
		t.Errorf("no config: exit %d, stderr %q", res.code, res.err)
	}
}

// strBuf appends writes to a string.
type strBuf struct{ s *string }

func (b *strBuf) Write(p []byte) (int, error) { *b.s += string(p); return len(p), nil }
