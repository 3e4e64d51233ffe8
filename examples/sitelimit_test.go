package examples_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/composite"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// siteLimitFile is the site limit example, in a directory of its own so
// that `gwctl apply -f examples/` still applies the small demo site alone.
const siteLimitFile = "smart-charging/site-limit.yaml"

// siteLimitDocs reads site.yaml with the site limit example, as it says to
// apply them; reading admits every document (schema, defaults, semantic
// checks) as the API server would.
func siteLimitDocs(t *testing.T) (chargers map[string]*v1alpha1.Object, profiles map[string]v1alpha1.ChargingProfileSpec) {
	t.Helper()
	docs, err := manifest.ReadFiles([]string{"site.yaml", siteLimitFile}, false, nil)
	if err != nil {
		t.Fatalf("the site limit example does not admit: %v", err)
	}
	chargers, profiles = map[string]*v1alpha1.Object{}, map[string]v1alpha1.ChargingProfileSpec{}
	for _, d := range docs {
		switch d.Object.Kind {
		case "Charger":
			chargers[d.Object.Metadata.Name] = d.Object
		case "ChargingProfile":
			var s v1alpha1.ChargingProfileSpec
			if err := json.Unmarshal(d.Object.Spec, &s); err != nil {
				t.Fatal(err)
			}
			s.SetDefaults(&d.Object.Metadata)
			profiles[d.Object.Metadata.Name] = s
		}
	}
	return chargers, profiles
}

// TestSitesAdmit: every example site, and the demo site of make run,
// admits as the API server would admit it, with the files it needs beside it.
func TestSitesAdmit(t *testing.T) {
	for _, files := range [][]string{{"site.yaml"}, {"site.yaml", siteLimitFile}, {"demo/site.yaml"}} {
		docs, err := manifest.ReadFiles(files, false, nil)
		if err != nil {
			t.Errorf("%v: %v", files, err)
			continue
		}
		if len(docs) == 0 {
			t.Errorf("%v: no documents", files)
		}
	}
}

// selected lists the chargers an operator profile picks among chargers.
func selected(t *testing.T, sel *v1alpha1.ChargerSelection, chargers map[string]*v1alpha1.Object) []string {
	t.Helper()
	var out []string
	s, err := labels.Parse(sel.Selector)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range chargers {
		if slices.Contains(sel.Names, name) || (sel.Selector != "" && s.Matches(c.Metadata.Labels)) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// TestSiteLimitExample: the example's limits select the chargers its
// comments say, and the installer's charger carries an electrical supply.
func TestSiteLimitExample(t *testing.T) {
	chargers, profiles := siteLimitDocs(t)
	want := map[string][]string{"north-grid": {"wb-north-1"}, "south-evening-peak": {"wb-garage-2"}}
	for name, names := range want {
		p, ok := profiles[name]
		if !ok {
			t.Fatalf("%s has no profile %s", siteLimitFile, name)
		}
		if p.Source != v1alpha1.ProfileSourceOperator || p.ChargingProfilePurpose != "ChargingStationExternalConstraints" || p.Chargers == nil {
			t.Errorf("%s is not an operator site limit over a selection: %+v", name, p)
			continue
		}
		if got := selected(t, p.Chargers, chargers); !slices.Equal(got, names) {
			t.Errorf("%s selects %v, want %v", name, got, names)
		}
	}
	if l := profiles["north-grid"].Limit; l == nil || l.Value != 250 || l.Unit != "A" {
		t.Errorf("north-grid limit = %+v, want 250 A", l)
	}
	var spec v1alpha1.ChargerSpec
	if err := json.Unmarshal(chargers["wb-north-1"].Spec, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Electrical == nil || spec.Supply() != (v1alpha1.Electrical{MaxCurrentA: 16, MinCurrentA: 6, Phases: 3, VoltageV: 230}) {
		t.Errorf("wb-north-1 electrical = %+v", spec.Electrical)
	}
}

// TestEveningPeakSchedule composes the daily profile over two days with the
// station's composite calculator: 100 A from 17:00 to 21:00 UTC each day,
// 250 A otherwise, as the example's comment says.
func TestEveningPeakSchedule(t *testing.T) {
	_, profiles := siteLimitDocs(t)
	spec := profiles["south-evening-peak"]
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var p composite.Profile
	if err := json.Unmarshal(raw, &p.ChargingProfileType); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC) // a weekend with a daylight-saving change in Europe
	got, err := composite.Compose([]composite.Profile{p}, composite.Request{Start: start, Duration: 2 * 86400,
		Unit: ocpp.ChargingRateUnitA, MaxCurrentA: 1000})
	if err != nil {
		t.Fatal(err)
	}
	h := 3600
	want := []ocpp.ChargingSchedulePeriodType{{StartPeriod: 0, Limit: 250}, {StartPeriod: 5 * h, Limit: 100}, {StartPeriod: 9 * h, Limit: 250},
		{StartPeriod: 29 * h, Limit: 100}, {StartPeriod: 33 * h, Limit: 250}}
	if len(got.ChargingSchedulePeriod) != len(want) {
		t.Fatalf("composite periods %+v, want %+v", got.ChargingSchedulePeriod, want)
	}
	for i, w := range want {
		g := got.ChargingSchedulePeriod[i]
		if g.StartPeriod != w.StartPeriod || g.Limit != w.Limit {
			t.Errorf("period %d = %d s %g A, want %d s %g A", i, g.StartPeriod, g.Limit, w.StartPeriod, w.Limit)
		}
	}
}
