package template

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
)

type tplSpec struct {
	Extends string `json:"extends,omitempty"`
}

func newFixture(t *testing.T) *fixture.Fixture {
	return fixture.New(t, Setup(Options{}))
}

// status reads the template's stored status fields this controller owns.
func status(t *testing.T, f *fixture.Fixture, name string) (gen, observed int64, chain []string) {
	t.Helper()
	obj, err := f.Store.Get(Kind, name)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		ObservedGeneration int64    `json:"observedGeneration"`
		ResolvedChain      []string `json:"resolvedChain"`
	}
	if len(obj.Status) > 0 {
		if err := json.Unmarshal(obj.Status, &s); err != nil {
			t.Fatal(err)
		}
	}
	return obj.Metadata.Generation, s.ObservedGeneration, s.ResolvedChain
}

func TestValidChainIsReady(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "leaf", tplSpec{Extends: "mid"})
	f.Create(Kind, "mid", tplSpec{Extends: "base"})
	f.Create(Kind, "base", tplSpec{})
	for _, n := range []string{"base", "mid", "leaf"} {
		f.WaitCondition(Kind, n, ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
		f.WaitCondition(Kind, n, ConditionInvalid, v1alpha1.ConditionFalse, ReasonResolved)
	}
	gen, observed, chain := status(t, f, "leaf")
	if observed != gen || !slices.Equal(chain, []string{"leaf", "mid", "base"}) {
		t.Fatalf("leaf: observedGeneration %d (generation %d), resolvedChain %v", observed, gen, chain)
	}
	ready := f.Condition(Kind, "leaf", ConditionReady)
	if ready.ObservedGeneration != gen || ready.LastTransitionTime == "" {
		t.Fatalf("Ready condition %+v", ready)
	}
	f.AssertNoWrites()
}

