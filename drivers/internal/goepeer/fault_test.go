package goepeer

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFaultsAnswerAsInjectedThenStop: each fault changes the answer of the
// requests it matches, Count of them, and the next request is normal.
func TestFaultsAnswerAsInjectedThenStop(t *testing.T) {
	p := Start(t, Options{})
	c := newFreshClient(t, p, 10*time.Second)
	cases := []struct {
		fault Fault
		check func(code int, body []byte, err error) string
	}{
		{Fault{Kind: FaultHTTP500}, func(code int, body []byte, err error) string {
			if err != nil || code != 500 || json.Valid(body) {
				return "want 500 with a plain-text body"
			}
			return ""
		}},
		{Fault{Kind: FaultGarbage}, func(code int, body []byte, err error) string {
			if err != nil || code != 200 || json.Valid(body) {
				return "want 200 with a body that is not JSON"
			}
			return ""
		}},
		{Fault{Kind: FaultTruncated}, func(code int, body []byte, err error) string {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				return "want the body cut short (unexpected EOF)"
			}
			return ""
		}},
		{Fault{Kind: FaultReset}, func(code int, body []byte, err error) string {
			if !errors.Is(err, syscall.ECONNRESET) {
				return "want connection reset by peer"
			}
			return ""
		}},
		{Fault{Kind: FaultClose}, func(code int, body []byte, err error) string {
			if err == nil || errors.Is(err, syscall.ECONNRESET) {
				return "want the connection closed without an answer"
			}
			return ""
		}},
		{Fault{Kind: FaultMissingKey, Key: "car"}, func(code int, body []byte, err error) string {
			var m map[string]any
			if err != nil || code != 200 || json.Unmarshal(body, &m) != nil || m["amp"] == nil {
				return "want 200 with amp"
			}
			if _, ok := m["car"]; ok {
				return "want car left out"
			}
			return ""
		}},
		{Fault{Kind: FaultNullKey, Key: "car"}, func(code int, body []byte, err error) string {
			var m map[string]any
			if err != nil || code != 200 || json.Unmarshal(body, &m) != nil || m["car"] != nil || m["amp"] == nil {
				return "want 200 with car null"
			}
			if _, ok := m["car"]; !ok {
				return "want car present, as null"
			}
			return ""
		}},
		{Fault{Kind: FaultSlow, Delay: 50 * time.Millisecond}, func(code int, body []byte, err error) string {
			if err != nil || code != 200 || !json.Valid(body) {
				return "want the normal answer, late"
			}
			return ""
		}},
	}
	for _, tc := range cases {
		for _, count := range []int{1, 2} {
			f := tc.fault
			f.Path, f.Count = "status", count
			p.SetFault(f)
			for i := range count {
				code, body, err := c.get("/api/status?filter=car,amp")
				if msg := tc.check(code, body, err); msg != "" {
					t.Fatalf("%s request %d of %d: got %d %q %v: %s", f.Kind, i+1, count, code, body, err, msg)
				}
			}
			if code, _, err := c.get("/api/status?filter=car,amp"); err != nil || code != 200 {
				t.Fatalf("after %d %s faults: %d %v, want a normal answer", count, f.Kind, code, err)
			}
		}
	}
	var faults []string
	for _, r := range p.Requests() {
		faults = append(faults, r.Fault)
	}
	if got := strings.Count(strings.Join(faults, ","), "http500"); got != 3 {
		t.Fatalf("request log shows %d http500 faults, want 3: %v", got, faults)
	}
}

func TestHangLastsUntilClearFaults(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 300*time.Millisecond)
	p.SetFault(Fault{Kind: FaultHang, Path: "status"})
	for range 2 {
		if _, _, err := c.get("/api/status"); err == nil {
			t.Fatal("a hanging status request was answered")
		}
	}
	if code, ans := c.set("amp", "8"); code != 200 || ans["amp"] != true {
		t.Fatalf("a set while status hangs answered %d %v, want it served", code, ans)
	}
	p.ClearFaults()
	if code, _, err := c.get("/api/status"); err != nil || code != 200 {
		t.Fatalf("after ClearFaults: %d %v", code, err)
	}
}

func TestRefuseSetLeavesTheStateAlone(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	p.SetFault(Fault{Kind: FaultRefuseSet, Path: "set", Key: "frc", Count: 1})
	code, ans := c.set("frc", "1", "amp", "8")
	if msg, _ := ans["frc"].(string); code != 500 || msg == "" || ans["amp"] != true {
		t.Fatalf("refused frc answered %d %v, want 500, frc an error string, amp true", code, ans)
	}
	if st := p.State(); st.Frc != 0 || st.Amp != 8 {
		t.Fatalf("frc %d amp %d, want frc unchanged and amp applied", st.Frc, st.Amp)
	}
	if code, ans := c.set("frc", "1"); code != 200 || ans["frc"] != true {
		t.Fatalf("the next frc answered %d %v, want accepted", code, ans)
	}
	// The set fault does not touch status requests.
	p.SetFault(Fault{Kind: FaultHTTP500, Path: "set"})
	if code, _, err := c.get("/api/status?filter=frc"); err != nil || code != 200 {
		t.Fatalf("status with a set fault queued: %d %v", code, err)
	}
}

func TestBadFaultsFailClearly(t *testing.T) {
	for _, f := range []Fault{{Kind: "bogus"}, {Kind: FaultMissingKey}, {Kind: FaultHang, Path: "/api/status"}, {Kind: FaultSlow, Delay: -1}} {
		if err := f.check(); err == nil {
			t.Errorf("fault %+v accepted", f)
		}
	}
}

func TestRequestsAreLoggedInOrder(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	c.get("/api/status?filter=car")
	c.set("amp", "12")
	got := p.Requests()
	if len(got) != 2 || got[0].Path != "/api/status" || got[0].Query != "filter=car" || got[1].Query != "amp=12" {
		t.Fatalf("requests %+v", got)
	}
	if st := p.State(); st.StatusRequests != 1 || st.SetRequests != 1 {
		t.Fatalf("counts status %d set %d, want 1 and 1", st.StatusRequests, st.SetRequests)
	}
}

// TestKeepAliveClientRetriesOnce shows what doc.go warns of: on a reused
// connection Go's transport retries a GET that got no answer, so it takes
// two reset faults to fail it.
func TestKeepAliveClientRetriesOnce(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	for _, count := range []int{1, 2} {
		c.get("/api/status?filter=car") // leaves an idle connection to reuse
		p.SetFault(Fault{Kind: FaultReset, Path: "status", Count: count})
		_, _, err := c.get("/api/status?filter=car")
		if (err != nil) != (count == 2) {
			t.Fatalf("%d resets: error %v, want one only for 2", count, err)
		}
	}
}
