package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// get sends GET path with the Authorization header auth ("" for none).
func (e *env) get(path, authorization string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequestWithContext(ctx(e.t), "GET", e.url+path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestUnauthenticatedIs401: no token, another scheme, a wrong, expired or
// revoked token: 401 with a Status and WWW-Authenticate, on every route,
// /healthz excepted.
func TestUnauthenticatedIs401(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	expired := e.token("expired", v1alpha1.RoleAdmin, time.Now().Add(-time.Minute))
	revoked := e.token("revoked", v1alpha1.RoleAdmin, time.Time{})
	if resp, body := e.get(prefix+"/chargers", "Bearer "+revoked); resp.StatusCode != 200 {
		t.Fatalf("before its revocation: %d %s", resp.StatusCode, body)
	}
	if _, err := e.c.Delete(ctx(t), "Token", "revoked"); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"none":    "",
		"basic":   "Basic YWRtaW46YWRtaW4=",
		"empty":   "Bearer ",
		"wrong":   "Bearer " + e.admin + "x",
		"hash":    "Bearer " + auth.Hash(e.admin),
		"expired": "Bearer " + expired,
		"revoked": "Bearer " + revoked,
	}
	for name, authz := range cases {
		for _, p := range []string{"/version", prefix, prefix + "/secrets", prefix + "/csmses?watch=true", prefix + "/nothing/here", "/metricz"} {
			resp, body := e.get(p, authz)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"reason":"Unauthorized"`) ||
				!strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s token, GET %s: %d %q %s", name, p, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
			}
		}
	}
	if _, body := e.get("/version", cases["expired"]); !strings.Contains(body, "expired") {
		t.Errorf("an expired token is not told so: %s", body)
	}
	// The apply of the issue: nothing stored.
	code, st, _ := e.rawAs("", "POST", prefix+"/apply", "application/yaml", secretYAML+"---\n"+csmsYAML)
	if code != http.StatusUnauthorized || st.Reason != v1alpha1.ReasonUnauthorized {
		t.Errorf("apply without a token: %d %+v", code, st)
	}
	if e.st.Revision() != e.rev0+3 { // the two tokens and the revocation
		t.Errorf("refused requests wrote: revision %d, want %d", e.st.Revision(), e.rev0+3)
	}
	if resp, body := e.get("/healthz", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz without a token: %d %s", resp.StatusCode, body)
	}
}

// TestApplyIsAuthorizedPerDocument: an operator's apply that holds one CSMS
// among Chargers is refused whole; its prune may not delete what the
// operator could not.
func TestApplyIsAuthorizedPerDocument(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	ops := e.client(e.token("ops", v1alpha1.RoleOperator, time.Time{}))
	evil := strings.Replace(csmsYAML, "ws://csms.example:9000/ocpp", "ws://127.0.0.1:9/steal", 1)
	for _, body := range []string{chargerYAML + "---\n" + evil, strings.Replace(evil, "name: csms1", "name: mine", 1)} {
		rev := e.st.Revision()
		for _, dry := range []bool{true, false} {
			_, err := ops.Apply(ctx(t), []byte(body), client.ApplyOptions{DryRun: dry})
			st := statusOf(t, err)
			if st.Code != http.StatusForbidden || !strings.Contains(st.Message, "CSMS") || !strings.Contains(st.Message, `"operator"`) {
				t.Errorf("operator applies a CSMS (dry run %v): %+v", dry, st)
			}
		}
		if e.st.Revision() != rev {
			t.Errorf("a refused apply wrote")
		}
	}
	if o, _ := e.st.Get("CSMS", "csms1"); !bytes.Contains(o.Spec, []byte("csms.example")) {
		t.Errorf("the CSMS changed: %s", o.Spec)
	}
	if _, err := ops.Apply(ctx(t), []byte(chargerYAML), client.ApplyOptions{}); err != nil {
		t.Errorf("operator applies a Charger: %v", err)
	}
	// A labelled CSMS applied by the admin is in the operator's prune set.
	labelled := strings.Replace(csmsYAML, "metadata: {name: csms1}", "metadata: {name: csms2, labels: {site: a}}", 1)
	if _, err := e.c.Apply(ctx(t), []byte(labelled), client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := ops.Apply(ctx(t), []byte(chargerYAML), client.ApplyOptions{Prune: true, Selector: "site=a"})
	if st := statusOf(t, err); st.Code != http.StatusForbidden || !strings.Contains(st.Message, "delete") || !strings.Contains(st.Message, "csms2") {
		t.Errorf("operator's prune of a CSMS: %+v", st)
	}
	if _, err := e.st.Get("CSMS", "csms2"); err != nil {
		t.Errorf("the CSMS was pruned: %v", err)
	}
}

// TestTokenValueIsNowhere: a token's value is neither in the store file
// nor in any answer about Tokens; its hash is in the file, so the search
// reads the right bytes.
func TestTokenValueIsNowhere(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	secret := e.token("grafana", v1alpha1.RoleViewer, time.Now().Add(time.Hour))
	body := strings.TrimPrefix(secret, auth.TokenPrefix)
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(db, []byte(body)) || bytes.Contains(db, []byte(e.admin[len(auth.TokenPrefix):])) {
		t.Error("a token's value is in the store file")
	}
	if !bytes.Contains(db, []byte(strings.TrimPrefix(auth.Hash(secret), v1alpha1.TokenHashPrefix))) {
		t.Fatal("the token's hash is not in the store file: the search read the wrong bytes")
	}
}

func TestTokenValueIsNotAnswered(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	w, err := e.client(e.token("watcher", v1alpha1.RoleViewer, time.Time{})).Watch(ctx(t), "Token", client.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	secret := e.token("grafana", v1alpha1.RoleViewer, time.Time{})
	// The initial events (the test's admin, the watcher), a bookmark, then
	// the new one: every Token in them redacted.
	for name := ""; name != "grafana"; {
		ev := next(t, w)
		if ev.Type == v1alpha1.Bookmark {
			continue
		}
		tok, err := v1alpha1.DecodeToken(ev.Object)
		if err != nil || tok.Spec.Hash != RedactedValue {
			t.Fatalf("watch event %s: %+v, %v", ev.Type, ev.Object, err)
		}
		name = tok.Metadata.Name
	}
	for _, p := range []string{prefix + "/tokens", prefix + "/tokens/grafana", prefix + "/tokens/test-admin"} {
		resp, b := e.get(p, "Bearer "+e.admin)
		var answer struct {
			v1alpha1.Token
			Items []v1alpha1.Token `json:"items"`
		}
		if err := json.Unmarshal([]byte(b), &answer); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", p, resp.StatusCode, b)
		}
		for _, tok := range append(answer.Items, answer.Token) {
			if tok.Metadata.Name != "" && (tok.Spec.Hash != RedactedValue || tok.Spec.Role == "") {
				t.Errorf("GET %s: token %s has hash %q, role %q", p, tok.Metadata.Name, tok.Spec.Hash, tok.Spec.Role)
			}
		}
		for _, s := range []string{secret, e.admin, strings.TrimPrefix(secret, auth.TokenPrefix), "sha256:"} {
			if strings.Contains(b, s) {
				t.Errorf("GET %s shows a token: %s", p, b)
			}
		}
	}
}

// TestSystemToken: gwd's in-memory token is an admin, and is not a Token.
func TestSystemToken(t *testing.T) {
	sys, err := auth.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.Options{}, Options{SystemToken: sys})
	if _, err := e.client(sys).Apply(ctx(t), []byte(secretYAML+"---\n"+csmsYAML), client.ApplyOptions{}); err != nil {
		t.Errorf("apply with the system token: %v", err)
	}
	if objs, _ := e.st.List("Token"); len(objs) != 1 {
		t.Errorf("%d Tokens stored, want the test's admin only", len(objs))
	}
	if resp, _ := e.get("/version", "Bearer "+sys+"x"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a near miss of the system token: %d", resp.StatusCode)
	}
}

// TestTokenHashRedactedInApply: an applied Token's hash is in no answer,
// nor in its last-applied record; a changed hash is marked so.
func TestTokenHashRedactedInApply(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	doc := func(h string) []byte {
		return []byte("apiVersion: ocppgw.dev/v1alpha1\nkind: Token\nmetadata: {name: ci}\nspec: {role: viewer, hash: \"sha256:" + strings.Repeat(h, 64) + "\"}\n")
	}
	res, err := e.c.Apply(ctx(t), doc("a"), client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.c.Get(ctx(t), "Token", "ci")
	if err != nil {
		t.Fatal(err)
	}
	noPlaintext(t, "apply and get of a Token", []any{res, got}, strings.Repeat("a", 64))
	if o, _ := e.st.Get("Token", "ci"); !strings.Contains(o.Metadata.Annotations[LastAppliedAnnotation], strings.Repeat("a", 64)) {
		t.Fatal("the store lost the hash")
	}
	res, err = e.c.Apply(ctx(t), doc("b"), client.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := v1alpha1.DecodeToken(res.Items[0].Object)
	old, _ := v1alpha1.DecodeToken(res.Items[0].Old)
	if tok.Spec.Hash != RedactedChangedValue || old.Spec.Hash != RedactedValue || res.Items[0].Action != v1alpha1.ActionConfigured {
		t.Errorf("a changed hash: %q (old %q), %s", tok.Spec.Hash, old.Spec.Hash, res.Items[0].Action)
	}
	noPlaintext(t, "dry run", res, strings.Repeat("a", 64), strings.Repeat("b", 64))
}

// TestUnmappedRouteIsAdminOnly: a route added to the mux without a line in
// requestAttributes is closed to all but admins; /metrics is open to every
// role.
func TestUnmappedRouteIsAdminOnly(t *testing.T) {
	st, err := store.Open(t.TempDir()+"/gw.db", store.Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(Options{Store: st})
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) }
	s.mux.HandleFunc("GET /apis/ocppgw.dev/v1alpha1/snapshot", ok) // a route no one mapped
	s.mux.HandleFunc("GET /metrics", ok)
	tokens := map[string]string{}
	for _, role := range v1alpha1.TokenRoles {
		o, secret, err := auth.NewToken(role, role, time.Time{})
		if err == nil {
			_, err = st.Create(o)
		}
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	for role, tok := range tokens {
		for path, want := range map[string]int{prefix + "/snapshot": http.StatusForbidden, "/metrics": http.StatusOK} {
			if role == v1alpha1.RoleAdmin {
				want = http.StatusOK
			}
			req := httptest.NewRequest("GET", path, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("GET %s as %s: %d %s, want %d", path, role, rec.Code, rec.Body, want)
			}
		}
	}
}
