package station

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

func TestNextAligned(t *testing.T) {
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now   time.Time
		every time.Duration
		want  time.Time
	}{
		{day.Add(10*time.Hour + 7*time.Minute), 15 * time.Minute, day.Add(10*time.Hour + 15*time.Minute)},
		{day.Add(10*time.Hour + 15*time.Minute), 15 * time.Minute, day.Add(10*time.Hour + 30*time.Minute)},
		{day.Add(23*time.Hour + 59*time.Minute), time.Hour, day.Add(24 * time.Hour)},
		{day.Add(1500 * time.Millisecond), time.Second, day.Add(2 * time.Second)},
	} {
		if got := nextAligned(tc.now, tc.every); !got.Equal(tc.want) {
			t.Errorf("nextAligned(%v, %v) = %v, want %v", tc.now, tc.every, got, tc.want)
		}
	}
}

// TestClockAlignedMeterValues (J01, F06 MeterValues): with
// AlignedDataCtrlr.Interval set, MeterValues with context Sample.Clock
// carry exactly the measurands of AlignedDataCtrlr.Measurands, with their
// units, from the charger's signals; a triggered one has context Trigger.
// The strict CSMS validates every frame against the OCA schemas.
func TestClockAlignedMeterValues(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-ALIGN", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
		return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1,
			Signals: map[string]any{"evConnected": true, "charging": true, "energyWh": 1234.5, "powerW": 7400.0, "currentA1": 32.0}}})
	})
	f.Store.Flush()
	ctx := ctxT(t)
	res, err := cs.Call(ctx, "GW-ALIGN", "TriggerMessage", map[string]any{"requestedMessage": "MeterValues"})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("TriggerMessage MeterValues: %s %v", res, err)
	}
	triggered := waitCall(t, cs, "GW-ALIGN", "MeterValues", has(`"context":"Trigger"`))
	if got := measurands(t, triggered); !slices.Equal(got, []string{"Energy.Active.Import.Register"}) {
		t.Fatalf("triggered MeterValues measurands %v, want the default AlignedDataCtrlr.Measurands", got)
	}
	res, err = cs.Call(ctx, "GW-ALIGN", "SetVariables", map[string]any{"setVariableData": []map[string]any{
		{"component": map[string]any{"name": "AlignedDataCtrlr"}, "variable": map[string]any{"name": "Measurands"},
			"attributeValue": "Energy.Active.Import.Register,Power.Active.Import"},
		{"component": map[string]any{"name": "AlignedDataCtrlr"}, "variable": map[string]any{"name": "Interval"}, "attributeValue": "1"},
	}})
	if err != nil || strings.Count(string(res), `"Accepted"`) != 2 {
		t.Fatalf("SetVariables AlignedDataCtrlr: %s %v", res, err)
	}
	aligned := waitCall(t, cs, "GW-ALIGN", "MeterValues", has(`"context":"Sample.Clock"`))
	got := measurands(t, aligned)
	if !slices.Equal(got, []string{"Energy.Active.Import.Register", "Power.Active.Import"}) {
		t.Fatalf("aligned MeterValues measurands %v", got)
	}
	for _, want := range []string{`"value":1234.5`, `"unit":"Wh"`, `"value":7400`, `"unit":"W"`} {
		if !strings.Contains(string(aligned.Params), want) {
			t.Fatalf("aligned MeterValues %s lacks %s", aligned.Params, want)
		}
	}
	noFailures(t, cs)
}

func measurands(t *testing.T, e strictcsms.Event) []string {
	t.Helper()
	var mv struct {
		MeterValue []struct {
			SampledValue []struct {
				Measurand string `json:"measurand"`
			} `json:"sampledValue"`
		} `json:"meterValue"`
	}
	if err := json.Unmarshal(e.Params, &mv); err != nil || len(mv.MeterValue) != 1 {
		t.Fatalf("MeterValues %s: %v", e.Params, err)
	}
	var out []string
	for _, s := range mv.MeterValue[0].SampledValue {
		out = append(out, cmp.Or(s.Measurand, "Energy.Active.Import.Register"))
	}
	return out
}
