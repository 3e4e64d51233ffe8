package goepeer

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// client talks to a peer with a transport of its own, closed at the end
// so no keep-alive goroutine outlives the test.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, p *Peer, timeout time.Duration) *client {
	return newClientTransport(t, p, timeout, &http.Transport{})
}

// newFreshClient opens a connection per request: Go's transport retries an
// idempotent request once when a reused connection fails before answering,
// which would hide a reset or close fault from the test.
func newFreshClient(t *testing.T, p *Peer, timeout time.Duration) *client {
	return newClientTransport(t, p, timeout, &http.Transport{DisableKeepAlives: true})
}

func newClientTransport(t *testing.T, p *Peer, timeout time.Duration, tr *http.Transport) *client {
	t.Cleanup(tr.CloseIdleConnections)
	return &client{t: t, base: p.URL(), http: &http.Client{Transport: tr, Timeout: timeout}}
}

// get returns the status code and body of GET base+path, or the error.
func (c *client) get(path string) (int, []byte, error) {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// object GETs path and decodes the JSON object it answers.
func (c *client) object(path string) (int, map[string]any) {
	c.t.Helper()
	code, b, err := c.get(path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("GET %s: %d %q is not a JSON object: %v", path, code, b, err)
	}
	return code, m
}

// set sends one /api/set with the given raw (JSON) values.
func (c *client) set(kv ...string) (int, map[string]any) {
	c.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Add(kv[i], kv[i+1])
	}
	return c.object("/api/set?" + q.Encode())
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func TestStatusServesTheDocumentedKeysWithJSONTypes(t *testing.T) {
	p := Start(t, Options{Serial: "000042", Firmware: "59.4", EnergyTotalWh: 1234})
	c := newClient(t, p, 10*time.Second)
	code, st := c.object("/api/status")
	if code != 200 {
		t.Fatalf("status answered %d", code)
	}
	for key, want := range map[string]any{"car": 1.0, "amp": 16.0, "alw": true, "frc": 0.0, "psm": 0.0,
		"err": 0.0, "wh": 0.0, "eto": 1234.0, "fwv": "59.4", "sse": "000042"} {
		if st[key] != want {
			t.Errorf("%s = %#v, want %#v", key, st[key], want)
		}
	}
	nrg, ok := st["nrg"].([]any)
	if !ok || len(nrg) != 16 {
		t.Fatalf("nrg = %#v, want 16 numbers", st["nrg"])
	}
	if nrg[0] != 230.0 || nrg[4] != 0.0 || nrg[11] != 0.0 {
		t.Errorf("nrg idle = %v, want U1 230 V, I1 0 A, P total 0 W", nrg)
	}
}

func TestStatusFilterReturnsOnlyTheNamedKeys(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	code, st := c.object("/api/status?filter=car,amp,nrg")
	if code != 200 || !slices.Equal(keys(st), []string{"amp", "car", "nrg"}) {
		t.Fatalf("filter=car,amp,nrg answered %d with keys %v", code, keys(st))
	}
	// A key the device lacks: 400, the keys it has still sent.
	code, st = c.object("/api/status?filter=car,nosuchkey")
	if code != 400 || !slices.Equal(keys(st), []string{"car"}) {
		t.Fatalf("filter=car,nosuchkey answered %d with keys %v, want 400 with [car]", code, keys(st))
	}
	if code, _, err := c.get("/status"); err != nil || code != 404 {
		t.Fatalf("GET /status answered %d (%v), want 404", code, err)
	}
}

func TestSetAmpWithinRangeIsAppliedOutsideRefused(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	if code, ans := c.set("amp", "10"); code != 200 || ans["amp"] != true {
		t.Fatalf("amp=10 answered %d %v", code, ans)
	}
	for _, bad := range []string{"5", "33", "10.5", `"12"`, "true", "twelve"} {
		code, ans := c.set("amp", bad)
		msg, _ := ans["amp"].(string)
		if code != 500 || !strings.HasPrefix(msg, "amp: ") {
			t.Errorf("amp=%s answered %d %v, want 500 with an error string for amp", bad, code, ans)
		}
	}
	if a := p.State().Amp; a != 10 {
		t.Fatalf("amp = %d after refused sets, want 10", a)
	}
	// ama bounds amp: lowering it refuses what was fine before.
	if code, ans := c.set("ama", "16"); code != 200 || ans["ama"] != true {
		t.Fatalf("ama=16 answered %d %v", code, ans)
	}
	if code, ans := c.set("amp", "20"); code != 500 || ans["amp"] == true {
		t.Fatalf("amp=20 with ama 16 answered %d %v, want refused", code, ans)
	}
}

func TestSetAnswersEveryKeyAndRefusesKeysWithoutSetter(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	code, ans := c.set("frc", "1", "alw", "true", "nosuchkey", "1", "psm", "1")
	if code != 500 || !slices.Equal(keys(ans), []string{"alw", "frc", "nosuchkey", "psm"}) {
		t.Fatalf("answered %d %v, want 500 with every key", code, ans)
	}
	if ans["frc"] != true || ans["psm"] != true {
		t.Errorf("valid keys not accepted: %v", ans)
	}
	if msg, _ := ans["alw"].(string); !strings.Contains(msg, "without setter") {
		t.Errorf("alw answered %#v, want the no-setter error", ans["alw"])
	}
	if _, ok := ans["nosuchkey"].(string); !ok {
		t.Errorf("unknown key answered %#v, want an error string", ans["nosuchkey"])
	}
	if st := p.State(); st.Frc != 1 || st.Psm != 1 {
		t.Fatalf("state frc %d psm %d, want the accepted keys applied", st.Frc, st.Psm)
	}
	for _, ro := range []string{"car", "nrg", "wh", "eto", "err", "fwv", "sse"} {
		if code, ans := c.set(ro, "1"); code != 500 || ans[ro] == true {
			t.Errorf("read-only %s answered %d %v", ro, code, ans)
		}
	}
}

func TestFrcDrivesTheCarState(t *testing.T) {
	p := Start(t, Options{})
	c := newClient(t, p, 10*time.Second)
	if st := p.Plug(); st.Car != 2 || !st.Alw || st.Power != 3*230*16 {
		t.Fatalf("plugged: car %d alw %v power %v, want charging at 11040 W", st.Car, st.Alw, st.Power)
	}
	steps := []struct {
		frc      string
		car      int
		alw      bool
		advanced bool
	}{
		{"1", 3, false, false}, // Off before any energy: WaitCar
		{"2", 2, true, true},   // On: Charging, then an hour of it
		{"1", 4, false, false}, // Off after energy flowed: Complete
		{"0", 2, true, false},  // Neutral: the charger's logic allows it
	}
	for _, s := range steps {
		if code, ans := c.set("frc", s.frc); code != 200 || ans["frc"] != true {
			t.Fatalf("frc=%s answered %d %v", s.frc, code, ans)
		}
		_, st := c.object("/api/status?filter=car,alw,frc")
		if st["car"] != float64(s.car) || st["alw"] != s.alw {
			t.Fatalf("after frc=%s: %v, want car %d alw %v", s.frc, st, s.car, s.alw)
		}
		if s.advanced {
			p.Advance(time.Hour)
		}
	}
	if st := p.SetError(1); st.Car != 5 || st.Alw {
		t.Fatalf("err 1: car %d alw %v, want 5 and false", st.Car, st.Alw)
	}
	p.SetError(0)
	if st := p.Unplug(); st.Car != 1 {
		t.Fatalf("unplugged: car %d, want 1", st.Car)
	}
}

func TestEnergyGrowsOnlyWhileCharging(t *testing.T) {
	p := Start(t, Options{EnergyTotalWh: 1000})
	c := newClient(t, p, 10*time.Second)
	if st := p.Advance(time.Hour); st.Wh != 0 || st.Eto != 1000 {
		t.Fatalf("no car, an hour: wh %v eto %d, want unchanged", st.Wh, st.Eto)
	}
	p.Plug()
	c.set("amp", "10", "psm", "1") // one phase at 10 A: 2300 W
	st := p.Advance(30 * time.Minute)
	if st.Wh != 1150 || st.Eto != 2150 || st.Nrg[4] != 10 || st.Nrg[5] != 0 || st.Nrg[11] != 2300 {
		t.Fatalf("half an hour at 2300 W: wh %v eto %d nrg %v", st.Wh, st.Eto, st.Nrg)
	}
	p.SetFull(true)
	if st := p.Advance(time.Hour); st.Car != 4 || st.Wh != 1150 {
		t.Fatalf("full car: car %d wh %v, want Complete and no more energy", st.Car, st.Wh)
	}
	p.Unplug()
	if st := p.Plug(); st.Wh != 0 || st.Eto != 2150 {
		t.Fatalf("plugged again: wh %v eto %d, want wh from 0 and eto kept", st.Wh, st.Eto)
	}
}

func TestWhPerStatusAddsEnergyPerPollWhileCharging(t *testing.T) {
	p := Start(t, Options{WhPerStatus: 2.5})
	c := newClient(t, p, 10*time.Second)
	c.object("/api/status?filter=wh") // no car: nothing added
	p.Plug()
	for want := 2.5; want <= 7.5; want += 2.5 {
		if _, st := c.object("/api/status?filter=wh,eto"); st["wh"] != want || st["eto"] != float64(int(want)) {
			t.Fatalf("wh %v eto %v, want %v and its whole part", st["wh"], st["eto"], want)
		}
	}
	c.set("frc", "1")
	if _, st := c.object("/api/status?filter=wh"); st["wh"] != 7.5 {
		t.Fatalf("frc Off: wh %v, want 7.5 kept", st["wh"])
	}
	if h := p.Host(); "http://"+h != p.URL() {
		t.Fatalf("Host %q does not match URL %q", h, p.URL())
	}
}

// verdict records how needPython ended a test: Skipf and Fatalf stop the
// calling goroutine, as the real ones do.
type verdict struct {
	testing.TB
	how string
}

func (v *verdict) Helper() {}

func (v *verdict) Skipf(format string, args ...any) {
	v.how = "skip: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (v *verdict) Fatalf(format string, args ...any) {
	v.how = "fail: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func judge(t *testing.T, python string) string {
	v := &verdict{TB: t}
	done := make(chan struct{})
	go func() { defer close(done); needPython(v, python) }()
	<-done
	return v.how
}

func TestMissingPythonSkipsButFailsInCI(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "python3")
	t.Setenv("CI", "")
	if got := judge(t, missing); !strings.HasPrefix(got, "skip: ") || !strings.Contains(got, InstallHint) {
		t.Fatalf("without CI: %q, want a skip with the install hint", got)
	}
	t.Setenv("CI", "true")
	if got := judge(t, missing); !strings.HasPrefix(got, "fail: ") || !strings.Contains(got, InstallHint) {
		t.Fatalf("with CI: %q, want a failure with the install hint", got)
	}
	if got := judge(t, os.Args[0]); got != "" {
		t.Fatalf("an existing interpreter: %q, want nothing", got)
	}
}
