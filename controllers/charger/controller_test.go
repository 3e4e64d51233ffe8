package charger

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
)

type tplSpec struct {
	Extends string `json:"extends,omitempty"`
}

type chSpec struct {
	TemplateRef string `json:"templateRef"`
}

func newFixture(t *testing.T) *fixture.Fixture {
	return fixture.New(t, template.Setup(template.Options{}), Setup(Options{}))
}

func TestTemplateReadyFollowsTemplate(t *testing.T) {
	f := newFixture(t)
	f.Create(template.Kind, "base", tplSpec{})
	f.Create(template.Kind, "model", tplSpec{Extends: "base"})
	f.Create(Kind, "ch1", chSpec{TemplateRef: "model"})
	c := f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	if c.ObservedGeneration != 1 {
		t.Fatalf("condition observedGeneration %d, want 1", c.ObservedGeneration)
	}
	f.AssertNoWrites()

	// The charger uses "model"; breaking "model"'s parent must reach it.
	f.Update(template.Kind, "model", tplSpec{Extends: "missing-base"})
	c = f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateInvalid)
	if !strings.Contains(c.Message, template.ReasonParentNotFound) || !strings.Contains(c.Message, `"missing-base"`) {
		t.Fatalf("message %q does not carry the template's reason and message", c.Message)
	}
	f.AssertNoWrites()

	f.Create(template.Kind, "missing-base", tplSpec{})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.AssertNoWrites()
}

func TestTemplateNotFoundThenCreated(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "ch1", chSpec{TemplateRef: "later"})
	c := f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateNotFound)
	if !strings.Contains(c.Message, `"later"`) {
		t.Fatalf("message %q does not name the template", c.Message)
	}
	f.AssertNoWrites()
	f.Create(template.Kind, "later", tplSpec{})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.Delete(template.Kind, "later")
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateNotFound)
}

// TestAncestorChangeReachesCharger breaks a grandparent of the charger's
// template: the charger must flip, and flip back when it is repaired.
func TestAncestorChangeReachesCharger(t *testing.T) {
	f := newFixture(t)
	f.Create(template.Kind, "root", tplSpec{})
	f.Create(template.Kind, "vendor", tplSpec{Extends: "root"})
	f.Create(template.Kind, "model", tplSpec{Extends: "vendor"})
	f.Create(Kind, "ch1", chSpec{TemplateRef: "model"})
	f.Create(Kind, "ch2", chSpec{TemplateRef: "root"})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.WaitCondition(Kind, "ch2", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)

	f.Update(template.Kind, "root", tplSpec{Extends: "model"}) // root → model → vendor → root
	c := f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateInvalid)
	if !strings.Contains(c.Message, template.ReasonExtendsCycle) {
		t.Fatalf("message %q", c.Message)
	}
	f.WaitCondition(Kind, "ch2", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateInvalid)
	f.AssertNoWrites()

	f.Update(template.Kind, "root", tplSpec{})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.WaitCondition(Kind, "ch2", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.AssertNoWrites()
}

// TestKeepsStatusOwnedByOthers: signals, OCPP state and other controllers'
// conditions survive this controller's writes.
func TestKeepsStatusOwnedByOthers(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "ch1", chSpec{TemplateRef: "t"})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionFalse, ReasonTemplateNotFound)
	f.Eventually("foreign status write", func() string {
		obj, _ := f.Store.Get(Kind, "ch1")
		s, err := controllers.DecodeStatus(obj.Status)
		if err != nil {
			return err.Error()
		}
		if err := s.Set("connectors", []map[string]any{{"evseId": 1, "connectorId": 1, "signals": map[string]any{"powerW": 7400}}}); err != nil {
			return err.Error()
		}
		if err := s.Set("ocpp", map[string]any{"basicAuthPassword": "set-by-csms"}); err != nil {
			return err.Error()
		}
		s.SetCondition(v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionTrue, Reason: "Polled"}, fixtureNow)
		if _, err := controllers.UpdateStatusIfChanged(f.Store, obj, s); err != nil {
			return err.Error() // conflict with the controller: retry on fresh state
		}
		return ""
	})
	f.Create(template.Kind, "t", tplSpec{})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	obj, _ := f.Store.Get(Kind, "ch1")
	var got struct {
		Connectors []struct {
			Signals map[string]int `json:"signals"`
		} `json:"connectors"`
		OCPP map[string]string `json:"ocpp"`
	}
	if err := json.Unmarshal(obj.Status, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Connectors) != 1 || got.Connectors[0].Signals["powerW"] != 7400 || got.OCPP["basicAuthPassword"] != "set-by-csms" ||
		f.Condition(Kind, "ch1", "DeviceReachable") == nil {
		t.Fatalf("status owned by others was dropped: %s", obj.Status)
	}
	f.AssertNoWrites()
}
