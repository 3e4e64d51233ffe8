package goe_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/internal/goepeer"
)

// TestControllerEndToEnd runs a go-e Charger, a protocol the charger
// controller does not name, through the real
// drivers, the controller and the library template, against goepeer: the
// controller polls it, writes its signals, runs a command the device
// confirms, reports one it refuses, and a mapping test shows its raw values.
func TestControllerEndToEnd(t *testing.T) {
	raw, err := os.ReadFile("../../examples/templates/goe-charger.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tpl v1alpha1.Template
	if err := yaml.Unmarshal(raw, &tpl); err != nil {
		t.Fatal(err)
	}
	peer := goepeer.Start(t, goepeer.Options{MaxAmps: 16, Amp: 16})
	peer.Plug()
	d := charger.NewDrivers(nil)
	t.Cleanup(func() { d.Close() })
	var r *charger.Reconciler
	f := fixture.New(t, template.Setup(template.Options{}), charger.Setup(charger.Options{Opener: d, Reconciler: &r}))
	var conn v1alpha1.ChargerConnection
	if err := conn.UnmarshalJSON([]byte(`{"goe": {"url": "` + peer.URL() + `"}}`)); err != nil {
		t.Fatal(err)
	}
	f.Create(template.Kind, "goe-charger", tpl.Spec)
	f.Create(charger.Kind, "wb", v1alpha1.ChargerSpec{TemplateRef: "goe-charger", PollInterval: "100ms", Connection: conn,
		FailureThreshold: 3, EVSEs: []v1alpha1.EVSE{{ID: 1, Connectors: []v1alpha1.Connector{{ID: 1, Type: "cType2"}}}}})
	waitSignal(f, "wb", "charging", true)
	waitSignal(f, "wb", "currentLimitA", 16)

	if err := r.Command(context.Background(), "wb", "setCurrentLimit", 1, cel.Args{LimitA: 10}); err != nil {
		t.Fatal(err)
	}
	waitSignal(f, "wb", "currentLimitA", 10)
	if err := r.Command(context.Background(), "wb", "setCurrentLimit", 1, cel.Args{LimitA: 32}); !errors.Is(err, charger.ErrRejected) {
		t.Errorf("amp 32 on a 16 A unit: %v", err)
	}
	if peer.State().Amp != 10 {
		t.Errorf("amp %d after a refused set", peer.State().Amp)
	}
	p, err := r.Probe(context.Background(), "wb")
	if err != nil {
		t.Fatal(err)
	}
	if p.Protocol != "goe" || string(p.Raw.Data["car"]) != "2" || string(p.Raw.Data["amp"]) != "10" {
		t.Errorf("mapping test: %s %v", p.Protocol, p.Raw.Data)
	}
}

func waitSignal(f *fixture.Fixture, name, signal string, want any) {
	f.T.Helper()
	f.Eventually(fmt.Sprintf("%s = %v", signal, want), func() string {
		obj, err := f.Store.Get(charger.Kind, name)
		if err != nil {
			return err.Error()
		}
		var s v1alpha1.ChargerStatus
		if err := json.Unmarshal(obj.Status, &s); err != nil || len(s.Connectors) == 0 {
			return fmt.Sprintf("no connector status (%v)", err)
		}
		if got := s.Connectors[0].Signals[signal]; fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Sprintf("%s is %v; signals %v", signal, got, s.Connectors[0].Signals)
		}
		return ""
	})
}
