package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// floodStations is how many stations the CSMS floods at once.
const floodStations = 10

// TestSetVariablesFloodCoalesces: an ocpp-go CSMS sends SetVariables to
// every station back to back, each as soon as the last was answered, for
// OCPPGW_FLOOD_SECONDS (5 by default; 60 is the flood), to gwd
// with --store-quota 64MiB. Every request is answered, and each station
// answers only once what it set is stored; but the answers share the
// station's status writes, at most one a second, so the store's revision
// grows by stations × seconds, not by one a request, and state.db stays
// small. The last value each station accepted is the stored one, and gwd
// stays healthy. The rate, revisions and file size are printed.
func TestSetVariablesFloodCoalesces(t *testing.T) {
	seconds := crashEnvInt(t, "OCPPGW_FLOOD_SECONDS", 5)
	cs := gocsms.New(t, gocsms.Options{})
	g, err := runGwsim(t, fmt.Sprintf("keba-p30:%d", floodStations), fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, floodStations)
	if err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--log-level", "info", "--store-quota", "64MiB")
	applyScaleSite(t, d, cs, g.devices)
	c := d.client(t)
	db := filepath.Join(d.dataDir, storeFile)
	revBefore, sizeBefore := floodRevision(t, c), fileSizeOf(t, db)

	began := time.Now()
	res := floodSetVariables(cs, time.Duration(seconds)*time.Second)
	elapsed := time.Since(began)
	revAfter, sizeAfter := floodRevision(t, c), fileSizeOf(t, db)
	writes := revAfter - revBefore
	t.Logf("%d stations, %v of SetVariables back to back: %d requests (%.0f/s), %d accepted, %d refused",
		floodStations, elapsed.Round(time.Millisecond), res.requests.Load(), float64(res.requests.Load())/elapsed.Seconds(),
		res.accepted.Load(), res.refused.Load())
	t.Logf("store: %d revisions written (%.2f a request), state.db %d bytes before, %d after (quota 64 MiB)",
		writes, float64(writes)/float64(max(res.requests.Load(), 1)), sizeBefore, sizeAfter)

	for _, e := range res.silent() {
		t.Errorf("a SetVariables got no answer: %s", e)
	}
	if res.accepted.Load() == 0 {
		t.Fatalf("no SetVariables was accepted; refusals: %d", res.refused.Load())
	}
	// One status write per station per second, with room for the first
	// write of each second and for whatever else gwd stored meanwhile.
	if limit := int64(2 * floodStations * (int(elapsed.Seconds()) + 2)); writes > limit {
		t.Errorf("%d revisions for %d requests from %d stations in %v, want at most %d: the writes did not coalesce",
			writes, res.requests.Load(), floodStations, elapsed.Round(time.Millisecond), limit)
	}
	if sizeAfter > 64<<20+16<<20 {
		t.Errorf("state.db grew to %d bytes under a 64 MiB quota", sizeAfter)
	}
	floodStoredLast(t, c, res)
	floodHealthy(t, d, c)
	d.stop(t)
}

