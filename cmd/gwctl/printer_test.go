package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-5 * time.Second, "<invalid>"},
		{-500 * time.Millisecond, "0s"},
		{45 * time.Second, "45s"},
		{119 * time.Second, "119s"},
		{3 * time.Minute, "3m"},
		{3*time.Minute + 12*time.Second, "3m12s"},
		{42 * time.Minute, "42m"},
		{5 * time.Hour, "5h"},
		{5*time.Hour + 7*time.Minute, "5h7m"},
		{30 * time.Hour, "30h"},
		{50 * time.Hour, "2d2h"},
		{48 * time.Hour, "2d"},
		{40 * 24 * time.Hour, "40d"},
		{3 * 365 * 24 * time.Hour, "3y"},
		{(3*365 + 10) * 24 * time.Hour, "3y10d"},
		{10 * 365 * 24 * time.Hour, "10y"},
	}
	for _, tt := range tests {
		if got := humanDuration(tt.d); got != tt.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestAgeOfBadTimestamp(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, ts := range []string{"", "yesterday"} {
		if got := age(ts, now); got != "<unknown>" {
			t.Errorf("age(%q) = %q, want <unknown>", ts, got)
		}
	}
	if got := age("2025-01-02T03:03:20Z", now); got != "45s" {
		t.Errorf("age = %q, want 45s", got)
	}
}

// fixture builds an object as the server returns it, created ago before now.
func fixture(kind, name string, ago time.Duration, now time.Time, spec, status string) *v1alpha1.Object {
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: kind}
	o.Metadata.Name = name
	o.Metadata.CreationTimestamp = now.Add(-ago).UTC().Format(time.RFC3339)
	o.Spec = json.RawMessage(spec)
	if status != "" {
		o.Status = json.RawMessage(status)
	}
	return o
}

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func fixedObjects() map[string][]*v1alpha1.Object {
	now := fixedNow
	return map[string][]*v1alpha1.Object{
		"Charger": {
			fixture("Charger", "ch-tcp", 45*time.Second, now,
				`{"templateRef":"abb-terra","connection":{"modbusTCP":{"host":"10.0.0.5","port":502,"unitId":1}},"pollInterval":"5s","ocpp":{"stationId":"CP-0001","csmsRef":"main"},"evses":[{"id":1,"connectors":[{"id":1}]}]}`,
				`{"conditions":[{"type":"Ready","status":"True","reason":"Polling"}],"ocpp":{"state":"Registered",`+
					`"limits":[{"evseId":1,"limitA":16,"source":"Site","siteShareA":16,"csmsLimitA":32,"writtenA":16,"writtenAt":"2025-06-01T11:59:00Z","nextChange":"2025-06-01T18:00:00Z","nextLimitA":8}]},"connectors":[{"evseId":1,"connectorId":1,"status":"Occupied","signals":{"powerW":7400,"energyWh":1234.5}}]}`),
			fixture("Charger", "ch-rtu", 3*time.Minute, now,
				`{"templateRef":"keba","connection":{"modbusRTU":{"busRef":"rs485-1","unitId":7}}}`, ""),
			fixture("Charger", "ch-el", 50*time.Hour, now,
				`{"templateRef":"el-generic","connection":{"echonet":{"address":"192.168.1.20","eoj":"0x02A101"}},"evses":[{"id":1},{"id":2}]}`,
				`{"conditions":[{"type":"Ready","status":"False","reason":"Unreachable"}],`+
					`"ocpp":{"limits":[{"evseId":1,"limitA":6,"source":"CSMS","csmsLimitA":6},{"evseId":2,"limitA":10,"source":"Charger","nextChange":"2025-06-02T06:00:00Z","nextLimitA":32.5}]},"connectors":[{"evseId":1,"connectorId":1,"status":"Available"},{"evseId":2,"connectorId":1,"status":"Faulted"}]}`),
			// Answers, but 0xC7 did not arrive: EV unknown, DeviceError shown.
			fixture("Charger", "ch-el-sna", time.Hour, now,
				`{"templateRef":"el-generic","connection":{"echonet":{"address":"192.168.1.21","eoj":"0x02A101"}}}`,
				`{"conditions":[{"type":"DeviceReachable","status":"True","reason":"Polled"},{"type":"DeviceDataValid","status":"False","reason":"DeviceError"}],"connectors":[{"evseId":1,"connectorId":1,"status":"Unavailable","signals":{"powerW":0},"unknown":{"evConnected":"EPC 0xC7 not received"}}]}`),
			// One poll failed: the values shown are stale.
			fixture("Charger", "ch-tcp-stale", time.Hour, now,
				`{"templateRef":"abb-terra","connection":{"modbusTCP":{"host":"10.0.0.6","port":502,"unitId":1}}}`,
				`{"conditions":[{"type":"DeviceReachable","status":"True","reason":"Polled"},{"type":"DeviceDataValid","status":"True","reason":"Complete"}],"connectors":[{"evseId":1,"connectorId":1,"status":"Available","signals":{"evConnected":false},"stale":true}]}`),
			fixture("Charger", "ch-tcp-down", time.Hour, now,
				`{"templateRef":"abb-terra","connection":{"modbusTCP":{"host":"10.0.0.7","port":502,"unitId":1}}}`,
				`{"conditions":[{"type":"DeviceReachable","status":"False","reason":"NotResponding"}],"connectors":[{"evseId":1,"connectorId":1,"status":"Faulted","signals":{"evConnected":false},"stale":true}]}`),
		},
		"Template": {
			fixture("Template", "abb-terra", 5*time.Hour, now, `{"protocol":"modbus"}`,
				`{"conditions":[{"type":"TemplateReady","status":"True","reason":"Compiled"}]}`),
			fixture("Template", "abb-terra-ac", 5*time.Hour, now, `{"extends":"abb-terra"}`,
				`{"conditions":[{"type":"TemplateReady","status":"False","reason":"CELError"}]}`),
		},
		"CSMS":   {fixture("CSMS", "main", time.Hour, now, `{"url":"wss://csms.example/ocpp","securityProfile":2}`, "")},
		"Bus":    {fixture("Bus", "rs485-1", time.Hour, now, `{"device":"/dev/ttyUSB0","baudRate":19200,"parity":"E"}`, "")},
		"Secret": {fixture("Secret", "csms-auth", time.Hour, now, `{"type":"basic-auth","data":{"password":"hunter2","username":"cp"}}`, "")},
		"ChargingProfile": {
			fixture("ChargingProfile", "ch-tcp-csms-7", 2*time.Minute, now,
				`{"source":"csms","chargerRef":"ch-tcp","evseId":0,"id":7,"stackLevel":2,"chargingProfilePurpose":"ChargingStationMaxProfile","chargingProfileKind":"Absolute",`+
					`"chargingSchedule":[{"id":1,"startSchedule":"2025-06-01T00:00:00Z","chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":11000},{"startPeriod":3600,"limit":7400}]}]}`, ""),
			fixture("ChargingProfile", "north-evening", time.Hour, now,
				`{"source":"operator","chargers":{"selector":"site=north"},"evseId":0,"id":2,"stackLevel":0,"chargingProfilePurpose":"ChargingStationExternalConstraints",`+
					`"chargingProfileKind":"Recurring","recurrencyKind":"Daily","validFrom":"2025-01-01T00:00:00Z","validTo":"2026-01-01T00:00:00Z",`+
					`"chargingSchedule":[{"id":1,"startSchedule":"2025-01-01T00:00:00Z","chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":250},{"startPeriod":61200,"limit":100},{"startPeriod":75600,"limit":250}]}]}`, ""),
			fixture("ChargingProfile", "north-pair", time.Hour, now,
				`{"source":"operator","chargers":{"names":["ch-tcp","ch-rtu"]},"evseId":0,"id":3,"stackLevel":0,"chargingProfilePurpose":"ChargingStationExternalConstraints","limit":{"value":40,"unit":"A"}}`, ""),
			fixture("ChargingProfile", "north-main-ch-tcp", time.Minute, now,
				`{"source":"site","chargerRef":"ch-tcp","siteRef":"north-main","evseId":0,"id":1000,"stackLevel":0,"chargingProfilePurpose":"ChargingStationExternalConstraints","limit":{"value":16.5,"unit":"A"}}`, ""),
		},
		"Transaction": {
			fixture("Transaction", "0d6c3f0e-5a51-4f0e-9c3a-2b8e1f7d4a10", 72*time.Minute, now,
				`{"chargerRef":"ch-tcp","evseId":1,"connectorId":1,"transactionId":"0d6c3f0e-5a51-4f0e-9c3a-2b8e1f7d4a10","startedAt":"2025-06-01T10:48:00Z"}`,
				`{"state":"Active","chargingState":"Charging","seqNo":6,"idToken":{"idToken":"04A1B2C3","type":"ISO14443"},"energyWh":8123.4,"powerW":7360,`+
					`"outbox":[{"seqNo":5,"eventType":"Updated","timestamp":"2025-06-01T11:59:00Z","payload":{},"attempts":2,"trigger":"MeterValuePeriodic"}]}`),
			fixture("Transaction", "7b2e9a44-1c0d-4b5e-8f6a-93d2c4e5f601", 3*time.Minute, now,
				`{"chargerRef":"ch-tcp","evseId":2,"connectorId":1,"transactionId":"7b2e9a44-1c0d-4b5e-8f6a-93d2c4e5f601","startedAt":"2025-06-01T11:57:00Z"}`,
				`{"state":"Active","chargingState":"EVConnected","seqNo":2,"droppedEvents":1,`+
					`"outbox":[{"seqNo":0,"eventType":"Started","timestamp":"2025-06-01T11:57:00Z","payload":{},"offline":true,"trigger":"CablePluggedIn"},`+
					`{"seqNo":1,"eventType":"Updated","timestamp":"2025-06-01T11:58:00Z","payload":{},"offline":true,"trigger":"Authorized"}]}`),
			fixture("Transaction", "c41f0b7d-2e8a-4d6b-a5c9-0f1e2d3c4b5a", 30*time.Hour, now,
				`{"chargerRef":"ch-el","evseId":2,"connectorId":1,"transactionId":"c41f0b7d-2e8a-4d6b-a5c9-0f1e2d3c4b5a","startedAt":"2025-05-31T06:00:00Z"}`,
				`{"state":"Ended","chargingState":"Idle","seqNo":41,"energyWh":15000,"powerW":0,"stoppedReason":"EVDisconnected","endedAt":"2025-05-31T08:25:00Z"}`),
		},
	}
}

