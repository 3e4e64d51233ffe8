package ocpp_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// TestRoundTripAllTypes marshals a full and a minimal sample of every
// request and response type, validates each against the project schema and
// the OCA schema, and checks that decoding and re-encoding reproduces the
// same bytes.
func TestRoundTripAllTypes(t *testing.T) {
	ocaDir(t)
	for _, action := range ocpp.TypedActions() {
		info, _ := ocpp.Lookup(action)
		for _, kind := range []string{"Request", "Response"} {
			newValue, validate := info.NewRequest, ocpp.ValidateRequest
			if kind == "Response" {
				newValue, validate = info.NewResponse, ocpp.ValidateResponse
			}
			for _, mode := range []struct {
				name string
				f    filler
			}{{"full", filler{full: true}}, {"minimal", filler{}}} {
				t.Run(action+kind+"/"+mode.name, func(t *testing.T) {
					typ := reflect.TypeOf(newValue()).Elem()
					b, err := json.Marshal(mode.f.sample(typ))
					if err != nil {
						t.Fatal(err)
					}
					if err := validate(action, b); err != nil {
						t.Errorf("project schema rejects %s: %v", b, err)
					}
					checkOCA(t, action+kind+".json", b)
					back := newValue()
					if err := json.Unmarshal(b, back); err != nil {
						t.Fatalf("decode %s: %v", b, err)
					}
					again, err := json.Marshal(back)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(b, again) {
						t.Errorf("round trip changed the payload\n got %s\nwant %s", again, b)
					}
				})
			}
		}
	}
}

func checkOCA(t *testing.T, file string, b []byte) {
	t.Helper()
	if err := ocaCheck(t, file, b); err != nil {
		t.Errorf("OCA %s rejects %s: %v", file, b, err)
	}
}

// Payloads as a station and a CSMS would write them, decoded into the Go
// types: field names and nesting are checked against real-looking JSON, not
// only against what the types themselves produce.
const (
	bootJSON = `{"reason":"PowerUp","chargingStation":{"model":"WB-22","vendorName":"Example",` +
		`"serialNumber":"SN-0042","firmwareVersion":"1.4.2","modem":{"iccid":"8931","imsi":"2620"}}}`
	txJSON = `{"eventType":"Updated","timestamp":"2026-12-01T21:04:05.678Z","triggerReason":"MeterValuePeriodic",` +
		`"seqNo":3,"offline":true,"transactionInfo":{"transactionId":"tx-1","chargingState":"Charging"},` +
		`"evse":{"id":1,"connectorId":1},"idToken":{"idToken":"04A1B2C3","type":"ISO14443"},` +
		`"meterValue":[{"timestamp":"2026-12-01T21:04:05.678Z","sampledValue":[` +
		`{"value":12345.5,"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},` +
		`{"value":16,"measurand":"Current.Import","phase":"L1","context":"Sample.Periodic"}]}],` +
		`"customData":{"vendorId":"com.example","rssi":-61}}`
)

func TestDecodeRealisticPayloads(t *testing.T) {
	var boot ocpp.BootNotificationRequest
	roundTripJSON(t, ocpp.ActionBootNotification, bootJSON, &boot)
	if boot.Reason != ocpp.BootReasonPowerUp || boot.ChargingStation.Model != "WB-22" ||
		boot.ChargingStation.Modem == nil || boot.ChargingStation.Modem.Iccid != "8931" {
		t.Errorf("decoded %+v", boot)
	}

	var tx ocpp.TransactionEventRequest
	roundTripJSON(t, ocpp.ActionTransactionEvent, txJSON, &tx)
	sv := tx.MeterValue[0].SampledValue
	switch {
	case tx.EventType != ocpp.TransactionEventUpdated, tx.SeqNo != 3, tx.Offline == nil || !*tx.Offline:
		t.Errorf("header %+v", tx)
	case tx.EVSE == nil || tx.EVSE.ConnectorID == nil || *tx.EVSE.ConnectorID != 1:
		t.Errorf("evse %+v", tx.EVSE)
	case len(sv) != 2 || sv[0].Value != 12345.5 || sv[1].Phase != ocpp.PhaseL1:
		t.Errorf("sampled values %+v", sv)
	case tx.CustomData == nil || string(tx.CustomData.Extra["rssi"]) != "-61":
		t.Errorf("customData %+v", tx.CustomData)
	case !tx.Timestamp.Equal(sampleTime.Time):
		t.Errorf("timestamp %v", tx.Timestamp)
	}
}

// roundTripJSON validates src with both schemas, decodes it into v and
// checks that re-encoding gives the same JSON value.
func roundTripJSON(t *testing.T, action, src string, v any) {
	t.Helper()
	if err := ocpp.ValidateRequest(action, []byte(src)); err != nil {
		t.Fatalf("project schema: %v", err)
	}
	if haveOCA(t) {
		checkOCA(t, action+"Request.json", []byte(src))
	}
	if err := json.Unmarshal([]byte(src), v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var want, got any
	_ = json.Unmarshal([]byte(src), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("re-encoded differs\n got %s\nwant %s", out, src)
	}
}
