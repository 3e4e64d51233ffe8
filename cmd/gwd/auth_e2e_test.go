package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
)

// forgetServer empties the server of the gwctl.yaml at path, if there is
// one, and keeps its token: the client waits for gwd to write its new
// address, and a restarted gwd keeps the token, which it cannot make again.
func forgetServer(t *testing.T, path string) {
	t.Helper()
	cfg, err := client.LoadConfig(path)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		os.Remove(path) // a test's own junk: gwd writes a new one
		return
	}
	cfg.Server = ""
	if err := cfg.Save(path); err != nil {
		t.Fatal(err)
	}
}

// token returns the admin token gwd wrote into its gwctl.yaml.
func (d *daemon) token(t *testing.T) string {
	t.Helper()
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil || cfg.Token == "" {
		t.Fatalf("no token in gwd's client config: %v", err)
	}
	return cfg.Token
}

// request sends a request to d's API as the admin of its gwctl.yaml, for
// what the client does not send.
func (d *daemon) request(t *testing.T, method, url, contentType string, body io.Reader) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+d.token(t))
	return http.DefaultClient.Do(req)
}

// runGwctl runs the gwctl binary with env added to a clean environment (no
// config of the developer's own is found) and returns stdout, stderr and
// the exit code.
func runGwctl(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(filepath.Join(binDir, "gwctl"), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state")}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

const (
	// exfilPassword is the station password the attacker wanted.
	exfilPassword = "station-Pa55word-e2e-auth"
	authBase      = `apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata: {name: csms-pw}
spec: {type: basic-auth, data: {password: ` + exfilPassword + `}}
---
apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: main}
spec: {url: "ws://127.0.0.1:1/ocpp", basicAuthPasswordSecretRef: {name: csms-pw}}
---
apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: tpl}
spec: {protocol: modbus}
`
	// authEvil points a CSMS at the attacker's listener with the station's
	// password, and a Charger at it: issue 12's exfiltration.
	authEvil = `apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: %s}
spec: {url: "ws://%s/ocpp", basicAuthPasswordSecretRef: {name: csms-pw}}
---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: evil-ch}
spec: {templateRef: tpl, connection: {modbusTCP: {host: 127.0.0.1, port: 1}}, ocpp: {csmsRef: %s}}
`
)

// TestAuthBlocksCSMSExfiltration replays issue 12: a local user without
// the operator's token applies a CSMS pointing at their own listener with
// the station's password Secret, and a Charger on it. Without a token that
// is 401; with an operator token, creating or changing a CSMS is 403; the
// admin token gwd wrote at its first start works with no flags; no token
// value reaches the store file.
func TestAuthBlocksCSMSExfiltration(t *testing.T) {
	d := startGwd(t, t.TempDir())
	cfgPath := filepath.Join(d.dataDir, "gwctl.yaml")
	if fi, err := os.Stat(cfgPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("gwctl.yaml: %v, mode %v; want 0600", err, fi.Mode())
	}
	admin := d.token(t)
	// The operator's own gwctl, run with no flags, finds gwd's gwctl.yaml.
	owner := []string{"STATE_DIRECTORY=" + d.dataDir}
	if out, errOut, code := runGwctl(t, owner, authBase, "apply", "-f", "-"); code != 0 {
		t.Fatalf("the admin's apply: exit %d\n%s%s", code, out, errOut)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	evil := func(csms string) string { return fmt.Sprintf(authEvil, csms, ln.Addr(), csms) }

	// Another local user: the server's address, no token.
	nobody := filepath.Join(t.TempDir(), "gwctl.yaml")
	if err := (&client.Config{Server: serverURL(t, d)}).Save(nobody); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runGwctl(t, nil, evil("evil"), "--config", nobody, "apply", "-f", "-")
	if code == 0 || !strings.Contains(errOut, "401") && !strings.Contains(errOut, "no bearer token") {
		t.Errorf("apply without a token: exit %d, stderr %q; want a 401", code, errOut)
	}
	t.Logf("without a token: %s", errOut)

	// An operator token, made with gwctl by the admin.
	opsToken, errOut, code := runGwctl(t, owner, "", "token", "create", "ops", "--role", "operator", "--expires", "1h")
	opsToken = strings.TrimSpace(opsToken)
	if code != 0 || !strings.HasPrefix(opsToken, "gwt_") || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("token create: exit %d, stdout %q, stderr %q", code, opsToken, errOut)
	}
	ops := filepath.Join(t.TempDir(), "gwctl.yaml")
	if err := (&client.Config{Server: serverURL(t, d), Token: opsToken}).Save(ops); err != nil {
		t.Fatal(err)
	}
	for _, csms := range []string{"evil", "main"} { // a new CSMS; the existing one moved
		_, errOut, code = runGwctl(t, nil, evil(csms), "--config", ops, "apply", "-f", "-")
		if code == 0 || !strings.Contains(errOut, "forbidden") || !strings.Contains(errOut, `"operator"`) || !strings.Contains(errOut, "CSMS") {
			t.Errorf("operator applies CSMS %s: exit %d, stderr %q; want 403 naming CSMS and the role", csms, code, errOut)
		}
		t.Logf("operator applies CSMS %s: %s", csms, errOut)
	}
	c := d.client(t)
	if _, err := c.Get(context.Background(), "CSMS", "evil"); !client.IsNotFound(err) {
		t.Errorf("the attacker's CSMS: %v; want not found", err)
	}
	if _, err := c.Get(context.Background(), "Charger", "evil-ch"); !client.IsNotFound(err) {
		t.Errorf("the attacker's Charger: %v; want not found", err)
	}
	if o, err := c.Get(context.Background(), "CSMS", "main"); err != nil || !strings.Contains(string(o.Spec), "127.0.0.1:1/") {
		t.Errorf("the CSMS was changed: %v %s", err, o.Spec)
	}
	// What an operator may do, it does.
	charger := "apiVersion: ocppgw.dev/v1alpha1\nkind: Charger\nmetadata: {name: ok-ch}\nspec: {templateRef: tpl, connection: {modbusTCP: {host: 127.0.0.1, port: 1}}, ocpp: {csmsRef: main}}\n"
	if out, errOut, code := runGwctl(t, nil, charger, "--config", ops, "apply", "-f", "-"); code != 0 {
		t.Errorf("operator applies a Charger: exit %d\n%s%s", code, out, errOut)
	}

	out, errOut, code := runGwctl(t, owner, "", "token", "list")
	if code != 0 || !hasWords(out, "ops", "operator") || !hasWords(out, "initial-admin", "admin") ||
		strings.Contains(out, opsToken) || strings.Contains(out, admin) {
		t.Errorf("token list: exit %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runGwctl(t, owner, "", "token", "revoke", "ops"); code != 0 || out != "token/ops revoked\n" {
		t.Errorf("token revoke: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runGwctl(t, nil, "", "--config", ops, "get", "chargers"); code == 0 || !strings.Contains(errOut, "not valid") {
		t.Errorf("a revoked token: exit %d, stderr %q", code, errOut)
	}

	d.stop(t)
	db, err := os.ReadFile(filepath.Join(d.dataDir, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{admin, opsToken} {
		if bytes.Contains(db, []byte(strings.TrimPrefix(tok, "gwt_"))) {
			t.Errorf("a token's value is in state.db")
		}
		if strings.Contains(d.logs.String(), strings.TrimPrefix(tok, "gwt_")) {
			t.Errorf("a token's value is in gwd's debug log")
		}
	}
	if !strings.Contains(d.logs.String(), `"code":401`) && !strings.Contains(d.logs.String(), "code=401") {
		t.Errorf("gwd's debug log shows no refused request: the search read the wrong log")
	}
	if !strings.Contains(d.logs.String(), `"token":"ops"`) && !strings.Contains(d.logs.String(), "token=ops") {
		t.Errorf("gwd's request log does not name the operator's token")
	}
	if !bytes.Contains(db, []byte(strings.TrimPrefix(auth.Hash(admin), "sha256:"))) {
		t.Error("the admin token's hash is not in state.db: the search read the wrong bytes")
	}

	// A restart keeps the token in gwctl.yaml and makes no other.
	d = startGwd(t, d.dataDir)
	defer d.stop(t)
	if d.token(t) != admin {
		t.Error("the restart changed the token in gwctl.yaml")
	}
	if out, errOut, code := runGwctl(t, owner, "", "get", "tokens", "-o", "name"); code != 0 || out != "token/initial-admin\n" {
		t.Errorf("tokens after the restart: exit %d, %q %s", code, out, errOut)
	}
}

// hasWords reports whether some line of out holds every word.
func hasWords(out string, words ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		ok := true
		for _, w := range words {
			ok = ok && slices.Contains(f, w)
		}
		if ok {
			return true
		}
	}
	return false
}