// TestGoldenTables pins the column layout of every kind that has a printer,
// wide and not.
func TestGoldenTables(t *testing.T) {
	objs := fixedObjects()
	var b bytes.Buffer
	for _, kind := range []string{"Charger", "Template", "CSMS", "Bus", "Secret", "ChargingProfile", "Transaction"} {
		for _, wide := range []bool{false, true} {
			if wide && kind != "Charger" && kind != "Transaction" && kind != "ChargingProfile" {
				continue
			}
			if err := printTable(&b, objectTable(kind, objs[kind], wide, false, fixedNow, nil)); err != nil {
				t.Fatal(err)
			}
			b.WriteString("\n")
		}
	}
	checkGolden(t, "tables.golden", b.String())
	if strings.Contains(b.String(), "hunter2") {
		t.Error("a secret value reached a table")
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestStreamTableKeepsColumnsAligned(t *testing.T) {
	var b bytes.Buffer
	s := &streamTable{out: &b, header: []string{"NAME", "READY", "AGE"}}
	if err := s.write([][]string{{"a", "True", "1s"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.write([][]string{{"b", "False", "2s"}}); err != nil {
		t.Fatal(err)
	}
	want := "NAME   READY   AGE\na      True    1s\nb      False   2s\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if err := s.write(nil); err != nil || b.String() != want {
		t.Errorf("an empty write printed something: %q", b.String())
	}
}

func TestParseResourceArgs(t *testing.T) {
	tests := []struct {
		args  []string
		kinds []string
		names [][]string
		err   string
	}{
		{args: []string{"charger"}, kinds: []string{"Charger"}, names: [][]string{nil}},
		{args: []string{"chargers", "a", "b"}, kinds: []string{"Charger"}, names: [][]string{{"a", "b"}}},
		{args: []string{"ch", "a"}, kinds: []string{"Charger"}, names: [][]string{{"a"}}},
		{args: []string{"Charger"}, kinds: []string{"Charger"}, names: [][]string{nil}},
		{args: []string{"ch,tpl"}, kinds: []string{"Charger", "Template"}, names: [][]string{nil, nil}},
		{args: []string{"ch/a", "tpl/t", "charger/b"}, kinds: []string{"Charger", "Template"}, names: [][]string{{"a", "b"}, {"t"}}},
		{args: []string{"all"}, kinds: []string{"CSMS", "Bus", "Secret", "Template", "Charger", "ChargingProfile", "Transaction"}},
		{args: []string{"gizmo"}, err: `unknown resource type "gizmo"`},
		{args: []string{"ch,tpl", "a"}, err: "single resource type"},
		{args: []string{"ch/a", "b"}, err: "KIND/NAME"},
		{args: nil, err: "must specify the type"},
	}
	for _, tt := range tests {
		refs, err := parseResourceArgs(tt.args, true)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: err = %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if len(refs) != len(tt.kinds) {
			t.Errorf("%v: %d refs, want %d", tt.args, len(refs), len(tt.kinds))
			continue
		}
		for i, r := range refs {
			if r.kind.Kind != tt.kinds[i] {
				t.Errorf("%v: ref %d kind %s, want %s", tt.args, i, r.kind.Kind, tt.kinds[i])
			}
			if tt.names != nil && strings.Join(r.names, ",") != strings.Join(tt.names[i], ",") {
				t.Errorf("%v: ref %d names %v, want %v", tt.args, i, r.names, tt.names[i])
			}
		}
	}
}
