package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestTokenCreateListRevoke: a created token is printed once and works
// with its role; list shows names and roles, never a token; a revoked
// token is refused.
func TestTokenCreateListRevoke(t *testing.T) {
	e := newTestEnv(t)
	r := e.run("token", "create", "grafana", "--role", "viewer", "--expires", "720h")
	secret := strings.TrimSpace(r.out)
	if r.code != 0 || !strings.HasPrefix(secret, "gwt_") || strings.Count(r.out, "\n") != 1 ||
		!strings.Contains(r.err, "token/grafana created, role viewer, expires ") {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	obj, err := e.store.Get("Token", "grafana")
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := v1alpha1.DecodeToken(obj)
	if exp, err := time.Parse(time.RFC3339, tok.Spec.Expiration); err != nil || time.Until(exp) < 700*time.Hour {
		t.Errorf("expiration %q, want in 720h", tok.Spec.Expiration)
	}

	viewer := &testEnv{t: t, config: filepath.Join(t.TempDir(), "gwctl.yaml")}
	writeConfig(t, viewer.config, e.url, secret)
	if r := viewer.run("get", "chargers"); r.code != 0 {
		t.Errorf("the viewer reads: exit %d %s", r.code, r.err)
	}
	r = viewer.runStdin("apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: b}\nspec: {device: /dev/ttyUSB0}\n", "apply", "-f", "-")
	if r.code == 0 || !strings.Contains(r.err, `role "viewer" cannot create or update Bus objects`) {
		t.Errorf("the viewer applies: exit %d, stderr %q", r.code, r.err)
	}
	if r := viewer.run("token", "create", "mine", "--role", "admin"); r.code == 0 || !strings.Contains(r.err, "forbidden") {
		t.Errorf("the viewer makes itself an admin: exit %d, stderr %q", r.code, r.err)
	}

	out := e.mustRun("token", "list")
	if !hasLine(out, `NAME +ROLE +EXPIRATION +AGE`) || !hasLine(out, `grafana +viewer +20\d\d-\S+Z +\S+`) ||
		!hasLine(out, `test-admin +admin +- +\S+`) || strings.Contains(out, secret) || strings.Contains(out, e.token) {
		t.Errorf("token list:\n%s", out)
	}
	if out := e.mustRun("token", "revoke", "grafana"); out != "token/grafana revoked\n" {
		t.Errorf("revoke printed %q", out)
	}
	if r := viewer.run("get", "chargers"); r.code == 0 || !strings.Contains(r.err, "not valid") {
		t.Errorf("a revoked token: exit %d, stderr %q", r.code, r.err)
	}
}

func TestTokenCreateFlags(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{
		{"token", "create", "x"},
		{"token", "create", "x", "--role", "root"},
		{"token", "create", "x", "--role", "viewer", "--expires", "-1h"},
	} {
		if r := e.run(args...); r.code != 2 || r.out != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want a usage error", strings.Join(args, " "), r.code, r.out, r.err)
		}
	}
	if objs, _ := e.store.List("Token"); len(objs) != 1 {
		t.Errorf("%d tokens stored after refused creates", len(objs))
	}
}
