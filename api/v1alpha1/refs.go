package v1alpha1

import "encoding/json"

// Reference is one object another object names.
type Reference struct {
	Field string // where the name is, e.g. "spec.templateRef"
	Kind  string // kind of the named object
	Name  string
}

// References lists the objects obj names, in a fixed order. The API server
// uses it to refuse dangling references and deletions of objects in use; the
// controllers use it to requeue dependents. The spec is read leniently so that
// this works on any stored object; unknown kinds name nothing.
func References(obj *Object) []Reference {
	var refs []Reference
	add := func(field, kind, name string) {
		if name != "" {
			refs = append(refs, Reference{Field: field, Kind: kind, Name: name})
		}
	}
	switch obj.Kind {
	case KindCharger:
		var s ChargerSpec
		if json.Unmarshal(obj.Spec, &s) != nil {
			return nil
		}
		add("spec.templateRef", KindTemplate, s.TemplateRef)
		if s.OCPP != nil {
			add("spec.ocpp.csmsRef", KindCSMS, s.OCPP.CSMSRef)
		}
		if rtu := ConnectionAs[ModbusRTUConnection](s.Connection); rtu != nil {
			add("spec.connection.modbusRTU.busRef", KindBus, rtu.BusRef)
		}
	case KindTemplate:
		var s TemplateSpec
		if json.Unmarshal(obj.Spec, &s) != nil {
			return nil
		}
		add("spec.extends", KindTemplate, s.Extends)
	case KindCSMS:
		var s CSMSSpec
		if json.Unmarshal(obj.Spec, &s) != nil {
			return nil
		}
		if r := s.CASecretRef; r != nil {
			add("spec.caSecretRef.name", KindSecret, r.Name)
		}
		if r := s.ClientCertificateSecretRef; r != nil {
			add("spec.clientCertificateSecretRef.name", KindSecret, r.Name)
		}
		if r := s.BasicAuthPasswordSecretRef; r != nil {
			add("spec.basicAuthPasswordSecretRef.name", KindSecret, r.Name)
		}
	case KindChargingProfile:
		var s ChargingProfileSpec
		if json.Unmarshal(obj.Spec, &s) != nil {
			return nil
		}
		add("spec.chargerRef", KindCharger, s.ChargerRef)
		if s.Chargers != nil {
			for i, n := range s.Chargers.Names {
				add(FieldPath("spec.chargers.names").Index(i).String(), KindCharger, n)
			}
		}
	case KindTransaction:
		var s struct {
			ChargerRef string `json:"chargerRef"`
		}
		if json.Unmarshal(obj.Spec, &s) != nil {
			return nil
		}
		add("spec.chargerRef", KindCharger, s.ChargerRef)
	}
	return refs
}
