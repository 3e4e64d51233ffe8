package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// TestQuotaThroughTheAPI: past the store's quota a create is refused with
// 507 and the store's reason (etcd's NOSPACE: writes stop), a delete still
// works, and /healthz stays ok: a full quota is not damage.
func TestQuotaThroughTheAPI(t *testing.T) {
	e := newEnv(t, store.Options{QuotaBytes: 256 << 10}, Options{})
	var full error
	var created []string
	for i := range 2000 {
		name := fmt.Sprintf("bus-%04d", i)
		_, err := e.c.Create(ctx(t), obj(t, fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: Bus
metadata: {name: %s, annotations: {note: "%0512d"}}
spec: {device: /dev/ttyUSB0, baudRate: 19200}`, name, i)))
		if err != nil {
			full = err
			break
		}
		created = append(created, name)
	}
	var se *client.StatusError
	if full == nil || !errors.As(full, &se) || se.Status.Code != http.StatusInsufficientStorage {
		t.Fatalf("2000 creates against a 256 KiB quota ended with %v, want a 507", full)
	}
	if len(created) == 0 {
		t.Fatal("the quota refused the first write")
	}
	if _, err := e.c.Delete(ctx(t), "Bus", created[0]); err != nil {
		t.Errorf("a delete past the quota: %v", err)
	}
	resp, err := http.Get(e.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz past the quota: %d", resp.StatusCode)
	}
}

// TestHealthzReportsDamage: once the store met a damaged file at run time
// (here: truncated under it, found by a watch from the start), /healthz
// answers 503 with the store's advice, so a supervisor or probe sees it.
func TestHealthzReportsDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gw.db")
	st, err := store.Open(path, store.Options{NoSync: true, EncryptionKey: testKey, SealedKinds: v1alpha1.SealedKinds(), CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := httptest.NewServer(New(Options{Store: st}).Handler())
	defer ts.Close()
	for i := range 300 {
		o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Bus", Metadata: v1alpha1.ObjectMeta{Name: fmt.Sprintf("bus-%03d", i)},
			Spec: []byte(`{"device":"/dev/ttyUSB0","pad":"` + strings.Repeat("t", 1000) + `"}`)}
		if _, err := st.Create(o); err != nil {
			t.Fatal(err)
		}
	}
	healthz := func() int {
		resp, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := healthz(); code != http.StatusOK {
		t.Fatalf("/healthz before the damage: %d", code)
	}
	meetDamage(t, st, path)
	if code := healthz(); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz after the store met the damage: %d, want 503", code)
	}
}
