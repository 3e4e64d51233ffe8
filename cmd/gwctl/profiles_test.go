package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// operatorLimit is a site limit over the site=lab chargers, as an operator
// writes it.
const operatorLimit = `apiVersion: ocppgw.dev/v1alpha1
kind: ChargingProfile
metadata:
  name: lab-main
spec:
  chargers:
    selector: site=lab
  id: 1
  stackLevel: 0
  limit:
    value: 63
    unit: A
`

// eveningLimit is a daily site limit naming one charger besides a selector
// that matches nothing.
const eveningLimit = `apiVersion: ocppgw.dev/v1alpha1
kind: ChargingProfile
metadata:
  name: lab-evening
spec:
  chargers:
    names: [ch-2]
    selector: site=nowhere
  id: 2
  stackLevel: 0
  validFrom: "2025-01-01T00:00:00Z"
  chargingProfileKind: Recurring
  recurrencyKind: Daily
  chargingSchedule:
  - id: 1
    startSchedule: "2025-01-01T00:00:00Z"
    chargingRateUnit: A
    chargingSchedulePeriod:
    - {startPeriod: 0, limit: 63}
    - {startPeriod: 61200, limit: 20}
    - {startPeriod: 75600, limit: 63}
`

// storeProfile writes a profile as the gateway does (the station for a
// csms one, the site-limit controller for a share): labelled with its
// charger and source.
func (e *testEnv) storeProfile(name string, spec v1alpha1.ChargingProfileSpec) *v1alpha1.Object {
	e.t.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		e.t.Fatal(err)
	}
	labels := map[string]string{v1alpha1.ChargerLabel: spec.ChargerRef, v1alpha1.ProfileSourceLabel: spec.Source}
	if spec.SiteRef != "" {
		labels[v1alpha1.SiteLimitLabel] = spec.SiteRef
	}
	obj, err := e.store.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "ChargingProfile",
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: labels}, Spec: raw})
	if err != nil {
		e.t.Fatalf("create profile %s: %v", name, err)
	}
	return obj
}

func siteShare(charger string, amps float64) v1alpha1.ChargingProfileSpec {
	return v1alpha1.ChargingProfileSpec{Source: v1alpha1.ProfileSourceSite, ChargerRef: charger, SiteRef: "lab-main",
		ID: 1000, ChargingProfilePurpose: "ChargingStationExternalConstraints", Limit: &v1alpha1.ConstantLimit{Value: amps, Unit: "A"}}
}

// csmsProfile is a TxDefaultProfile of 2 periods in A on EVSE 1.
func csmsProfile(charger string) v1alpha1.ChargingProfileSpec {
	return v1alpha1.ChargingProfileSpec{Source: v1alpha1.ProfileSourceCSMS, ChargerRef: charger, EVSEID: 1, ID: 7, StackLevel: 1,
		ChargingProfilePurpose: "TxDefaultProfile", ChargingProfileKind: "Absolute",
		ChargingSchedule: []v1alpha1.ChargingSchedule{{ID: 1, StartSchedule: "2025-06-01T00:00:00Z", ChargingRateUnit: "A",
			ChargingSchedulePeriod: []v1alpha1.ChargingSchedulePeriod{{StartPeriod: 0, Limit: 24}, {StartPeriod: 3600, Limit: 12}}}}}
}

// labProfiles applies the lab site and one profile of each source.
func (e *testEnv) labProfiles() {
	e.mustRun("apply", "-f", siteDir)
	e.runStdin(operatorLimit+"---\n"+eveningLimit, "apply", "-f", "-")
	e.storeProfile("ch-1-csms-7", csmsProfile("ch-1"))
	e.storeProfile("lab-main-ch-1", siteShare("ch-1", 31.5))
	e.storeProfile("lab-main-ch-2", siteShare("ch-2", 31.5))
}

