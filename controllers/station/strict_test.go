package station

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

func startStrict(t *testing.T) *strictcsms.CSMS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := strictcsms.Start(ctx)
	if err != nil {
		if os.Getenv("CI") == "" && err == strictcsms.ErrNoNode {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// stationFixture applies a CSMS at url, a template and one charger.
func stationFixture(t *testing.T, url string, csms v1alpha1.CSMSSpec) *fixture.Fixture {
	return stationFixtureWith(t, url, csms, &recordingCommander{})
}

// stationFixtureWith runs the station controller with cmd as the charger
// side that runs commands on devices.
func stationFixtureWith(t *testing.T, url string, csms v1alpha1.CSMSSpec, cmd Commander) *fixture.Fixture {
	f := fixture.New(t, template.Setup(template.Options{}), Setup(Options{Commands: cmd}), devicesUp)
	csms.URL = url
	f.Create("CSMS", "csms", csms)
	f.Create(template.Kind, "t", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Wallbox 22",
		Signals: map[string]string{"energyWh": "0.0", "powerW": "0.0"}})
	return f
}

func charger(stationID string, evses int) v1alpha1.ChargerSpec {
	unit := 1
	s := v1alpha1.ChargerSpec{TemplateRef: "t", PollInterval: "1s", FailureThreshold: 3,
		Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &v1alpha1.ModbusTCPConnection{Host: "127.0.0.1", Port: 502, UnitID: &unit}),
		OCPP:       &v1alpha1.ChargerOCPP{CSMSRef: "csms", StationID: stationID, SerialNumber: "SN-" + stationID}}
	for i := 1; i <= evses; i++ {
		s.EVSEs = append(s.EVSEs, v1alpha1.EVSE{ID: i, Connectors: []v1alpha1.Connector{{ID: 1, Type: "cType2"}}})
	}
	return s
}

func csmsSpec() v1alpha1.CSMSSpec {
	repeat := 2
	return v1alpha1.CSMSSpec{SecurityProfile: 1, MessageTimeout: "10s", PingInterval: "30s",
		RetryBackOff: v1alpha1.RetryBackOff{WaitMinimum: "1s", RandomRange: "1s", RepeatTimes: &repeat}}
}

func waitCall(t *testing.T, c *strictcsms.CSMS, identity, method string, match func(json.RawMessage) bool) strictcsms.Event {
	t.Helper()
	ev, err := c.WaitEvent(ctxT(t), func(e strictcsms.Event) bool {
		return e.Ev == "call" && e.Identity == identity && e.Method == method && (match == nil || match(e.Params))
	})
	if err != nil {
		t.Fatalf("waiting for %s from %s: %v", method, identity, err)
	}
	return ev
}

func has(sub string) func(json.RawMessage) bool {
	return func(p json.RawMessage) bool { return strings.Contains(string(p), sub) }
}

func noFailures(t *testing.T, c *strictcsms.CSMS) {
	t.Helper()
	if f := c.Failures(); len(f) > 0 {
		for _, e := range f {
			t.Errorf("strict validation failure: %+v", e)
		}
	}
}

