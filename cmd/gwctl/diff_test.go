package main

import (
	"strings"
	"testing"
)

func TestDiffExitCodes(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)

	r := e.run("diff", "-f", siteDir)
	if r.code != 0 || r.out != "" {
		t.Errorf("no change: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}

	r = e.runStdin(chargerDoc("ch-1", "10.0.0.9")+"---\n"+chargerDoc("ch-new", "10.0.0.10"), "diff", "-f", "-")
	if r.code != 1 {
		t.Fatalf("change: exit %d, want 1; stderr %q", r.code, r.err)
	}
	for _, want := range []string{
		"--- live/charger/ch-1\n+++ merged/charger/ch-1\n",
		"\n-      host: 10.0.0.5\n+      host: 10.0.0.9\n",
		"--- live/charger/ch-new\n+++ merged/charger/ch-new\n@@ -0,0 +1,",
		"\n+kind: Charger\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("diff lacks %q:\n%s", want, r.out)
		}
	}
	for _, noise := range []string{"resourceVersion", "uid:", "generation", "creationTimestamp", "status:", "last-applied"} {
		if strings.Contains(r.out, noise) {
			t.Errorf("diff shows server-set %q:\n%s", noise, r.out)
		}
	}
	obj, err := e.store.Get("Charger", "ch-1")
	if err != nil || !strings.Contains(string(obj.Spec), "10.0.0.5") {
		t.Errorf("diff changed the stored object: %v %s", err, obj.Spec)
	}

	r = e.run("diff", "-f", "testdata/bad.yaml")
	if r.code != 2 || !strings.Contains(r.err, "spec.connection.modbusTCP.port") {
		t.Errorf("invalid manifest: exit %d, stderr %q", r.code, r.err)
	}
	r = e.run("diff", "--no-such-flag")
	if r.code != 2 {
		t.Errorf("bad flag: exit %d, want 2", r.code)
	}
	r = e.run("--server", "http://127.0.0.1:1", "diff", "-f", siteDir)
	if r.code != 2 || !strings.HasPrefix(r.err, "error: ") {
		t.Errorf("unreachable server: exit %d, stderr %q", r.code, r.err)
	}
}

func secretDoc(password string) string {
	return `apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata:
  name: csms-auth
spec:
  type: basic-auth
  data:
    username: cp
    password: ` + password + "\n"
}

// TestDiffHidesSecretValues: a changed Secret shows which keys change, never
// their values.
func TestDiffHidesSecretValues(t *testing.T) {
	e := newTestEnv(t)
	if r := e.runStdin(secretDoc("old-pass-1"), "apply", "-f", "-"); r.code != 0 {
		t.Fatalf("apply secret: %s", r.err)
	}
	r := e.runStdin(secretDoc("new-pass-2"), "diff", "-f", "-")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.err)
	}
	if !strings.Contains(r.out, "\n-    password: '*** (before)'\n+    password: '*** (after)'\n") {
		t.Errorf("diff does not mark the changed key:\n%s", r.out)
	}
	if !strings.Contains(r.out, "\n     username: '***'\n") {
		t.Errorf("an unchanged key should show masked as context:\n%s", r.out)
	}
	if strings.Contains(r.out, "old-pass-1") || strings.Contains(r.out, "new-pass-2") || strings.Contains(r.out, "\"cp\"") {
		t.Errorf("diff shows a secret value:\n%s", r.out)
	}
}

// TestSecretRedactedButDiffClean: the server never returns a Secret's values,
// get shows its keys, and diff after apply still finds no difference.
func TestSecretRedactedButDiffClean(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", "../../examples")
	if r := e.run("diff", "-f", "../../examples"); r.code != 0 || r.out != "" {
		t.Fatalf("diff after apply of examples: exit %d\n%s%s", r.code, r.out, r.err)
	}
	if r := e.runStdin(secretDoc("pass-9d2e"), "apply", "-f", "-"); r.code != 0 {
		t.Fatalf("apply secret: %s", r.err)
	}
	out := e.mustRun("get", "secret", "csms-auth", "-o", "yaml")
	for _, want := range []string{"    password: <redacted>\n", "    username: <redacted>\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("get -o yaml lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "pass-9d2e") {
		t.Errorf("get shows the value:\n%s", out)
	}
	if r := e.runStdin(secretDoc("pass-9d2e"), "diff", "-f", "-"); r.code != 0 || r.out != "" {
		t.Errorf("diff of the applied secret: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