// TestSetVariablesPastQuotaIsRefused: with the store past --store-quota, a
// station cannot store what the CSMS sets, so it answers SetVariables with
// a CALLERROR, never Accepted, and gwd stays healthy.
func TestSetVariablesPastQuotaIsRefused(t *testing.T) {
	cs := gocsms.New(t, gocsms.Options{})
	g, err := runGwsim(t, "keba-p30:1", fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--log-level", "info", "--store-quota", "2MiB")
	applyScaleSite(t, d, cs, g.devices)
	c := d.client(t)
	pad := strings.Repeat("f", 256<<10)
	for i := 0; err == nil && i < 200; i++ {
		obj := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Secret", Metadata: v1alpha1.ObjectMeta{Name: fmt.Sprintf("fill-%03d", i)},
			Spec: json.RawMessage(`{"data":{"pad":"` + pad + `"}}`)}
		_, err = c.Create(context.Background(), obj)
	}
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status.Code != http.StatusInsufficientStorage {
		t.Fatalf("filling the store: %v, want a 507 past the quota", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.SetVariables(ctx, "SCALE-1", provisioning.SetVariableData{AttributeValue: "86400",
		Component: types.Component{Name: "OCPPCommCtrlr"}, Variable: types.Variable{Name: "OfflineThreshold"}})
	var callErr *ocpp.Error
	if !errors.As(err, &callErr) {
		t.Errorf("SetVariables past the quota: %+v, %v; want a CALLERROR, as nothing can be stored", res, err)
	}
	t.Logf("SetVariables past the quota: %v", err)
	// What was refused is not shown as set either.
	got, err := cs.GetVariables(ctx, "SCALE-1", provisioning.GetVariableData{
		Component: types.Component{Name: "OCPPCommCtrlr"}, Variable: types.Variable{Name: "OfflineThreshold"}})
	if err != nil || len(got.GetVariableResult) != 1 || got.GetVariableResult[0].AttributeValue == "86400" {
		t.Errorf("GetVariables after the refused SetVariables: %+v %v; the refused value must not show", got, err)
	}
	floodHealthy(t, d, c)
	d.stop(t)
}

// floodResult counts the answers of a flood and keeps, per station, the
// last value it accepted.
type floodResult struct {
	requests, accepted, refused atomic.Int64
	mu                          sync.Mutex
	failures                    []string
	last                        map[string]string
}

func (r *floodResult) silent() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures
}

// floodSetVariables has the CSMS set OCPPCommCtrlr.OfflineThreshold on
// every station, a new value each time so that each request changes what
// the station must store, until d has passed.
func floodSetVariables(cs *gocsms.CSMS, d time.Duration) *floodResult {
	r := &floodResult{last: map[string]string{}}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range floodStations {
		station := fmt.Sprintf("SCALE-%d", i+1)
		wg.Go(func() {
			for n := 0; time.Now().Before(deadline); n++ {
				value := strconv.Itoa(100 + n%10000)
				r.setOne(cs, station, value)
			}
		})
	}
	wg.Wait()
	return r
}

// setOne sends one SetVariables and sorts its answer: accepted, refused
// clearly (a CALLERROR or a Rejected status), or silence (no answer, a
// broken link), which is a failure.
func (r *floodResult) setOne(cs *gocsms.CSMS, station, value string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r.requests.Add(1)
	res, err := cs.SetVariables(ctx, station, provisioning.SetVariableData{AttributeValue: value,
		Component: types.Component{Name: "OCPPCommCtrlr"}, Variable: types.Variable{Name: "OfflineThreshold"}})
	var callErr *ocpp.Error
	switch {
	case errors.As(err, &callErr):
		r.refused.Add(1)
	case err != nil:
		r.mu.Lock()
		r.failures = append(r.failures, fmt.Sprintf("%s %s: %v", station, value, err))
		r.mu.Unlock()
	case len(res.SetVariableResult) == 1 && res.SetVariableResult[0].AttributeStatus == provisioning.SetVariableStatusAccepted:
		r.accepted.Add(1)
		r.mu.Lock()
		r.last[station] = value
		r.mu.Unlock()
	default:
		r.refused.Add(1)
	}
}

// floodStoredLast checks that the value each station accepted last is the
// one in its stored status: it answered only once that was stored.
func floodStoredLast(t *testing.T, c *client.Client, r *floodResult) {
	t.Helper()
	list, err := c.List(context.Background(), "Charger", "")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]string{}
	for _, o := range list.Items {
		var spec v1alpha1.ChargerSpec
		var status v1alpha1.ChargerStatus
		if json.Unmarshal(o.Spec, &spec) != nil || json.Unmarshal(o.Status, &status) != nil || spec.OCPP == nil || status.OCPP == nil {
			continue
		}
		for _, v := range status.OCPP.Variables {
			if v.Component == "OCPPCommCtrlr" && v.Variable == "OfflineThreshold" {
				stored[spec.OCPP.StationID] = string(v.Value)
			}
		}
	}
	for station, want := range r.last {
		if stored[station] != want {
			t.Errorf("%s accepted OfflineThreshold %s last, but its stored status has %q", station, want, stored[station])
		}
	}
}

// floodHealthy checks that gwd still runs and answers /healthz.
func floodHealthy(t *testing.T, d *daemon, c *client.Client) {
	t.Helper()
	select {
	case <-d.exited:
		t.Fatalf("gwd exited:\n%s", d.logs)
	default:
	}
	cfg, err := client.LoadConfig(filepath.Join(d.dataDir, "gwctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d.httpClient(t).Get(cfg.Server + "/healthz")
	if err != nil {
		t.Fatalf("/healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if _, err := c.Version(context.Background()); err != nil {
		t.Errorf("API: %v", err)
	}
}

// floodRevision is gwd's store revision, as a list reports it.
func floodRevision(t *testing.T, c *client.Client) int64 {
	t.Helper()
	list, err := c.List(context.Background(), "Charger", "")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := strconv.ParseInt(list.Metadata.ResourceVersion, 10, 64)
	if err != nil {
		t.Fatalf("list revision %q: %v", list.Metadata.ResourceVersion, err)
	}
	return rev
}
