package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestRunGoECharger: `gwsim run` serves each go-e device's HTTP API v2 at
// the address it printed, and the device follows `gwsim ctl plug` and a
// set of amp.
func TestRunGoECharger(t *testing.T) {
	control, addrs := startSim(t, "goe-charger:2", 2)
	if addrs["goe-charger-1"] == "" || addrs["goe-charger-1"] == addrs["goe-charger-2"] {
		t.Fatalf("addresses %v: one server per device", addrs)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	status := func(name, path string) (int, map[string]any) {
		resp, err := cl.Get("http://" + addrs[name] + path)
		if err != nil {
			t.Fatalf("GET %s %s: %v", name, path, err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatalf("GET %s %s: %v", name, path, err)
		}
		return resp.StatusCode, m
	}
	if code, ans := status("goe-charger-1", "/api/set?amp=8"); code != 200 || ans["amp"] != true {
		t.Fatalf("set amp=8: %d %v", code, ans)
	}
	if out, code := ctl(t, control, "plug", "goe-charger-1"); code != 0 {
		t.Fatalf("ctl plug: %s", out)
	}
	testutil.Eventually(t, 10*time.Second, "goe-charger-1 charging at 8 A", func() string {
		_, st := status("goe-charger-1", "/api/status?filter=car,nrg")
		if nrg, _ := st["nrg"].([]any); st["car"] != 2.0 || len(nrg) != 16 || nrg[4] != 8.0 {
			return fmt.Sprintf("status %v", st)
		}
		return ""
	})
	if _, st := status("goe-charger-2", "/api/status?filter=car"); st["car"] != 1.0 {
		t.Fatalf("goe-charger-2 car %v, want 1 (no car)", st["car"])
	}
}
