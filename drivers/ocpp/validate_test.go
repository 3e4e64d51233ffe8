package ocpp_test

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

const validBoot = `{"reason":"PowerUp","chargingStation":{"model":"WB-22","vendorName":"Example"}}`

// TestValidateErrorCodes is the Part 4 mapping, one row per keyword: the
// code, and the JSON path and reason in the description.
func TestValidateErrorCodes(t *testing.T) {
	cases := []struct {
		name, action, payload string
		response              bool
		code                  rpc.ErrorCode
		desc                  string // substring of the description
	}{
		{"not json", "BootNotification", `{"reason":`, false, rpc.FormatViolation, "not valid JSON"},
		{"trailing data", "BootNotification", validBoot + `{}`, false, rpc.FormatViolation, "data after the JSON value"},
		{"array payload", "BootNotification", `[1,2]`, false, rpc.FormatViolation, "must be a JSON object, got array"},
		{"null payload", "Heartbeat", `null`, false, rpc.FormatViolation, "got null"},
		{"empty payload", "Heartbeat", ``, false, rpc.FormatViolation, "not valid JSON"},
		{"missing required", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"m"}}`, false,
			rpc.OccurrenceConstraintViolation, `"/chargingStation/vendorName": required property missing`},
		{"missing required at root", "BootNotification", `{"reason":"PowerUp"}`, false,
			rpc.OccurrenceConstraintViolation, `"/chargingStation": required property missing`},
		{"too few items", "MeterValues", `{"evseId":1,"meterValue":[]}`, false,
			rpc.OccurrenceConstraintViolation, `"/meterValue": 0 items, minItems 1`},
		{"too many items", "SetChargingProfile", chargingProfile(4), false,
			rpc.OccurrenceConstraintViolation, `"/chargingProfile/chargingSchedule": 4 items, maxItems 3`},
		{"items at the limit", "SetChargingProfile", chargingProfile(3), false, "", ""},
		{"wrong type string", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":12,"vendorName":"v"}}`, false,
			rpc.TypeConstraintViolation, `"/chargingStation/model": type integer, want string`},
		{"wrong type in array", "MeterValues", `{"evseId":1,"meterValue":[{"timestamp":"2026-12-01T00:00:00Z","sampledValue":[{"value":"12"}]}]}`, false,
			rpc.TypeConstraintViolation, `"/meterValue/0/sampledValue/0/value": type string, want number`},
		{"maxLength", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("m", 51) + `","vendorName":"v"}}`, false,
			rpc.PropertyConstraintViolation, `"/chargingStation/model": length 51 exceeds maxLength 20`},
		{"maxLength counts characters", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("ü", 20) + `","vendorName":"v"}}`, false,
			"", ""},
		{"enum", "BootNotification", `{"reason":"Reboot","chargingStation":{"model":"m","vendorName":"v"}}`, false,
			rpc.PropertyConstraintViolation, `"/reason": value "Reboot" is not one of [ApplicationReset`},
		{"date-time format", "Heartbeat", `{"currentTime":"yesterday"}`, true,
			rpc.PropertyConstraintViolation, `"/currentTime": value "yesterday" is not a valid date-time`},
		{"unknown property", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v","colour":"red"}}`, false,
			rpc.PropertyConstraintViolation, `"/chargingStation/colour": property not defined`},
		{"customData is open", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v"},` +
			`"customData":{"vendorId":"x","anything":[1]}}`, false, "", ""},
		{"customData needs vendorId", "BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"m","vendorName":"v"},` +
			`"customData":{"anything":1}}`, false, rpc.OccurrenceConstraintViolation, `"/customData/vendorId": required property missing`},
		{"several problems", "BootNotification", `{"reason":"Nope","chargingStation":{"model":1}}`, false,
			rpc.TypeConstraintViolation, `"/chargingStation/model": type integer, want string (and 2 more)`},
		{"unknown action", "FlyToTheMoon", `{}`, false, rpc.NotImplemented, `unknown action "FlyToTheMoon"`},
		{"known action without types", "ReserveNow", `{}`, false, rpc.NotSupported, "ReserveNow is not supported"},
		{"valid", "BootNotification", validBoot, false, "", ""},
		{"valid response", "BootNotification", `{"currentTime":"2026-12-01T21:00:00+09:00","interval":300,"status":"Accepted"}`, true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			validate := ocpp.ValidateRequest
			if c.response {
				validate = ocpp.ValidateResponse
			}
			err := validate(c.action, []byte(c.payload))
			agreeWithOCA(t, c.action, c.response, c.payload, c.code)
			if c.code == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var oe *rpc.Error
			if !errors.As(err, &oe) {
				t.Fatalf("want *rpc.Error, got %T %v", err, err)
			}
			if oe.Code != c.code || !strings.Contains(oe.Description, c.desc) {
				t.Errorf("got %s %q\nwant %s containing %q", oe.Code, oe.Description, c.code, c.desc)
			}
		})
	}
}

// chargingProfile is a SetChargingProfileRequest with n schedules.
func chargingProfile(n int) string {
	schedule := `{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}`
	return `{"evseId":0,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile",` +
		`"chargingProfileKind":"Absolute","chargingSchedule":[` + strings.Repeat(schedule+",", n-1) + schedule + `]}}`
}