func TestGetChargingProfiles(t *testing.T) {
	e := newTestEnv(t)
	e.labProfiles()
	out := e.mustRun("get", "chargingprofiles")
	for _, re := range []string{
		`NAME\s+SOURCE\s+CHARGER\s+EVSE\s+PURPOSE\s+STACK\s+LIMIT\s+AGE`,
		`ch-1-csms-7\s+csms\s+ch-1\s+1\s+TxDefault\s+1\s+24A\s+\S+`,
		// The selector matches both lab chargers; the server was asked.
		`lab-main\s+operator\s+2 by selector site=lab\s+0\s+External\s+0\s+63A\s+\S+`,
		`lab-evening\s+operator\s+1 by selector site=nowhere \+ ch-2\s+0\s+External\s+0\s+63A\s+\S+`,
		`lab-main-ch-1\s+site\s+ch-1\s+0\s+External\s+0\s+31\.5A\s+\S+`,
	} {
		if !hasLine(out, re) {
			t.Errorf("get chargingprofiles lacks a line matching %q:\n%s", re, out)
		}
	}
	out = e.mustRun("get", "cp", "-o", "wide", "-l", v1alpha1.ProfileSourceLabel+"=site")
	if !hasLine(out, `NAME\s+.*\s+LIMIT\s+AGE\s+SITE\s+VALID-FROM\s+VALID-TO`) ||
		!hasLine(out, `lab-main-ch-2\s+site\s+ch-2\s+.*\s+31\.5A\s+\S+\s+lab-main\s+-\s+-`) || strings.Count(out, "\n") != 3 {
		t.Errorf("get cp -o wide -l source=site:\n%s", out)
	}
	out = e.mustRun("get", "cp", "lab-evening", "-o", "wide")
	if !hasLine(out, `lab-evening\s+.*\s+-\s+2025-01-01T00:00:00Z\s+-`) {
		t.Errorf("get cp -o wide lacks validFrom:\n%s", out)
	}
}

// TestGetChargingProfilesWatch: a site share the gateway rewrites shows up
// as a MODIFIED row with the new limit, a new CSMS profile as ADDED.
func TestGetChargingProfilesWatch(t *testing.T) {
	e := newTestEnv(t)
	e.labProfiles()
	out, stop := e.watchRun("get", "cp", "-w", "--output-watch-events")
	testutil.Eventually(t, 10*time.Second, "the initial profiles", testutil.Holds(func() bool {
		return hasLine(out.String(), `ADDED\s+lab-main-ch-2\s+site\s+ch-2\s+0\s+External\s+0\s+31\.5A\s+\S+`)
	}))
	obj, err := e.store.Get("ChargingProfile", "lab-main-ch-2")
	if err != nil {
		t.Fatal(err)
	}
	obj.Spec, _ = json.Marshal(siteShare("ch-2", 6))
	if _, err := e.store.Update(obj); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, "the new share", testutil.Holds(func() bool {
		return hasLine(out.String(), `MODIFIED\s+lab-main-ch-2\s+site\s+ch-2\s+0\s+External\s+0\s+6A\s+\S+`)
	}))
	e.storeProfile("ch-2-csms-7", csmsProfile("ch-2"))
	testutil.Eventually(t, 10*time.Second, "the CSMS profile", testutil.Holds(func() bool {
		return hasLine(out.String(), `ADDED\s+ch-2-csms-7\s+csms\s+ch-2\s+1\s+TxDefault\s+1\s+24A\s+\S+`)
	}))
	stopWatch(t, stop, out, "EVENT")
}

// chargerLimits stores what the station writes: ch-1 EVSE 1 held to its
// site share with a lower CSMS limit due, EVSE 2 at the charger's maximum.
func (e *testEnv) chargerLimits(now time.Time) {
	e.t.Helper()
	obj, err := e.store.Get("Charger", "ch-1")
	if err != nil {
		e.t.Fatal(err)
	}
	next := now.Add(2*time.Hour + 30*time.Second).UTC()
	st := v1alpha1.ChargerStatus{OCPP: &v1alpha1.ChargerOCPPStatus{State: "Registered", Limits: []v1alpha1.EVSELimit{
		{EVSEID: 1, LimitA: 16, Source: v1alpha1.LimitSourceSite, CSMSLimitA: ptr(24.0), SiteShareA: ptr(16.0),
			WrittenA: ptr(16.0), WrittenAt: now.Add(-3 * time.Minute).UTC().Format(time.RFC3339),
			NextChange: next.Format(time.RFC3339), NextLimitA: ptr(12.0)},
		{EVSEID: 2, LimitA: 20, Source: v1alpha1.LimitSourceCharger},
	}}}
	obj.Status, _ = json.Marshal(st)
	if _, err := e.store.UpdateStatus(obj); err != nil {
		e.t.Fatal(err)
	}
}

