package ocpp_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/internal/memcheck"
)

var knownCode = map[rpc.ErrorCode]bool{
	rpc.FormatViolation: true, rpc.OccurrenceConstraintViolation: true, rpc.TypeConstraintViolation: true,
	rpc.PropertyConstraintViolation: true, rpc.NotImplemented: true, rpc.NotSupported: true,
}

// fuzzAllocBound is what validating or decoding an n-byte payload may
// allocate: a parsed value costs a few hundred bytes however short its
// text, and the constant covers the validator's error per failing value up
// to MaxPayloadValues (8 MB measured). Frames are at most
// rpc.DefaultMaxMessageSize, so a frame costs at most about 40 MiB.
func fuzzAllocBound(n int) uint64 { return 400*uint64(n) + 12<<20 }

// FuzzValidateRequest feeds arbitrary actions and payloads to the
// validator. It must never panic, must fail only with an *rpc.Error
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
		_ = ocpp.ValidateRequest(action, payload) // compiles the action's schema once
		var err error
		if n := memcheck.Allocated(func() { err = ocpp.ValidateRequest(action, payload) }); n > fuzzAllocBound(len(payload)) {
			t.Fatalf("validating %d bytes allocated %d, over %d", len(payload), n, fuzzAllocBound(len(payload)))
		}
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
		var oe *rpc.Error
		if !errors.As(err, &oe) {
			t.Fatalf("error %T %v is not *rpc.Error", err, err)
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
		_, _ = ocpp.DecodeRequest(action, payload) // compiles the action's schema once
		var v any
		var err error
		if n := memcheck.Allocated(func() { v, err = ocpp.DecodeRequest(action, payload) }); n > fuzzAllocBound(len(payload)) {
			t.Fatalf("decoding %d bytes allocated %d, over %d", len(payload), n, fuzzAllocBound(len(payload)))
		}
		if err != nil {
			var oe *rpc.Error
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

// TestWorstPayloadsStayBounded: the costliest shapes that fit in one frame
// (deep nesting, many tiny values, many keys) are validated and decoded
// within fuzzAllocBound of their size.
func TestWorstPayloadsStayBounded(t *testing.T) {
	const size = 60 << 10
	deep := strings.Repeat(`{"a":`, size/5) + "1" + strings.Repeat("}", size/5)
	many := `{"meterValue":[` + strings.Repeat("0,", size/2) + `0],"evseId":1}`
	keys := "{" + strings.Repeat(`"k":0,`, size/6) + `"evseId":1}`
	atBound := `{"meterValue":[` + strings.Repeat("0,", ocpp.MaxPayloadValues-4) + `0],"evseId":1}`
	for name, payload := range map[string]string{"deep": deep, "many values": many, "many keys": keys, "values at the bound": atBound} {
		for _, action := range []string{"MeterValues", "SetVariables", "Heartbeat"} {
			_ = ocpp.ValidateRequest(action, []byte(payload))
			if n := memcheck.Allocated(func() { _, _ = ocpp.DecodeRequest(action, []byte(payload)) }); n > fuzzAllocBound(len(payload)) {
				t.Errorf("%s %s: %d bytes allocated %d, over %d", action, name, len(payload), n, fuzzAllocBound(len(payload)))
			} else {
				t.Logf("%s %s: %d bytes allocated %d", action, name, len(payload), n)
			}
		}
	}
}

// TestValueCountSkipsStrings: commas and brackets inside strings, escaped
// quotes included, are not values; the same count outside one is refused.
func TestValueCountSkipsStrings(t *testing.T) {
	inString := `{"customData":{"vendorId":"v","note":"\"` + strings.Repeat(",[{", ocpp.MaxPayloadValues) + `"}}`
	if err := ocpp.ValidateRequest("Heartbeat", []byte(inString)); err != nil {
		t.Errorf("commas inside a string were counted: %v", err)
	}
	outside := `{"customData":{"vendorId":"v","note":[` + strings.Repeat("0,", ocpp.MaxPayloadValues) + `0]}}`
	err := ocpp.ValidateRequest("Heartbeat", []byte(outside))
	var oe *rpc.Error
	if !errors.As(err, &oe) || oe.Code != rpc.FormatViolation || !strings.Contains(oe.Description, "JSON values") {
		t.Errorf("%d values outside strings: %v, want FormatViolation naming the bound", ocpp.MaxPayloadValues+3, err)
	}
}