func TestMissingParentThenCreated(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "child", tplSpec{Extends: "parent"})
	c := f.WaitCondition(Kind, "child", ConditionInvalid, v1alpha1.ConditionTrue, ReasonParentNotFound)
	if !strings.Contains(c.Message, `"parent"`) || !strings.Contains(c.Message, "child → parent") {
		t.Fatalf("message %q does not name the missing template and the chain", c.Message)
	}
	f.WaitCondition(Kind, "child", ConditionReady, v1alpha1.ConditionFalse, ReasonParentNotFound)
	if _, _, chain := status(t, f, "child"); chain != nil {
		t.Fatalf("unresolved template publishes resolvedChain %v", chain)
	}
	f.AssertNoWrites()

	// Only the parent's own event can tell the child to look again.
	f.Create(Kind, "parent", tplSpec{})
	f.WaitCondition(Kind, "child", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	f.WaitCondition(Kind, "child", ConditionInvalid, v1alpha1.ConditionFalse, ReasonResolved)
	if _, _, chain := status(t, f, "child"); !slices.Equal(chain, []string{"child", "parent"}) {
		t.Fatalf("resolvedChain %v", chain)
	}

	// And deleting a grandparent reaches the grandchild.
	f.Create(Kind, "grandchild", tplSpec{Extends: "child"})
	f.WaitCondition(Kind, "grandchild", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	f.Delete(Kind, "parent")
	c = f.WaitCondition(Kind, "grandchild", ConditionReady, v1alpha1.ConditionFalse, ReasonParentNotFound)
	if !strings.Contains(c.Message, "grandchild → child → parent") {
		t.Fatalf("message %q", c.Message)
	}
	f.AssertNoWrites()
}

func TestCycleOnBothAndRepair(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "a", tplSpec{Extends: "b"})
	f.Create(Kind, "b", tplSpec{Extends: "a"})
	for name, cycle := range map[string]string{"a": "a → b → a", "b": "b → a → b"} {
		c := f.WaitCondition(Kind, name, ConditionInvalid, v1alpha1.ConditionTrue, ReasonExtendsCycle)
		if !strings.Contains(c.Message, cycle) {
			t.Errorf("%s: message %q does not show the cycle %s", name, c.Message, cycle)
		}
		f.WaitCondition(Kind, name, ConditionReady, v1alpha1.ConditionFalse, ReasonExtendsCycle)
	}
	f.AssertNoWrites()

	f.Update(Kind, "b", tplSpec{})
	f.WaitCondition(Kind, "a", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	f.WaitCondition(Kind, "b", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	f.Eventually("observedGeneration of b to follow its new spec", func() string {
		if gen, observed, _ := status(t, f, "b"); gen != 2 || observed != 2 {
			return fmt.Sprintf("generation %d, observed %d", gen, observed)
		}
		return ""
	})
	f.AssertNoWrites()
}

// TestKeepsStatusFieldsItDoesNotOwn writes a foreign field and condition into
// a template's status; the controller must re-add its own without dropping them.
func TestKeepsStatusFieldsItDoesNotOwn(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "t", tplSpec{})
	f.WaitCondition(Kind, "t", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	f.Eventually("foreign status write", func() string {
		obj, _ := f.Store.Get(Kind, "t")
		obj.Status = json.RawMessage(`{"compiled":{"expressions":4},"conditions":[{"type":"Compiled","status":"True","reason":"OK"}]}`)
		if _, err := f.Store.UpdateStatus(obj); err != nil {
			return err.Error() // a conflict with the controller: retry
		}
		return ""
	})
	f.WaitCondition(Kind, "t", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	obj, _ := f.Store.Get(Kind, "t")
	s, err := controllers.DecodeStatus(obj.Status)
	if err != nil {
		t.Fatal(err)
	}
	if string(s.Field("compiled")) != `{"expressions":4}` || s.Condition("Compiled") == nil {
		t.Fatalf("foreign status dropped: %s", obj.Status)
	}
	f.AssertNoWrites()
}

func TestDependents(t *testing.T) {
	f := newFixture(t)
	for name, ext := range map[string]string{
		"base": "", "mid": "base", "leaf": "mid", "other": "",
		"x": "y", "y": "x", "orphan": "ghost",
	} {
		f.Create(Kind, name, tplSpec{Extends: ext})
	}
	inf := f.Manager.Informer(Kind)
	f.Eventually("cache to hold every template", func() string {
		if n := len(inf.List()); n != 7 {
			return fmt.Sprintf("%d cached", n)
		}
		return ""
	})
	tests := []struct {
		name string
		want []string
	}{
		{"base", []string{"base", "leaf", "mid"}},
		{"leaf", []string{"leaf"}},
		{"ghost", []string{"ghost", "orphan"}}, // missing, yet its dependents are found
		{"x", []string{"x", "y"}},
	}
	for _, tt := range tests {
		if got := Dependents(inf, tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("Dependents(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestResolveMergesChain(t *testing.T) {
	f := newFixture(t)
	f.Create(Kind, "base", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ABB",
		Signals: map[string]string{"faulted": "false", "charging": "true"}})
	f.Create(Kind, "model", v1alpha1.TemplateSpec{Extends: "base", Model: "Terra AC",
		Signals: map[string]string{"faulted": "regs[\"s\"][0] != 0"}})
	f.WaitCondition(Kind, "model", ConditionReady, v1alpha1.ConditionTrue, ReasonResolved)
	spec, chain, err := Resolve(NewLister(f.Manager), "model")
	if err != nil || !slices.Equal(chain, []string{"model", "base"}) {
		t.Fatalf("chain %v, %v", chain, err)
	}
	if spec.Protocol != v1alpha1.ProtocolModbus || spec.Manufacturer != "ABB" || spec.Model != "Terra AC" ||
		spec.Signals["faulted"] != `regs["s"][0] != 0` || spec.Signals["charging"] != "true" || spec.Extends != "" {
		t.Fatalf("resolved %+v", spec)
	}
	f.Update(Kind, "base", v1alpha1.TemplateSpec{Extends: "model", Protocol: v1alpha1.ProtocolModbus})
	f.WaitCondition(Kind, "model", ConditionReady, v1alpha1.ConditionFalse, ReasonExtendsCycle)
	if _, _, err := Resolve(NewLister(f.Manager), "model"); err == nil || !strings.Contains(err.Error(), ReasonExtendsCycle) {
		t.Fatalf("a cycle resolved: %v", err)
	}
}
