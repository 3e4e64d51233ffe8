package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/store"
)

// TestManifestLimitsOnEveryPath sends the inputs that used to take gwd out
// of memory to /apply and to a resource, and checks both answer 413 with a
// Status whose cause names the limit, and store nothing.
func TestManifestLimitsOnEveryPath(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	k := `{"` + strings.Repeat("k", 100) + `":`
	nested := strings.Repeat(k, 8000) + "1" + strings.Repeat("}", 8000)
	alias := "apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: s\nspec:\n  a: &a \"" +
		strings.Repeat("x", 2<<20) + "\"\n  b: [" + strings.Repeat("*a, ", 1300) + "*a]\n"
	cases := []struct{ name, body, limit string }{
		{"nested JSON with long keys", nested, "maxDepth"},
		{"YAML alias of a 2 MB string", alias, "maxAliasExpansion"},
	}
	for _, c := range cases {
		for _, path := range []string{"/apply", "/secrets"} {
			t.Run(c.name+" "+path, func(t *testing.T) {
				code, st, raw := e.raw("POST", prefix+path, "application/yaml", c.body)
				if code != http.StatusRequestEntityTooLarge || st.Reason != reasonTooLarge || st.Details == nil ||
					len(st.Details.Causes) != 1 || st.Details.Causes[0].Field != c.limit || !strings.Contains(st.Message, c.limit) {
					t.Fatalf("got %d %.400s, want 413 naming %s", code, raw, c.limit)
				}
			})
		}
	}
	if l, err := e.c.List(ctx(t), "Secret", ""); err != nil || len(l.Items) != 0 {
		t.Fatalf("stored Secrets: %v %v", l, err)
	}
}

// TestInvalidUTF8SameOnEveryPath: JSON to /apply used to be stored with
// U+FFFD in place of the bad byte, while the same body POSTed was refused.
func TestInvalidUTF8SameOnEveryPath(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	body := `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"pw"},"spec":{"data":{"password":"a` + "\xff" + `b"}}}`
	var msgs []string
	for _, path := range []string{"/apply", "/secrets", "/secrets/pw"} {
		method := "POST"
		if path == "/secrets/pw" {
			method = "PUT"
		}
		code, st, raw := e.raw(method, prefix+path, "application/json", body)
		if code != http.StatusBadRequest || !strings.Contains(st.Message, "invalid UTF-8 at line 1 (byte offset 106)") {
			t.Fatalf("%s %s: got %d %s", method, path, code, raw)
		}
		msgs = append(msgs, st.Message)
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Fatalf("paths word it differently: %q", msgs)
	}
	if l, err := e.c.List(ctx(t), "Secret", ""); err != nil || len(l.Items) != 0 {
		t.Fatalf("stored Secrets: %v %v", l, err)
	}
}

// TestDeviceBodiesRefuseInvalidUTF8: the device requests' JSON bodies are
// held to the same rule as objects.
func TestDeviceBodiesRefuseInvalidUTF8(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{Discover: func(context.Context, string, []byte) (any, error) {
		t.Error("discover called with a body that is not UTF-8")
		return nil, nil
	}})
	code, st, raw := e.raw("POST", prefix+"/discover/modbus", "application/json", "{\"host\":\"a\xffb\"}")
	if code != http.StatusBadRequest || !strings.Contains(st.Message, "invalid UTF-8 at line 1 (byte offset 10)") {
		t.Fatalf("got %d %s", code, raw)
	}
}
