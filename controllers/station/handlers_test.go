package station

import (
	"fmt"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
)

// TestStationHandlersDoNoListOrDecodeWork: a CSMS, Secret or Template event
// reaches the chargers that use it through index lookups. No informer
// lists, and each decodes one object per event.
func TestStationHandlersDoNoListOrDecodeWork(t *testing.T) {
	// Nothing listens on the CSMS URL: the stations only try to connect.
	f := stationFixtureWith(t, "ws://127.0.0.1:1/ocpp", csmsWithPassword(), &recordingCommander{})
	f.Create(v1alpha1.KindSecret, "pw", v1alpha1.SecretSpec{Data: map[string]string{"password": "first-password-1"}})
	for i := range 10 {
		f.Create(Kind, fmt.Sprintf("cs%02d", i), charger(fmt.Sprintf("CS%02d", i), 1))
	}
	f.Create(Kind, "no-ocpp", v1alpha1.ChargerSpec{TemplateRef: "t"})
	c := f.Controller("station")
	f.WaitReconciles(c, 11)
	kinds := []string{Kind, v1alpha1.KindCSMS, v1alpha1.KindSecret, template.Kind}
	before := map[string]controllers.InformerStats{}
	for _, k := range kinds {
		before[k] = f.Manager.Informer(k).Stats()
	}
	r0 := c.Stats().Reconciles
	spec := csmsWithPassword()
	spec.URL, spec.PingInterval = "ws://127.0.0.1:1/ocpp", "45s"
	f.Update(v1alpha1.KindCSMS, "csms", spec)
	f.WaitReconciles(c, r0+10)
	f.Update(v1alpha1.KindSecret, "pw", v1alpha1.SecretSpec{Data: map[string]string{"password": "second-password-2"}})
	f.WaitReconciles(c, r0+20)
	f.Update(template.Kind, "t", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Wallbox 11",
		Signals: map[string]string{"energyWh": "0.0", "powerW": "0.0"}})
	f.WaitReconciles(c, r0+31) // the charger without OCPP uses the template too
	for _, k := range kinds {
		s, b := f.Manager.Informer(k).Stats(), before[k]
		if s.Lists != b.Lists {
			t.Errorf("%s informer: %d lists", k, s.Lists-b.Lists)
		}
		if s.Decodes-b.Decodes != s.Events-b.Events {
			t.Errorf("%s informer: %d decodes for %d events, want one each", k, s.Decodes-b.Decodes, s.Events-b.Events)
		}
	}
}

func csmsWithPassword() v1alpha1.CSMSSpec {
	s := csmsSpec()
	s.BasicAuthPasswordSecretRef = &v1alpha1.SecretKeyRef{Name: "pw"}
	return s
}