func TestGetChargersWideShowsLimits(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	now := time.Now()
	e.chargerLimits(now)
	out := e.mustRun("get", "chargers", "-o", "wide")
	next := `12A at ` + clockTime(now.Add(2*time.Hour+30*time.Second), now)
	for _, re := range []string{`NAME\s+.*\s+ENERGY\s+LIMIT\s+SOURCE\s+NEXT`,
		`ch-1\s+.*\s+16A,20A\s+Site,Charger\s+` + next + `,-`, `ch-2\s+.*\s+-\s+-\s+-`} {
		if !hasLine(out, re) {
			t.Errorf("get chargers -o wide lacks a line matching %q:\n%s", re, out)
		}
	}
}

func TestDescribeChargerLimits(t *testing.T) {
	e := newTestEnv(t)
	e.labProfiles()
	now := time.Now()
	e.chargerLimits(now)
	out := e.mustRun("describe", "charger", "ch-1")
	for _, re := range []string{
		`Charging Limits:`, `  EVSE 1:`,
		`    Limit:\s+16A \(from Site\)`, `    CSMS Composite:\s+24A`, `    Site Share:\s+16A`,
		`    Charger Maximum:\s+32A \(spec.electrical.maxCurrentA\)`,
		`    Written:\s+16A at \S+Z \((2m59s|3m|3m1s) ago\)`,
		`    Next Change:\s+12A at \S+Z \(in (120|121)m\)`,
		`  EVSE 2:`, `    Limit:\s+20A \(from Charger\)`, `    CSMS Composite:\s+none \(no CSMS profile applies\)`,
		`    Written:\s+not yet taken by the device`, `    Next Change:\s+none scheduled`,
		`Charging Profiles:`, `  NAME\s+SOURCE\s+EVSE\s+PURPOSE\s+STACK\s+LIMIT\s+SITE`,
		`  ch-1-csms-7\s+csms\s+1\s+TxDefault\s+1\s+24A\s+-`, `  lab-main-ch-1\s+site\s+0\s+External\s+0\s+31\.5A\s+lab-main`,
	} {
		if !hasLine(out, re) {
			t.Errorf("describe charger lacks a line matching %q:\n%s", re, out)
		}
	}
	if strings.Contains(out, "lab-main-ch-2") || strings.Contains(out, "limits:") {
		t.Errorf("describe ch-1 shows ch-2's profile or the raw limits:\n%s", out)
	}
	out = e.mustRun("describe", "charger", "ch-2")
	if !hasLine(out, `Charging Limits:\s+<none>`) || !hasLine(out, `  lab-main-ch-2\s+site\s+.*`) {
		t.Errorf("describe ch-2:\n%s", out)
	}
}

func TestDescribeChargingProfiles(t *testing.T) {
	e := newTestEnv(t)
	e.labProfiles()
	for _, tt := range []struct {
		name  string
		lines []string
	}{
		{"lab-main", []string{`Profile:`, `  Source:\s+operator \(a site limit, shared among the selected chargers' sessions\)`,
			`  Applies To:\s+chargers matching site=lab: 2 now \(ch-1,ch-2\), the whole station \(EVSE 0\)`,
			`  Purpose:\s+ChargingStationExternalConstraints, stack level 0`, `  Valid:\s+always`,
			`  Limit:\s+63 A for all the chargers it applies to together, at all times`}},
		{"lab-evening", []string{`  Applies To:\s+chargers matching site=nowhere and ch-2: 1 now \(ch-2\), the whole station \(EVSE 0\)`,
			`  Valid:\s+from 2025-01-01T00:00:00Z`,
			`  Schedule 1:\s+Recurring Daily, starting 2025-01-01T00:00:00Z, in A`,
			`    OFFSET\s+AT\s+LIMIT\s+PHASES`, `    \+0s\s+00:00Z daily\s+63A\s+-`, `    \+17h\s+17:00Z daily\s+20A\s+-`, `    \+21h\s+21:00Z daily\s+63A\s+-`}},
		{"ch-1-csms-7", []string{`  Source:\s+csms \(set by the CSMS through the charger's station\)`, `  Applies To:\s+charger ch-1, EVSE 1`,
			`  Purpose:\s+TxDefaultProfile, stack level 1`, `  Schedule 1:\s+Absolute, starting 2025-06-01T00:00:00Z, in A`,
			`    \+1h\s+2025-06-01T01:00:00Z\s+12A\s+-`}},
		{"lab-main-ch-1", []string{`  Source:\s+site \(this charger's share of site limit lab-main, written by the gateway\)`,
			`  Applies To:\s+charger ch-1, the whole station \(EVSE 0\)`, `  Limit:\s+31\.5 A, this charger's share now \(rewritten as sessions start, stop and draw less\)`}},
	} {
		out := e.mustRun("describe", "cp", tt.name)
		for _, re := range tt.lines {
			if !hasLine(out, re) {
				t.Errorf("describe cp %s lacks a line matching %q:\n%s", tt.name, re, out)
			}
		}
	}
}

