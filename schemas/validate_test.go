package schemas

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var doc any
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return doc
}

const head = `"apiVersion":"ocppgw.dev/v1alpha1","metadata":{"name":"x"},`

func TestValidateResourceErrors(t *testing.T) {
	cases := []struct {
		name, kind, doc string
		want            []v1alpha1.FieldError // exact, in order
	}{
		{"envelope", "Bus", `{"apiVersion":"v1","kind":"Bus","metadata":{"name":"Bad_Name","uid":7},"spec":{"device":"/dev/x"},"extra":{}}`,
			[]v1alpha1.FieldError{
				{Field: "apiVersion", Reason: `must be "ocppgw.dev/v1alpha1", got "v1"`},
				{Field: "extra", Reason: `unknown field "extra"; known fields: apiVersion, kind, metadata, spec, status`},
				{Field: "metadata.name", Reason: `must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, got "Bad_Name"`},
				{Field: "metadata.uid", Reason: "must be string, got integer (quote it in YAML)"},
			}},
		{"missing required", "Charger", `{` + head + `"kind":"Charger","spec":{"connection":{"modbusTCP":{}}}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.connection.modbusTCP.host", Reason: `required field "host" is missing`},
				{Field: "spec.templateRef", Reason: `required field "templateRef" is missing`},
			}},
		{"missing spec and metadata", "Bus", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus"}`,
			[]v1alpha1.FieldError{
				{Field: "metadata", Reason: `required field "metadata" is missing`},
				{Field: "spec", Reason: `required field "spec" is missing`},
			}},
		{"wrong types", "Bus", `{` + head + `"kind":"Bus","spec":{"device":"/dev/x","baudRate":"fast","retries":1.5,"pollBudget":true,"parity":false}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.baudRate", Reason: "must be integer, got string"},
				{Field: "spec.parity", Reason: "must be string, got boolean (quote it in YAML)"},
				{Field: "spec.pollBudget", Reason: "must be number, got boolean"},
				{Field: "spec.retries", Reason: "must be integer, got number"},
			}},
		{"enum bounds pattern", "Bus", `{` + head + `"kind":"Bus","spec":{"device":"dev","baudRate":14400,"retries":11,"timeout":"5 s"}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.baudRate", Reason: "must be one of 9600, 19200, 38400, 57600, 115200, got 14400"},
				{Field: "spec.device", Reason: `must be an absolute device path such as /dev/ttyUSB0, got "dev"`},
				{Field: "spec.retries", Reason: "must be at most 10, got 11"},
				{Field: "spec.timeout", Reason: `must be a duration with a unit, such as "500ms", "5s" or "1m30s", got "5 s"`},
			}},
		{"unknown field near miss", "Charger", `{` + head + `"kind":"Charger","spec":{"templateRef":"t","connection":{"modbusTCP":{"hots":"h","host":"h"}}}}`,
			[]v1alpha1.FieldError{{Field: "spec.connection.modbusTCP.hots", Reason: `unknown field "hots" (did you mean "host"?)`}}},
		{"exactly one connection", "Charger", `{` + head + `"kind":"Charger","spec":{"templateRef":"t","connection":{"modbusTCP":{"host":"h"},"modbusRTU":{"busRef":"b","unitId":1}}}}`,
			[]v1alpha1.FieldError{{Field: "spec.connection", Reason: "must set exactly one of echonet, modbusRTU, modbusTCP, got modbusRTU and modbusTCP"}}},
		{"no connection", "Charger", `{` + head + `"kind":"Charger","spec":{"templateRef":"t","connection":{}}}`,
			[]v1alpha1.FieldError{{Field: "spec.connection", Reason: "must set exactly one of echonet, modbusRTU, modbusTCP"}}},
		{"array paths", "Charger", `{` + head + `"kind":"Charger","spec":{"templateRef":"t","connection":{"modbusTCP":{"host":"h"}},"evses":[{"id":1},{"id":0,"connectors":[]}]}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.evses[1].connectors", Reason: "must have at least 1 items, got 0"},
				{Field: "spec.evses[1].id", Reason: "must be at least 1, got 0"},
			}},
		{"map keys", "Template", `{` + head + `"kind":"Template","spec":{"protocol":"modbus","signals":{"currentA":"1","powerW":""},"commands":{"reboot":{"expr":"x"}}}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.commands.reboot", Reason: `invalid key "reboot": must be one of "start", "stop", "setCurrentLimit", "setPowerLimit", "setAvailable", "unlock", "keepAlive"`},
				{Field: "spec.signals.currentA", Reason: `invalid key "currentA": must be one of "evConnected", "charging", "suspended", "faulted", "faultCode", "operative", "energyWh", "powerW", "currentA1", "currentA2", "currentA3", "voltageV1", "voltageV2", "voltageV3", "socPercent", "idToken", "vehicleId", "currentLimitA" (did you mean "currentA1"?)`},
				{Field: "spec.signals.powerW", Reason: "must be at least 1 characters, got 0"},
			}},
		{"label keys with odd characters", "Secret", `{` + `"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"s","labels":{"a b/c":"v","ok":"a b"}},"spec":{"data":{"x/y":"1"}}}`,
			[]v1alpha1.FieldError{
				{Field: "metadata.labels.ok", Reason: `must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit, got "a b"`},
				{Field: `metadata.labels["a b/c"]`, Reason: `invalid key "a b/c": must be an optional DNS subdomain prefix and '/', then letters, digits, '-', '_' or '.', starting and ending with a letter or digit`},
				{Field: `spec.data["x/y"]`, Reason: `invalid key "x/y": must be letters, digits, '-', '_' or '.'`},
			}},
		{"date-time and lengths", "Transaction", `{` + head + `"kind":"Transaction","spec":{"chargerRef":"c","evseId":1,"transactionId":"` + strings.Repeat("t", 37) + `","startedAt":"now"}}`,
			[]v1alpha1.FieldError{
				{Field: "spec.startedAt", Reason: `must be an RFC 3339 date-time such as "2025-01-31T12:00:00Z", got "now"`},
				{Field: "spec.transactionId", Reason: "must be at most 36 characters, got 37"},
			}},
		{"status checked too", "Charger", `{` + head + `"kind":"Charger","spec":{"templateRef":"t","connection":{"modbusTCP":{"host":"h"}}},"status":{"ocpp":{"state":"Online"}}}`,
			[]v1alpha1.FieldError{{Field: "status.ocpp.state", Reason: `must be one of "Registered", "Pending", "Rejected", "Offline", got "Online" (did you mean "Offline"?)`}}},
		{"unknown kind", "Foo", `{}`,
			[]v1alpha1.FieldError{{Field: "kind", Reason: `unknown kind "Foo"; known kinds: CSMS, Bus, Secret, Template, Charger, ChargingProfile, Transaction, Token`}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ValidateResource(c.kind, decode(t, c.doc))
			if len(got) != len(c.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(c.want), fmtErrs(got))
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("error %d:\n got %s\nwant %s", i, got[i], c.want[i])
				}
			}
		})
	}
}

