package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Profiles are served to admins only, and only when gwd was asked to.
func TestProfilingIsForAdmins(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{Profiling: true})
	operator := e.token("ops", v1alpha1.RoleOperator, time.Time{})
	get := func(token, path string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(e.admin, "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile:") {
		t.Errorf("admin: %d %.200s", code, body)
	}
	if code, body := get(e.admin, "/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "heap") {
		t.Errorf("admin, the index: %d %.200s", code, body)
	}
	if code, _ := get(e.admin, "/debug/pprof/cmdline"); code != http.StatusNotFound {
		t.Errorf("the command line: %d, want 404", code)
	}
	if code, _ := get(operator, "/debug/pprof/heap"); code != http.StatusForbidden {
		t.Errorf("operator: %d, want 403", code)
	}
	if code, _ := get("", "/debug/pprof/heap"); code != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", code)
	}

	off := newEnv(t, store.Options{}, Options{})
	req, _ := http.NewRequest(http.MethodGet, off.url+"/debug/pprof/heap", nil)
	req.Header.Set("Authorization", "Bearer "+off.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("profiling off: %d, want 404", resp.StatusCode)
	}
}