func TestOffsetText(t *testing.T) {
	for sec, want := range map[int]string{0: "+0s", 59: "+59s", 61200: "+17h", 63030: "+17h30m30s", 90000: "+1d1h", 604799: "+6d23h59m59s"} {
		if got := offsetText(sec); got != want {
			t.Errorf("offsetText(%d) = %q, want %q", sec, got, want)
		}
	}
}

// TestApplySiteLimitExample applies the demo site with the site limit
// example, as its header says, and lists the limits with the chargers they
// select now.
func TestApplySiteLimitExample(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", "../../examples/", "-f", "../../examples/smart-charging/")
	out := e.mustRun("get", "chargingprofiles")
	for _, re := range []string{
		`north-grid\s+operator\s+1 by selector site=north\s+0\s+External\s+0\s+250A\s+\S+`,
		`south-evening-peak\s+operator\s+1 by selector site=south \+ wb-garage-2\s+0\s+External\s+0\s+250A\s+\S+`,
	} {
		if !hasLine(out, re) {
			t.Errorf("get chargingprofiles lacks a line matching %q:\n%s", re, out)
		}
	}
	out = e.mustRun("describe", "cp", "south-evening-peak")
	for _, re := range []string{`  Applies To:\s+chargers matching site=south and wb-garage-2: 1 now \(wb-garage-2\), the whole station \(EVSE 0\)`,
		`    \+17h\s+17:00Z daily\s+100A\s+-`, `    \+21h\s+21:00Z daily\s+250A\s+-`} {
		if !hasLine(out, re) {
			t.Errorf("describe cp south-evening-peak lacks a line matching %q:\n%s", re, out)
		}
	}
	out = e.mustRun("get", "charger", "wb-north-1", "-o", "yaml")
	if !strings.Contains(out, "maxCurrentA: 16") {
		t.Errorf("wb-north-1 lost its electrical supply:\n%s", out)
	}
}

// TestProfileTargetWhenChargersCannotBeListed: a failed list shows an
// unknown count, not a wrong one.
func TestProfileTargetWhenChargersCannotBeListed(t *testing.T) {
	o := fixture("ChargingProfile", "p", time.Minute, fixedNow, `{"source":"operator","chargers":{"selector":"site=north","names":["a"]},"id":1,"stackLevel":0}`, "")
	v := newView(o, fixedNow)
	v.find = func(kind, selector string) ([]*v1alpha1.Object, error) {
		return nil, errors.New("connection refused")
	}
	if got := profileTarget(v); got != "? by selector site=north + a" {
		t.Errorf("profileTarget = %q", got)
	}
	v.find = func(kind, selector string) ([]*v1alpha1.Object, error) {
		if kind != "Charger" || selector != "site=north" {
			t.Errorf("listed %s -l %s", kind, selector)
		}
		return []*v1alpha1.Object{fixture("Charger", "a", 0, fixedNow, `{}`, ""), fixture("Charger", "b", 0, fixedNow, `{}`, "")}, nil
	}
	// a is both named and selected: counted once.
	if got := profileTarget(v); got != "2 by selector site=north + a" {
		t.Errorf("profileTarget = %q", got)
	}
}