// TestValidateRangeAndInteger covers the number rules: exponents are
// numbers, a fraction is not an integer, minimum applies inside arrays.
func TestValidateRangeAndInteger(t *testing.T) {
	tx := func(soc string) string {
		return `{"evseId":1,"meterValue":[{"timestamp":"2026-12-01T00:00:00Z","sampledValue":[{"value":` + soc + `}]}]}`
	}
	if err := ocpp.ValidateRequest("MeterValues", []byte(tx("1e3"))); err != nil {
		t.Errorf("exponent number rejected: %v", err)
	}
	err := ocpp.ValidateResponse("BootNotification", []byte(`{"currentTime":"2026-12-01T21:00:00Z","interval":1.5,"status":"Accepted"}`))
	var oe *rpc.Error
	if !errors.As(err, &oe) || oe.Code != rpc.TypeConstraintViolation || !strings.Contains(oe.Description, `"/interval": type number, want integer`) {
		t.Errorf("fractional integer: %v", err)
	}
	profile := `{"evseId":0,"chargingProfile":{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile",` +
		`"chargingProfileKind":"Absolute","chargingSchedule":[{"id":1,"chargingRateUnit":"A",` +
		`"chargingSchedulePeriod":[{"startPeriod":0,"limit":16}],"salesTariff":{"id":1,"salesTariffEntry":[` +
		`{"relativeTimeInterval":{"start":0},"ePriceLevel":-2}]}}]}}`
	err = ocpp.ValidateRequest("SetChargingProfile", []byte(profile))
	if !errors.As(err, &oe) || oe.Code != rpc.PropertyConstraintViolation || !strings.Contains(oe.Description, "ePriceLevel\": value -2 is below minimum 0") {
		t.Errorf("minimum inside an array: %v", err)
	}
}

// TestValidateConcurrent runs validations in parallel; with -race it proves
// the compiled schemas are shared safely.
func TestValidateConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			payload := validBoot
			if i%2 == 1 {
				payload = `{"reason":"PowerUp"}`
			}
			for range 50 {
				err := ocpp.ValidateRequest("BootNotification", []byte(payload))
				if (err == nil) != (i%2 == 0) {
					t.Errorf("goroutine %d: %v", i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestErrorDetailsNamePath(t *testing.T) {
	err := ocpp.ValidateRequest("BootNotification", []byte(`{"reason":"PowerUp","chargingStation":{"model":"m"}}`))
	var oe *rpc.Error
	if !errors.As(err, &oe) {
		t.Fatal(err)
	}
	if oe.Details["path"] != "/chargingStation/vendorName" || oe.Details["keyword"] != "required" {
		t.Errorf("details %v", oe.Details)
	}
}

// TestDecodeSchemaValidButUnfit covers payloads the schema accepts and the
// Go types cannot hold.
func TestDecodeSchemaValidButUnfit(t *testing.T) {
	cases := []struct {
		name, payload string
		code          rpc.ErrorCode
		desc          string
	}{
		{"integer written as 1.0", `{"evseId":1.0,"connectorId":1,"connectorStatus":"Available","timestamp":"2026-12-01T00:00:00Z"}`,
			rpc.TypeConstraintViolation, `"/evseId": value number 1.0 does not fit Go type int`},
		{"integer beyond int64", `{"evseId":1e30,"connectorId":1,"connectorStatus":"Available","timestamp":"2026-12-01T00:00:00Z"}`,
			rpc.TypeConstraintViolation, `"/evseId"`},
		{"leap second", `{"evseId":1,"connectorId":1,"connectorStatus":"Available","timestamp":"2016-12-31T23:59:60Z"}`,
			rpc.PropertyConstraintViolation, "cannot be decoded"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := ocpp.ValidateRequest("StatusNotification", []byte(c.payload)); err != nil {
				t.Fatalf("precondition: the schema accepts this payload, got %v", err)
			}
			_, err := ocpp.DecodeRequest("StatusNotification", []byte(c.payload))
			var oe *rpc.Error
			if !errors.As(err, &oe) || oe.Code != c.code || !strings.Contains(oe.Description, c.desc) {
				t.Errorf("got %v, want %s containing %q", err, c.code, c.desc)
			}
		})
	}
	v, err := ocpp.DecodeRequest("StatusNotification",
		[]byte(`{"evseId":1,"connectorId":2,"connectorStatus":"Occupied","timestamp":"2026-12-01T00:00:00Z"}`))
	if sn, ok := v.(*ocpp.StatusNotificationRequest); err != nil || !ok || sn.ConnectorID != 2 || sn.ConnectorStatus != ocpp.ConnectorStatusOccupied {
		t.Errorf("decode: %#v, %v", v, err)
	}
}

// agreeWithOCA checks that the OCA schema accepts or rejects a payload
// just as the project schema does, for the rows that reach the schema.
func agreeWithOCA(t *testing.T, action string, response bool, payload string, code rpc.ErrorCode) {
	t.Helper()
	info, _ := ocpp.Lookup(action)
	schemaLevel := code == "" || code == rpc.OccurrenceConstraintViolation ||
		code == rpc.TypeConstraintViolation || code == rpc.PropertyConstraintViolation
	if !info.HasTypes() || !schemaLevel || !haveOCA(t) {
		return
	}
	file := action + "Request.json"
	if response {
		file = action + "Response.json"
	}
	err := ocaCheck(t, file, []byte(payload))
	if (err == nil) != (code == "") {
		t.Errorf("OCA %s disagrees: project code %q, OCA error %v", file, code, err)
	}
}
