package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// goeGet GETs path from g and decodes the JSON object it answers.
func goeGet(t *testing.T, cl *http.Client, g *GoE, path string) (int, map[string]any) {
	t.Helper()
	resp, err := cl.Get("http://" + g.Addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %d %q: %v", path, resp.StatusCode, b, err)
	}
	return resp.StatusCode, m
}

func startGoE(t *testing.T) (*GoE, *Charger, *http.Client) {
	t.Helper()
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 3, EV: EV{CapacityWh: 60000, MaxCurrentA: 32, InitialSoC: 20}}, t0)
	g, err := ServeGoE("127.0.0.1:0", c, "000001")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(func() { tr.CloseIdleConnections(); g.Close() })
	return g, c, &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func TestGoEStatusFollowsTheCharger(t *testing.T) {
	g, c, cl := startGoE(t)
	if code, st := goeGet(t, cl, g, "/api/status?filter=car,alw,sse"); code != 200 || st["car"] != 1.0 || st["alw"] != true || st["sse"] != "000001" {
		t.Fatalf("idle: %d %v", code, st)
	}
	c.Plug(true)
	c.Step(t0.Add(time.Hour)) // the power found at a step counts for the whole step
	_, st := goeGet(t, cl, g, "/api/status")
	nrg, _ := st["nrg"].([]any)
	if st["car"] != 2.0 || len(nrg) != 16 || nrg[4] != 32.0 || nrg[11] != 3*230*32.0 {
		t.Fatalf("charging at 32 A: car %v nrg %v", st["car"], st["nrg"])
	}
	if wh := st["wh"].(float64); wh != 3*230*32 || st["eto"] != wh {
		t.Fatalf("an hour at 22080 W: wh %v eto %v", st["wh"], st["eto"])
	}
	if code, st := goeGet(t, cl, g, "/api/status?filter=car,nosuchkey"); code != 400 || len(st) != 1 {
		t.Fatalf("unknown filter key: %d %v, want 400 with car only", code, st)
	}
}

func TestGoESetAnswersPerKey(t *testing.T) {
	g, c, cl := startGoE(t)
	c.Plug(true)
	code, ans := goeGet(t, cl, g, "/api/set?amp=10&frc=1&alw=true&psm=1&nosuchkey=1")
	var refused []string
	for k, v := range ans {
		if v != true {
			refused = append(refused, k)
		}
	}
	slices.Sort(refused)
	if code != 500 || ans["amp"] != true || ans["frc"] != true || !slices.Equal(refused, []string{"alw", "nosuchkey", "psm"}) {
		t.Fatalf("answered %d %v", code, ans)
	}
	if msg := ans["alw"].(string); !strings.Contains(msg, "without setter") {
		t.Errorf("alw: %q", msg)
	}
	c.Step(t0.Add(time.Second))
	if s := c.Snapshot(); s.SetpointA != 10 || !s.Paused || s.Charging {
		t.Fatalf("amp 10 and frc 1 not applied: %+v", s)
	}
	if _, st := goeGet(t, cl, g, "/api/status?filter=car,alw,frc,amp"); st["car"] != 3.0 || st["alw"] != false || st["amp"] != 10.0 {
		t.Fatalf("paused before any energy: %v, want car 3 (WaitCar)", st)
	}
	for _, bad := range []string{"5", "33", "10.5", "%2216%22", "true"} {
		if code, ans := goeGet(t, cl, g, "/api/set?amp="+bad); code != 500 || ans["amp"] == true {
			t.Errorf("amp=%s answered %d %v, want refused", bad, code, ans)
		}
	}
	if code, ans := goeGet(t, cl, g, "/api/set?frc=2&psm=2"); code != 200 || ans["frc"] != true || ans["psm"] != true {
		t.Fatalf("frc=2&psm=2: %d %v", code, ans)
	}
	if _, st := goeGet(t, cl, g, "/api/status?filter=psm,frc"); st["psm"] != 2.0 || st["frc"] != 2.0 {
		t.Fatalf("accepted values not read back: %v", st)
	}
	c.Step(t0.Add(2 * time.Second))
	if s := c.Snapshot(); s.Paused || !s.Charging {
		t.Fatalf("frc 2 did not resume: %+v", s)
	}
}

func TestGoEFaults(t *testing.T) {
	g, c, cl := startGoE(t)
	c.SetFault(FaultException)
	resp, err := cl.Get("http://" + g.Addr + "/api/status")
	if err != nil || resp.StatusCode != 500 {
		t.Fatalf("busy: %v %v", resp, err)
	}
	resp.Body.Close()
	c.SetFault(FaultCharger)
	if _, st := goeGet(t, cl, g, "/api/status?filter=car,err,alw"); st["car"] != 5.0 || st["err"] == 0.0 || st["alw"] != false {
		t.Fatalf("charger fault: %v", st)
	}
	c.SetFault(FaultSilent)
	short := &http.Client{Transport: cl.Transport, Timeout: 200 * time.Millisecond}
	if resp, err := short.Get("http://" + g.Addr + "/api/status"); err == nil {
		resp.Body.Close()
		t.Fatal("a silent device answered")
	}
	c.SetFault(FaultNone)
	if code, _ := goeGet(t, cl, g, "/api/status?filter=car"); code != 200 {
		t.Fatalf("after the fault: %d", code)
	}
}