// TestStrictCSMSCoreFlows runs boot, device model, base report,
// availability, trigger, data transfer, unsupported actions and reset
// against ocpp-rpc in strictMode: any frame of the station that breaks the
// OCA schemas fails the test.
func TestStrictCSMSCoreFlows(t *testing.T) {
	cs := startStrict(t)
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-STRICT-1", 2))
	boot := waitCall(t, cs, "GW-STRICT-1", "BootNotification", has(`"reason":"PowerUp"`))
	if !strings.Contains(string(boot.Params), `"vendorName":"ACME"`) || !strings.Contains(string(boot.Params), `"serialNumber":"SN-GW-STRICT-1"`) {
		t.Fatalf("BootNotification %s", boot.Params)
	}
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitCall(t, cs, "GW-STRICT-1", "StatusNotification", has(`"evseId":2`))
	ctx := ctxT(t)
	call := func(method string, params any) string {
		t.Helper()
		res, err := cs.Call(ctx, "GW-STRICT-1", method, params)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		return string(res)
	}

	got := call("GetVariables", map[string]any{"getVariableData": []map[string]any{
		{"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "OfflineThreshold"}},
		{"component": map[string]any{"name": "SecurityCtrlr"}, "variable": map[string]any{"name": "BasicAuthPassword"}},
		{"component": map[string]any{"name": "Nope"}, "variable": map[string]any{"name": "X"}},
	}})
	for _, want := range []string{`"attributeValue":"60"`, `"attributeStatus":"Rejected"`, `"attributeStatus":"UnknownComponent"`} {
		if !strings.Contains(got, want) {
			t.Errorf("GetVariables answer %s lacks %s", got, want)
		}
	}
	got = call("SetVariables", map[string]any{"setVariableData": []map[string]any{
		{"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "OfflineThreshold"}, "attributeValue": "120"},
		{"component": map[string]any{"name": "SecurityCtrlr"}, "variable": map[string]any{"name": "SecurityProfile"}, "attributeValue": "3"},
	}})
	if !strings.Contains(got, `"attributeStatus":"Accepted"`) || !strings.Contains(got, `"attributeStatus":"Rejected"`) {
		t.Errorf("SetVariables answer %s", got)
	}

	if got = call("GetBaseReport", map[string]any{"requestId": 7, "reportBase": "FullInventory"}); !strings.Contains(got, "Accepted") {
		t.Fatalf("GetBaseReport %s", got)
	}
	waitCall(t, cs, "GW-STRICT-1", "NotifyReport", func(p json.RawMessage) bool {
		return strings.Contains(string(p), `"requestId":7`) && !strings.Contains(string(p), `"tbc":true`)
	})
	checkReportParts(t, cs.Events(), 7)

	if got = call("ChangeAvailability", map[string]any{"operationalStatus": "Inoperative", "evse": map[string]any{"id": 2}}); !strings.Contains(got, "Accepted") {
		t.Fatalf("ChangeAvailability %s", got)
	}
	waitCall(t, cs, "GW-STRICT-1", "StatusNotification", has(`"connectorStatus":"Unavailable","evseId":2`))
	if got = call("ChangeAvailability", map[string]any{"operationalStatus": "Operative", "evse": map[string]any{"id": 9}}); !strings.Contains(got, "Rejected") {
		t.Fatalf("ChangeAvailability of an unknown EVSE: %s", got)
	}

	for msg, want := range map[string]string{"Heartbeat": "Accepted", "BootNotification": "Rejected", "MeterValues": "Rejected",
		"TransactionEvent": "Rejected"} { // no session runs
		if got = call("TriggerMessage", map[string]any{"requestedMessage": msg}); !strings.Contains(got, want) {
			t.Errorf("TriggerMessage %s: %s, want %s", msg, got, want)
		}
	}
	waitCall(t, cs, "GW-STRICT-1", "Heartbeat", nil)
	if got = call("DataTransfer", map[string]any{"vendorId": "com.example"}); !strings.Contains(got, "UnknownVendorId") {
		t.Errorf("DataTransfer %s", got)
	}
	if got = call("RequestStopTransaction", map[string]any{"transactionId": "tx-1"}); !strings.Contains(got, `"status":"Rejected"`) {
		t.Errorf("RequestStopTransaction of an unknown transaction: %s, want Rejected", got)
	}

	if got = call("Reset", map[string]any{"type": "Immediate"}); !strings.Contains(got, "Accepted") {
		t.Fatalf("Reset %s", got)
	}
	waitCall(t, cs, "GW-STRICT-1", "BootNotification", has(`"reason":"RemoteReset"`))
	// Availability survives the reboot (TC_B_23): EVSE 2 is reported Unavailable again.
	n := 0
	cs.WaitEvent(ctx, func(e strictcsms.Event) bool {
		if e.Ev == "call" && e.Method == "StatusNotification" && strings.Contains(string(e.Params), `"connectorStatus":"Unavailable","evseId":2`) {
			n++
		}
		return n == 2
	})
	if n != 2 {
		t.Fatalf("EVSE 2 not reported Unavailable after the reset")
	}
	noFailures(t, cs)
}

type reportPart struct {
	RequestID  int              `json:"requestId"`
	SeqNo      int              `json:"seqNo"`
	Tbc        bool             `json:"tbc"`
	ReportData []map[string]any `json:"reportData"`
}

// checkReportParts: the NotifyReports of a request number their parts
// 0, 1, … with tbc on every part but the last, ItemsPerMessage (20) items
// at most each, and together hold every required variable once.
func checkReportParts(t *testing.T, events []strictcsms.Event, requestID int) {
	t.Helper()
	var parts []reportPart
	for _, e := range events {
		if e.Ev != "call" || e.Method != "NotifyReport" {
			continue
		}
		var part reportPart
		if err := json.Unmarshal(e.Params, &part); err != nil {
			t.Fatal(err)
		}
		if part.RequestID == requestID {
			parts = append(parts, part)
		}
	}
	if len(parts) < 2 {
		t.Fatalf("%d NotifyReport parts; a full inventory needs several of 20 items", len(parts))
	}
	items := 0
	for i, p := range parts {
		if p.SeqNo != i || p.Tbc != (i < len(parts)-1) || len(p.ReportData) > 20 || len(p.ReportData) == 0 {
			t.Fatalf("part %d: seqNo %d, tbc %v, %d items", i, p.SeqNo, p.Tbc, len(p.ReportData))
		}
		items += len(p.ReportData)
	}
	if items < 60 {
		t.Fatalf("the full inventory has only %d items", items)
	}
}
