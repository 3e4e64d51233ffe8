package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Minimal valid manifests, one per kind used here.
const (
	secretYAML = `apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata: {name: pw}
spec:
  type: basic-auth
  data: {password: hunter2}
`
	csmsYAML = `apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: csms1}
spec:
  url: ws://csms.example:9000/ocpp
  basicAuthPasswordSecretRef: {name: pw}
`
	templateYAML = `apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: tpl}
spec:
  protocol: modbus
`
	chargerYAML = `apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: ch-1, labels: {site: a}}
spec:
  templateRef: tpl
  connection:
    modbusTCP: {host: 10.0.0.5}
  ocpp: {csmsRef: csms1}
`
	busYAML = `apiVersion: ocppgw.dev/v1alpha1
kind: Bus
metadata: {name: rs485-0}
spec:
  device: /dev/ttyUSB0
`
)

const waitFor = 10 * time.Second

// testKey seals the Secrets of the test stores.
var testKey = bytes.Repeat([]byte{0x42}, store.KeySize)

type env struct {
	t    *testing.T
	st   *store.Store
	c    *client.Client // authenticated as an admin
	url  string
	path string // the store file
	// admin is the bearer token of c, which raw sends too.
	admin string
	// rev0 is the revision after the admin's Token was stored: the store
	// as a test starts with it.
	rev0 int64
}

func newEnv(t *testing.T, sopts store.Options, opts Options) *env {
	t.Helper()
	sopts.NoSync = true
	if sopts.EncryptionKey == nil {
		sopts.EncryptionKey = testKey
	}
	if sopts.SealedKinds == nil { // as gwd opens it
		sopts.SealedKinds = v1alpha1.SealedKinds()
	}
	if sopts.CompactInterval == 0 {
		sopts.CompactInterval = -1
	}
	path := filepath.Join(t.TempDir(), "gw.db")
	st, err := store.Open(path, sopts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Store = st
	ts := httptest.NewServer(New(opts).Handler())
	// Cleanups run last-first: the store closes first, which ends any watch
	// a failed test left open, so the server's Close does not wait forever.
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = st.Close() })
	e := &env{t: t, st: st, url: ts.URL, path: path}
	e.admin = e.token("test-admin", v1alpha1.RoleAdmin, time.Time{})
	e.c = e.client(e.admin)
	e.rev0 = st.Revision()
	return e
}

// token stores a new Token and returns its secret.
func (e *env) token(name, role string, expiration time.Time) string {
	e.t.Helper()
	return tokenIn(e.t, e.st, name, role, expiration)
}

// tokenIn stores a new Token in st and returns its secret.
func tokenIn(t *testing.T, st *store.Store, name, role string, expiration time.Time) string {
	t.Helper()
	o, secret, err := auth.NewToken(name, role, expiration)
	if err == nil {
		_, err = st.Create(o)
	}
	if err != nil {
		t.Fatalf("token %s: %v", name, err)
	}
	return secret
}

// client returns a client that sends token ("" for none).
func (e *env) client(token string) *client.Client {
	e.t.Helper()
	c, err := client.New(&client.Config{Server: e.url, Token: token})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitFor)
	t.Cleanup(cancel)
	return c
}

// obj decodes a YAML manifest into an Object.
func obj(t *testing.T, y string) *v1alpha1.Object {
	t.Helper()
	var o v1alpha1.Object
	if err := yaml.Unmarshal([]byte(y), &o); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return &o
}

func (e *env) create(y string) *v1alpha1.Object {
	e.t.Helper()
	out, err := e.c.Create(ctx(e.t), obj(e.t, y))
	if err != nil {
		e.t.Fatalf("create: %v", err)
	}
	return out
}

// createBase stores the Secret, CSMS and Template a Charger needs.
func (e *env) createBase() {
	e.t.Helper()
	for _, y := range []string{secretYAML, csmsYAML, templateYAML} {
		e.create(y)
	}
}

// raw makes a request without the client, for what the client cannot
// send, as the admin.
func (e *env) raw(method, path, contentType, body string) (int, v1alpha1.APIStatus, []byte) {
	e.t.Helper()
	return e.rawAs(e.admin, method, path, contentType, body)
}

// rawAs is raw with another bearer token ("" for none).
func (e *env) rawAs(token, method, path, contentType, body string) (int, v1alpha1.APIStatus, []byte) {
	e.t.Helper()
	req, err := http.NewRequestWithContext(ctx(e.t), method, e.url+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var st v1alpha1.APIStatus
	_ = json.Unmarshal(b, &st)
	return resp.StatusCode, st, b
}

func statusOf(t *testing.T, err error) v1alpha1.APIStatus {
	t.Helper()
	var se *client.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("want a *client.StatusError, got %T: %v", err, err)
	}
	return se.Status
}

// hasCause reports whether st names field with a message containing text.
func hasCause(st v1alpha1.APIStatus, doc int, field, text string) bool {
	if st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Field == field && c.Document == doc && strings.Contains(c.Message, text) {
			return true
		}
	}
	return false
}

func join(docs ...string) []byte {
	var b bytes.Buffer
	for i, d := range docs {
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(d)
	}
	return b.Bytes()
}

// next receives one event or fails after waitFor.
func next(t *testing.T, w *client.Watch) v1alpha1.Event {
	t.Helper()
	select {
	case ev, ok := <-w.Events():
		if !ok {
			t.Fatalf("watch ended: %v", w.Err())
		}
		return ev
	case <-time.After(waitFor):
		t.Fatal("no event within 10s")
	}
	return v1alpha1.Event{}
}
