package ocpp_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

func TestLookup(t *testing.T) {
	info, ok := ocpp.Lookup(ocpp.ActionBootNotification)
	if !ok || !info.HasTypes() {
		t.Fatalf("BootNotification: %+v %v", info, ok)
	}
	if _, ok := info.NewRequest().(*ocpp.BootNotificationRequest); !ok {
		t.Errorf("NewRequest() = %T", info.NewRequest())
	}
	if _, ok := info.NewResponse().(*ocpp.BootNotificationResponse); !ok {
		t.Errorf("NewResponse() = %T", info.NewResponse())
	}
	if info.NewRequest() == info.NewRequest() {
		t.Error("NewRequest returns a shared value")
	}
	reserve, ok := ocpp.Lookup(ocpp.ActionReserveNow)
	if !ok || reserve.HasTypes() || reserve.NewRequest() != nil || reserve.NewResponse() != nil {
		t.Errorf("ReserveNow: %+v %v", reserve, ok)
	}
	if _, ok := ocpp.Lookup("bootnotification"); ok || ocpp.IsKnownAction("bootnotification") {
		t.Error("action names are case-sensitive")
	}
}

// TestTypedActionsCoverCore pins the list of actions with Go types: the
// Core profile's messages in both directions plus local list and smart
// charging. Removing one must be a deliberate change here.
func TestTypedActionsCoverCore(t *testing.T) {
	want := strings.Fields(`Authorize BootNotification ChangeAvailability ClearCache ClearChargingProfile
	  ClearedChargingLimit CustomerInformation DataTransfer DeleteCertificate FirmwareStatusNotification GetBaseReport
	  GetChargingProfiles GetCompositeSchedule GetInstalledCertificateIds GetLocalListVersion GetLog GetTransactionStatus
	  GetVariables Heartbeat InstallCertificate LogStatusNotification MeterValues NotifyChargingLimit NotifyCustomerInformation
	  NotifyEvent NotifyReport ReportChargingProfiles RequestStartTransaction RequestStopTransaction Reset SecurityEventNotification
	  SendLocalList SetChargingProfile SetNetworkProfile SetVariables StatusNotification TransactionEvent
	  TriggerMessage UnlockConnector UpdateFirmware`)
	if got := ocpp.TypedActions(); !reflect.DeepEqual(got, want) {
		t.Errorf("typed actions\n got %v\nwant %v", got, want)
	}
}

func TestEnumValues(t *testing.T) {
	got, ok := ocpp.EnumValues(reflect.TypeFor[ocpp.RegistrationStatusEnumType]())
	if !ok || !reflect.DeepEqual(got, []string{"Accepted", "Pending", "Rejected"}) {
		t.Errorf("RegistrationStatus values %v %v", got, ok)
	}
	got[0] = "changed"
	if again, _ := ocpp.EnumValues(reflect.TypeFor[ocpp.RegistrationStatusEnumType]()); again[0] != "Accepted" {
		t.Error("EnumValues exposes its table")
	}
	if _, ok := ocpp.EnumValues(reflect.TypeFor[string]()); ok {
		t.Error("string is not an enum")
	}
}

func TestDateTime(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	d := ocpp.NewDateTime(time.Date(2026, 12, 2, 6, 4, 5, 678_900_000, tokyo))
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `"2026-12-01T21:04:05.678Z"` {
		t.Errorf("marshal %s", b)
	}
	for _, in := range []string{`"2026-12-01T21:04:05Z"`, `"2026-12-02T06:04:05.678+09:00"`, `"2026-12-01T21:04:05.123456789Z"`} {
		var back ocpp.DateTime
		if err := json.Unmarshal([]byte(in), &back); err != nil {
			t.Errorf("unmarshal %s: %v", in, err)
		}
	}
	for _, in := range []string{`"2026-12-01 21:04:05"`, `1733086800`, `"yesterday"`} {
		var back ocpp.DateTime
		if err := json.Unmarshal([]byte(in), &back); err == nil {
			t.Errorf("unmarshal %s accepted", in)
		}
	}
}

func TestCustomDataKeepsExtraProperties(t *testing.T) {
	in := `{"vendorId":"com.example","rssi":-61,"nested":{"a":[1,2]}}`
	var c ocpp.CustomDataType
	if err := json.Unmarshal([]byte(in), &c); err != nil {
		t.Fatal(err)
	}
	if c.VendorID != "com.example" || len(c.Extra) != 2 || string(c.Extra["rssi"]) != "-61" {
		t.Fatalf("decoded %+v", c)
	}
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(in), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("re-encoded %s, want %s", out, in)
	}
	if err := json.Unmarshal([]byte(`{"vendorId":5}`), &c); err == nil {
		t.Error("numeric vendorId accepted")
	}
}
