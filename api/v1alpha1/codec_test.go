package v1alpha1

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestReferences(t *testing.T) {
	cases := []struct {
		obj  *Object
		want []Reference
	}{
		{newObj("Charger", "c", `{"templateRef":"abb","ocpp":{"csmsRef":"main"},"connection":{"modbusRTU":{"busRef":"rs485-0","unitId":1}}}`),
			[]Reference{{"spec.templateRef", "Template", "abb"}, {"spec.ocpp.csmsRef", "CSMS", "main"}, {"spec.connection.modbusRTU.busRef", "Bus", "rs485-0"}}},
		{newObj("Charger", "c", `{"templateRef":"abb","connection":{"modbusTCP":{"host":"h"}}}`),
			[]Reference{{"spec.templateRef", "Template", "abb"}}},
		{newObj("Template", "t", `{"extends":"base"}`), []Reference{{"spec.extends", "Template", "base"}}},
		{newObj("Template", "t", `{"protocol":"modbus"}`), nil},
		{newObj("CSMS", "m", `{"caSecretRef":{"name":"ca"},"clientCertificateSecretRef":{"name":"cert"},"basicAuthPasswordSecretRef":{"name":"pw"}}`),
			[]Reference{{"spec.caSecretRef.name", "Secret", "ca"}, {"spec.clientCertificateSecretRef.name", "Secret", "cert"}, {"spec.basicAuthPasswordSecretRef.name", "Secret", "pw"}}},
		{newObj("ChargingProfile", "p", `{"chargerRef":"wb-1"}`), []Reference{{"spec.chargerRef", "Charger", "wb-1"}}},
		{newObj("Transaction", "x", `{"chargerRef":"wb-2"}`), []Reference{{"spec.chargerRef", "Charger", "wb-2"}}},
		{newObj("Secret", "s", `{"data":{"templateRef":"x"}}`), nil},
		{newObj("Charger", "c", `not json`), nil},
	}
	for _, c := range cases {
		if got := References(c.obj); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, want %+v", c.obj.Key(), got, c.want)
		}
	}
}

func TestDecodeEncodeRoundTrip(t *testing.T) {
	o := newObj("Charger", "wb-1", `{"templateRef":"abb","connection":{"modbusTCP":{"host":"10.0.0.5"}}}`)
	o.Metadata.Labels = map[string]string{"site": "demo"}
	o.Metadata.ResourceVersion = "42"
	o.Status = json.RawMessage(`{"observedGeneration":1,"connectors":[{"evseId":1,"connectorId":1,"status":"Available","signals":{"powerW":0,"charging":false}}],"ocpp":{"state":"Registered"}}`)
	if err := Admit(o); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCharger(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec.TemplateRef != "abb" || c.Status.ObservedGeneration != 1 || c.Status.OCPP.State != OCPPStateRegistered ||
		c.Status.Connectors[0].Signals["charging"] != false || c.Metadata.ResourceVersion != "42" {
		t.Errorf("decoded: %+v", c)
	}
	// The typed view shares no memory with the object.
	c.Metadata.Labels["site"] = "changed"
	if o.Metadata.Labels["site"] != "demo" {
		t.Error("Decode shared the labels map")
	}
	c.Metadata.Labels["site"] = "demo"
	back, err := Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Spec) != string(o.Spec) || back.Kind != "Charger" || back.APIVersion != APIVersion || back.Metadata.Name != "wb-1" {
		t.Errorf("Encode: %+v\nspec %s\nwant %s", back, back.Spec, o.Spec)
	}
	var st ChargerStatus
	if err := json.Unmarshal(back.Status, &st); err != nil || st.Connectors[0].Status != "Available" {
		t.Errorf("status: %v %s", err, back.Status)
	}
}

func TestDecodeWrongKind(t *testing.T) {
	o := newObj("Bus", "b", `{}`)
	if _, err := DecodeCharger(o); err == nil || !strings.Contains(err.Error(), "decode Charger: object is Bus/b") {
		t.Errorf("err = %v", err)
	}
	if _, err := Decode[ObjectMeta](o); err == nil {
		t.Error("Decode of a non-kind succeeded")
	}
	o = newObj("Bus", "b", `{"baudRate":"fast"}`)
	if _, err := DecodeBus(o); err == nil || !strings.Contains(err.Error(), "Bus/b") {
		t.Errorf("err = %v", err)
	}
}

func TestEncodeFillsKindAndDropsEmptyStatus(t *testing.T) {
	o, err := Encode(Secret{Metadata: ObjectMeta{Name: "s"}, Spec: SecretSpec{Data: map[string]string{"k": "v"}}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != "Secret" || o.APIVersion != APIVersion || o.Status != nil || string(o.Spec) != `{"data":{"k":"v"}}` {
		t.Errorf("got %+v spec=%s status=%s", o, o.Spec, o.Status)
	}
	if _, err := Encode(&ObjectMeta{}); err == nil {
		t.Error("Encode of a non-kind succeeded")
	}
	if _, err := Encode((*Secret)(nil)); err == nil {
		t.Error("Encode of nil succeeded")
	}
}

func TestEveryKindHasTypes(t *testing.T) {
	for _, k := range Kinds() {
		r, ok := scheme.ByKind(k.Kind)
		if !ok || r.SpecType() == nil || r.newSpec() == nil {
			t.Errorf("kind %s has no spec type", k.Kind)
			continue
		}
		if back, ok := scheme.ByType(r.Type); !ok || back.Kind != k.Kind {
			t.Errorf("kind %s has no typed view", k.Kind)
		}
	}
}
