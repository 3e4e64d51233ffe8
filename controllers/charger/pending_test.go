package charger

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
)

var fixtureNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// TestTemplatePending runs only the charger controller, so templates are never
// resolved: a new charger gets Unknown/TemplatePending, and an existing
// condition is kept while the template's status lags behind its spec.
func TestTemplatePending(t *testing.T) {
	f := fixture.New(t, Setup(Options{}))
	f.Create(template.Kind, "t", tplSpec{})
	f.Create(Kind, "ch1", chSpec{TemplateRef: "t"})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionUnknown, ReasonTemplatePending)

	// Play the template controller: mark generation 1 Ready.
	setTemplateReady(t, f, "t", 1)
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)

	// A new spec (generation 2) not yet resolved: keep True rather than flap.
	f.Update(template.Kind, "t", tplSpec{Extends: "x"})
	f.AssertNoWrites()
	if c := f.Condition(Kind, "ch1", ConditionTemplateReady); c.Status != v1alpha1.ConditionTrue {
		t.Fatalf("condition flapped to %s while the template was pending", c.Status)
	}
}

func setTemplateReady(t *testing.T, f *fixture.Fixture, name string, gen int64) {
	t.Helper()
	obj, err := f.Store.Get(template.Kind, name)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := controllers.DecodeStatus(nil)
	s.SetObservedGeneration(gen)
	s.SetCondition(v1alpha1.Condition{Type: template.ConditionReady, Status: v1alpha1.ConditionTrue,
		Reason: template.ReasonResolved}, fixtureNow)
	raw, _ := s.Encode()
	obj.Status = json.RawMessage(raw)
	if _, err := f.Store.UpdateStatus(obj); err != nil {
		t.Fatal(err)
	}
}
