package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/store"
)

// TestReadyzNamesTheFailedCheck: /readyz is 200 "ok" while every check
// passes; a failing check (here one gwd adds, then the store out of quota)
// makes it 503 naming that check and its reason, the others listed as ok.
func TestReadyzNamesTheFailedCheck(t *testing.T) {
	var controllers error
	e := newEnv(t, store.Options{QuotaBytes: 256 << 10}, Options{ReadyChecks: []Check{{Name: "controllers", Ready: func() error { return controllers }}}})
	code, _, body := e.raw("GET", "/readyz", "", "")
	if code != http.StatusOK || string(body) != "ok" {
		t.Fatalf("ready: %d %q", code, body)
	}
	code, _, body = e.raw("GET", "/readyz?verbose", "", "")
	if code != http.StatusOK || !strings.Contains(string(body), "[+]store ok") || !strings.Contains(string(body), "[+]controllers ok") {
		t.Fatalf("verbose: %d %q", code, body)
	}

	controllers = errors.New("informers not synced yet: [Charger]")
	code, _, body = e.raw("GET", "/readyz", "", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "[-]controllers failed: informers not synced yet: [Charger]") ||
		!strings.Contains(string(body), "[+]store ok") {
		t.Fatalf("controllers not ready: %d %q", code, body)
	}
	controllers = nil

	for i := 0; ; i++ {
		if _, err := e.st.Create(obj(t, fmt.Sprintf("apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: b%d, annotations: {pad: %q}}\nspec: {device: /dev/ttyUSB0}\n", i, strings.Repeat("p", 1000)))); err != nil {
			if !errors.Is(err, store.ErrNoSpace) {
				t.Fatal(err)
			}
			break
		}
	}
	code, _, body = e.raw("GET", "/readyz", "", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "[-]store failed:") || !strings.Contains(string(body), "quota") {
		t.Fatalf("store past its quota: %d %q", code, body)
	}
	if code, _, _ := e.raw("GET", "/healthz", "", ""); code != http.StatusOK {
		t.Errorf("/healthz past the quota: %d; a full store is not a dead process", code)
	}
}
