package ocpp_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

var knownCode = map[ocpp.ErrorCode]bool{
	ocpp.FormatViolation: true, ocpp.OccurrenceConstraintViolation: true, ocpp.TypeConstraintViolation: true,
	ocpp.PropertyConstraintViolation: true, ocpp.NotImplemented: true, ocpp.NotSupported: true,
}

// FuzzValidateRequest feeds arbitrary actions and payloads to the
// validator. It must never panic, must fail only with an *ocpp.Error
// carrying one of the validation codes and a description, and must accept
// only JSON objects.
func FuzzValidateRequest(f *testing.F) {
	f.Add("BootNotification", []byte(validBoot))
	f.Add("BootNotification", []byte(bootJSON))
	f.Add("TransactionEvent", []byte(txJSON))
	f.Add("SetChargingProfile", []byte(chargingProfile(2)))
	f.Add("Heartbeat", []byte(`{}`))
	f.Add("Heartbeat", []byte(`{"customData":{"vendorId":"a~/b","x":{"y":[1]}}}`))
	f.Add("MeterValues", []byte(`{"evseId":1,"meterValue":[]}`))
	f.Add("ReserveNow", []byte(`{}`))
	f.Add("", []byte(`[]`))
	f.Fuzz(func(t *testing.T, action string, payload []byte) {
		err := ocpp.ValidateRequest(action, payload)
		if err == nil {
			var obj map[string]json.RawMessage
			if json.Unmarshal(payload, &obj) != nil {
				t.Fatalf("accepted a payload that is not a JSON object: %q", payload)
			}
			if info, _ := ocpp.Lookup(action); !info.HasTypes() {
				t.Fatalf("accepted a payload for %q, which has no types", action)
			}
			return
		}
		var oe *ocpp.Error
		if !errors.As(err, &oe) {
			t.Fatalf("error %T %v is not *ocpp.Error", err, err)
		}
		if !knownCode[oe.Code] || oe.Description == "" {
			t.Fatalf("bad error %#v", oe)
		}
	})
}

// FuzzDecodeRequest checks that whatever passes validation either decodes
// into the Go type or fails with a validation code, never with a raw
// encoding/json error.
func FuzzDecodeRequest(f *testing.F) {
	f.Add("BootNotification", []byte(bootJSON))
	f.Add("TransactionEvent", []byte(txJSON))
	f.Add("Heartbeat", []byte(`{}`))
	f.Fuzz(func(t *testing.T, action string, payload []byte) {
		v, err := ocpp.DecodeRequest(action, payload)
		if err != nil {
			var oe *ocpp.Error
			if !errors.As(err, &oe) || !knownCode[oe.Code] {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if v == nil {
			t.Fatal("nil value without error")
		}
	})
}
