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
	return d.httpClient(t).Do(req)
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
// value reaches the store file or the log; a restart keeps the token.
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
	opsToken, errOut, code := runGwctl(t, owner, "", "token", "create", "ops", "--role", "operator", "--expires", "1h")
	opsToken = strings.TrimSpace(opsToken)
	if code != 0 || !strings.HasPrefix(opsToken, "gwt_") || !strings.Contains(errOut, "shown this once") {
		t.Fatalf("token create: exit %d, stdout %q, stderr %q", code, opsToken, errOut)
	}
	ops := d.configWith(t, opsToken)
	checkExfiltrationBlocked(t, d, d.configWith(t, ""), ops)

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
	checkNoTokenValues(t, d, admin, opsToken)

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

// configWith writes a gwctl.yaml of d's address and token ("" for none),
// as another local user would have, and returns its path.
func (d *daemon) configWith(t *testing.T, token string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gwctl.yaml")
	// The certificate is no secret: anyone may fetch it by connecting.
	cfg := &client.Config{Server: serverURL(t, d), Token: token, CertificateAuthorityData: d.config(t).CertificateAuthorityData}
	if err := cfg.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkExfiltrationBlocked applies the attacker's CSMS and Charger without
// a token (401) and with an operator's (403, for a new CSMS and for moving
// the existing one), and checks nothing of it was stored; the operator's
// own work, a Charger, is accepted.
func checkExfiltrationBlocked(t *testing.T, d *daemon, nobody, ops string) {
	t.Helper()
	// The attacker's listener: only its address matters, since nothing
	// pointing at it may be stored.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	evil := func(csms string) string { return fmt.Sprintf(authEvil, csms, ln.Addr(), csms) }
	_, errOut, code := runGwctl(t, nil, evil("evil"), "--config", nobody, "apply", "-f", "-")
	if code == 0 || !strings.Contains(errOut, "no bearer token") {
		t.Errorf("apply without a token: exit %d, stderr %q; want a 401", code, errOut)
	}
	t.Logf("without a token: %s", errOut)
	for _, csms := range []string{"evil", "main"} { // a new CSMS; the existing one moved
		_, errOut, code = runGwctl(t, nil, evil(csms), "--config", ops, "apply", "-f", "-")
		if code == 0 || !strings.Contains(errOut, "forbidden") || !strings.Contains(errOut, `"operator"`) || !strings.Contains(errOut, "CSMS") {
			t.Errorf("operator applies CSMS %s: exit %d, stderr %q; want 403 naming CSMS and the role", csms, code, errOut)
		}
		t.Logf("operator applies CSMS %s: %s", csms, errOut)
	}
	c, ctx := d.client(t), context.Background()
	if _, err := c.Get(ctx, "CSMS", "evil"); !client.IsNotFound(err) {
		t.Errorf("the attacker's CSMS: %v; want not found", err)
	}
	if _, err := c.Get(ctx, "Charger", "evil-ch"); !client.IsNotFound(err) {
		t.Errorf("the attacker's Charger: %v; want not found", err)
	}
	if o, err := c.Get(ctx, "CSMS", "main"); err != nil || !strings.Contains(string(o.Spec), "127.0.0.1:1/") {
		t.Errorf("the CSMS was changed: %v %s", err, o.Spec)
	}
	charger := "apiVersion: ocppgw.dev/v1alpha1\nkind: Charger\nmetadata: {name: ok-ch}\nspec: {templateRef: tpl, connection: {modbusTCP: {host: 127.0.0.1, port: 1}}, ocpp: {csmsRef: main}}\n"
	if out, errOut, code := runGwctl(t, nil, charger, "--config", ops, "apply", "-f", "-"); code != 0 {
		t.Errorf("operator applies a Charger: exit %d\n%s%s", code, out, errOut)
	}
}

// checkNoTokenValues greps a stopped gwd's state.db and debug log for the
// tokens' values; the admin token's hash must be in the file and the
// operator's name in the request log, so the search reads the right bytes.
func checkNoTokenValues(t *testing.T, d *daemon, admin, ops string) {
	t.Helper()
	db, err := os.ReadFile(filepath.Join(d.dataDir, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	logs := d.logs.String()
	for _, tok := range []string{admin, ops} {
		if bytes.Contains(db, []byte(strings.TrimPrefix(tok, "gwt_"))) {
			t.Errorf("a token's value is in state.db")
		}
		if strings.Contains(logs, strings.TrimPrefix(tok, "gwt_")) {
			t.Errorf("a token's value is in gwd's debug log")
		}
	}
	if !bytes.Contains(db, []byte(strings.TrimPrefix(auth.Hash(admin), "sha256:"))) {
		t.Error("the admin token's hash is not in state.db: the search read the wrong bytes")
	}
	if !strings.Contains(logs, `"code":401`) && !strings.Contains(logs, "code=401") {
		t.Errorf("gwd's debug log shows no refused request: the search read the wrong log")
	}
	if !strings.Contains(logs, `"token":"ops"`) && !strings.Contains(logs, "token=ops") {
		t.Errorf("gwd's request log does not name the operator's token")
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
