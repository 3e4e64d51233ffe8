package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// testEnv is a real admin API over a real store in a temp dir, and a gwctl
// config file pointing at it.
type testEnv struct {
	t        *testing.T
	store    *store.Store
	url      string
	config   string
	requests atomic.Int64 // requests the server has seen
	// token is the admin token of config; rev0 the revision after it was
	// stored, where a test's store starts.
	token string
	rev0  int64
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newTestEnvWith(t, server.Options{})
}

// newTestEnvWith is newTestEnv whose server has opts besides its store
// (the device hooks a gwd gives it).
func newTestEnvWith(t *testing.T, opts server.Options) *testEnv {
	t.Helper()
	key := bytes.Repeat([]byte{0x7e}, store.KeySize)
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{NoSync: true, EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := &testEnv{t: t, store: st}
	opts.Store, opts.Version = st, "v0.0.0-test"
	h := server.New(opts)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		h.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.url = ts.URL
	tok, secret, err := auth.NewToken("test-admin", v1alpha1.RoleAdmin, time.Time{})
	if err == nil {
		_, err = st.Create(tok)
	}
	if err != nil {
		t.Fatalf("admin token: %v", err)
	}
	e.token, e.rev0 = secret, st.Revision()
	e.config = filepath.Join(t.TempDir(), "gwctl.yaml")
	writeConfig(t, e.config, ts.URL, e.token)
	return e
}

// result is what one gwctl invocation printed and returned.
type result struct {
	out, err string
	code     int
}

// gwctl runs one command in-process, exactly as run does but with the given
// context and streams.
func gwctl(ctx context.Context, in io.Reader, out, errOut io.Writer, args ...string) int {
	return execute(ctx, args, IOStreams{In: in, Out: out, ErrOut: errOut}, localeFree)
}

// run runs gwctl against the env's server.
func (e *testEnv) run(args ...string) result { return e.runStdin("", args...) }

func (e *testEnv) runStdin(stdin string, args ...string) result {
	e.t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := gwctl(ctx, strings.NewReader(stdin), &out, &errOut, append([]string{"--config", e.config}, args...)...)
	return result{out: out.String(), err: errOut.String(), code: code}
}

// mustRun fails the test unless the command succeeds.
func (e *testEnv) mustRun(args ...string) string {
	e.t.Helper()
	r := e.run(args...)
	if r.code != 0 {
		e.t.Fatalf("gwctl %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.out, r.err)
	}
	return r.out
}

// hasLine reports whether some line of out matches the regular expression.
func hasLine(out, re string) bool {
	return regexp.MustCompile(`(?m)^` + re + `$`).MatchString(out)
}

// normaliseAge replaces every cell of the AGE column with "<age>" padded to
// the cell's width, so golden tables do not depend on the clock.
func normaliseAge(out string) string {
	lines := strings.Split(out, "\n")
	col := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "NAME") {
			col = strings.Index(l, "AGE")
			continue
		}
		if col < 0 || len(l) <= col {
			continue
		}
		end := strings.IndexByte(l[col:], ' ')
		if end < 0 {
			end = len(l) - col
		}
		lines[i] = l[:col] + "<age>" + l[col+end:]
	}
	return strings.Join(lines, "\n")
}

// writeConfig writes a gwctl.yaml pointing at server, with token ("" for none).
func writeConfig(t *testing.T, path, server, token string) {
	t.Helper()
	if err := (&client.Config{Server: server, Token: token}).Save(path); err != nil {
		t.Fatalf("save config: %v", err)
	}
}
