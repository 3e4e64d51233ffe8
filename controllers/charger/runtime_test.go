package charger

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/store"
)

// rtuSpec is a charger on an RS-485 bus using template tpl.
func rtuSpec(tpl, bus string) v1alpha1.ChargerSpec {
	return v1alpha1.ChargerSpec{TemplateRef: tpl,
		Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: bus, UnitID: 1})}
}

// TestHandlersDoNoListOrDecodeWork: a Template or Bus event reaches the
// chargers that use it through index lookups. Neither informer lists, and
// every object is decoded once per event of its own, never for a handler
// or a reconcile.
func TestHandlersDoNoListOrDecodeWork(t *testing.T) {
	f := newFixture(t)
	f.Create(template.Kind, "base", tplSpec{})
	f.Create(template.Kind, "model", tplSpec{Extends: "base"})
	f.Create(template.Kind, "other", tplSpec{})
	f.Create(BusKind, "bus1", v1alpha1.BusSpec{})
	for i := range 30 {
		tpl, bus := "model", "bus1"
		if i%3 == 0 {
			tpl, bus = "other", "bus2"
		}
		f.Create(Kind, fmt.Sprintf("ch%02d", i), rtuSpec(tpl, bus))
	}
	f.Settle() // Settle lists the caches itself: count from here on
	infs := map[string]*controllers.Informer{}
	before := map[string]controllers.InformerStats{}
	for _, k := range []string{Kind, template.Kind, BusKind} {
		infs[k] = f.Manager.Informer(k)
		before[k] = infs[k].Stats()
	}
	c := f.Controller("charger")
	r0 := c.Stats().Reconciles

	f.Update(template.Kind, "base", v1alpha1.TemplateSpec{Description: "changed"})
	f.Update(BusKind, "bus1", v1alpha1.BusSpec{Device: "/dev/ttyUSB9"})
	// 20 chargers use model, which extends base, and sit on bus1: each is
	// queued by the template's spec, its status and the bus.
	f.WaitReconciles(c, r0+20)
	for k, inf := range infs {
		s, b := inf.Stats(), before[k]
		if s.Lists != b.Lists {
			t.Errorf("%s informer: %d lists for one Template and one Bus event", k, s.Lists-b.Lists)
		}
		if s.Decodes-b.Decodes != s.Events-b.Events {
			t.Errorf("%s informer: %d decodes for %d events, want one each", k, s.Decodes-b.Decodes, s.Events-b.Events)
		}
	}
	if n := infs[Kind].Stats().Decodes - before[Kind].Decodes; n > 30 {
		t.Errorf("%d Charger decodes: more than one per charger status write", n)
	}
}

// otherOwnerWrite changes status.ocpp of a charger, as its station does,
// keeping every other field.
func otherOwnerWrite(t testing.TB, st *store.Store, name string, v int) *v1alpha1.Object {
	t.Helper()
	for {
		obj, err := st.Get(Kind, name)
		if err != nil {
			t.Fatal(err)
		}
		var s map[string]json.RawMessage
		if err := json.Unmarshal(obj.Status, &s); err != nil {
			t.Fatal(err)
		}
		s["ocpp"] = json.RawMessage(fmt.Sprintf(`{"state":"Online","reason":"write %d"}`, v))
		if obj.Status, err = json.Marshal(s); err != nil {
			t.Fatal(err)
		}
		if wrote, err := st.UpdateStatus(obj); err == nil {
			return wrote
		} else if !errors.Is(err, store.ErrConflict) {
			t.Fatal(err)
		}
	}
}

// TestStatusWriteOfAnotherOwnerDoesNotReconcile: a station's status writes
// do not re-run the charger controller, which reads none of it.
func TestStatusWriteOfAnotherOwnerDoesNotReconcile(t *testing.T) {
	f := newFixture(t)
	f.Create(template.Kind, "t", tplSpec{})
	f.Create(Kind, "ch1", chSpec{TemplateRef: "t"})
	f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
	f.Settle()
	c := f.Controller("charger")
	s0 := c.Stats()
	for i := range 20 {
		otherOwnerWrite(t, f.Store, "ch1", i)
	}
	f.Settle()
	s := c.Stats()
	if n := s.Reconciles - s0.Reconciles; n != 0 {
		t.Errorf("20 status writes of another owner ran %d reconciles, want 0", n)
	}
	if n := s.Filtered - s0.Filtered; n != 20 {
		t.Errorf("%d changes filtered, want the 20 status writes", n)
	}
	t.Logf("reconciles per status write of another owner: %d/20", s.Reconciles-s0.Reconciles)
}