func fmtErrs(errs []v1alpha1.FieldError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  " + e.String() + "\n")
	}
	return b.String()
}

// TestAdmittedObjectsConform checks that what Admit writes back (defaults
// included) still passes the schema, for a valid object of every kind.
func TestAdmittedObjectsConform(t *testing.T) {
	docs := map[string]string{
		"CSMS":   `{"url":"wss://csms.example.com/ocpp","securityProfile":2,"caSecretRef":{"name":"ca"},"basicAuthPasswordSecretRef":{"name":"pw"}}`,
		"Bus":    `{"device":"/dev/ttyUSB0","baudRate":19200}`,
		"Secret": `{"type":"basic-auth","data":{"password":"s3cret-and-long"}}`,
		"Template": `{"protocol":"modbus","read":{"modbus":{"blocks":[{"name":"status","address":16384,"count":32}]}},
			"signals":{"charging":"regs[\"status\"][13] == 4"},"commands":{"keepAlive":{"expr":"[]","period":"30s"}}}`,
		"Charger": `{"templateRef":"abb","connection":{"modbusTCP":{"host":"10.0.0.5"}},
			"ocpp":{"csmsRef":"main","variables":[{"component":"OCPPCommCtrlr","variable":"HeartbeatInterval","value":300}]}}`,
		"ChargingProfile": `{"chargerRef":"wb-1","source":"csms","evseId":0,"id":1,"stackLevel":0,"chargingProfilePurpose":"ChargingStationMaxProfile",
			"chargingProfileKind":"Relative","chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":32}]}]}`,
		"Transaction": `{"chargerRef":"wb-1","evseId":1,"transactionId":"tx-1","startedAt":"2025-01-01T00:00:00Z"}`,
		"Token":       `{"role":"operator","expiration":"2030-01-01T00:00:00Z","hash":"sha256:` + strings.Repeat("ab", 32) + `"}`,
	}
	for _, k := range v1alpha1.Kinds() {
		o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: k.Kind, Metadata: v1alpha1.ObjectMeta{Name: "obj"}, Spec: json.RawMessage(docs[k.Kind])}
		if errs := ValidateResource(k.Kind, toDoc(t, o)); errs != nil {
			t.Errorf("%s before Admit:\n%s", k.Kind, fmtErrs(errs))
		}
		if err := v1alpha1.Admit(o); err != nil {
			t.Fatalf("%s: %v", k.Kind, err)
		}
		if errs := ValidateResource(k.Kind, toDoc(t, o)); errs != nil {
			t.Errorf("%s after Admit (%s):\n%s", k.Kind, o.Spec, fmtErrs(errs))
		}
	}
}

func toDoc(t *testing.T, o *v1alpha1.Object) any {
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(b))
}

func TestEnumSuggestion(t *testing.T) {
	doc := decode(t, `{`+head+`"kind":"Charger","spec":{"templateRef":"t","connection":{"modbusTCP":{"host":"h"}},"evses":[{"connectors":[{"type":"Type2"}]}]}}`)
	errs := ValidateResource("Charger", doc)
	if len(errs) != 1 || errs[0].Field != "spec.evses[0].connectors[0].type" || !strings.HasSuffix(errs[0].Reason, `got "Type2" (did you mean "cType2"?)`) {
		t.Errorf("got %v", errs)
	}
}
