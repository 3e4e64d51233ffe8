package station

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/availability"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/data"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/diagnostics"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/firmware"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/remotecontrol"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/lorenzodonini/ocpp-go/ocppj"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
)

// Tests of the station against ocpp-go's CSMS. Every frame the station
// sends passes ocpp-go's parser and validator, or the test fails
// (gocsms.New). OCTT ids are those of reference/ocpp201.md §b.2.

const (
	actBoot      = provisioning.BootNotificationFeatureName
	actStatus    = availability.StatusNotificationFeatureName
	actHeartbeat = availability.HeartbeatFeatureName
)

func comp(name string, evse ...int) types.Component {
	c := types.Component{Name: name}
	if len(evse) > 0 {
		c.EVSE = &types.EVSE{ID: evse[0]}
		if len(evse) > 1 {
			c.EVSE.ConnectorID = &evse[1]
		}
	}
	return c
}

func getVar(c types.Component, name string) provisioning.GetVariableData {
	return provisioning.GetVariableData{Component: c, Variable: types.Variable{Name: name}}
}

func setVar(c types.Component, name, value string) provisioning.SetVariableData {
	return provisioning.SetVariableData{Component: c, Variable: types.Variable{Name: name}, AttributeValue: value}
}

func goGetVariables(t *testing.T, g *gocsms.CSMS, id string, d ...provisioning.GetVariableData) []provisioning.GetVariableResult {
	t.Helper()
	res := must[*provisioning.GetVariablesResponse](t, g, id, provisioning.NewGetVariablesRequest(d))
	if len(res.GetVariableResult) != len(d) {
		t.Fatalf("%d GetVariables results for %d items", len(res.GetVariableResult), len(d))
	}
	return res.GetVariableResult
}

func goSetVariables(t *testing.T, g *gocsms.CSMS, id string, d ...provisioning.SetVariableData) []provisioning.SetVariableResult {
	t.Helper()
	res := must[*provisioning.SetVariablesResponse](t, g, id, provisioning.NewSetVariablesRequest(d))
	if len(res.SetVariableResult) != len(d) {
		t.Fatalf("%d SetVariables results for %d items", len(res.SetVariableResult), len(d))
	}
	return res.SetVariableResult
}

func storedOCPP(t *testing.T, f *fixture.Fixture, name string) v1alpha1.ChargerOCPPStatus {
	t.Helper()
	obj, err := f.Store.Get(Kind, name)
	if err != nil {
		t.Fatal(err)
	}
	var st v1alpha1.ChargerStatus
	if err := json.Unmarshal(obj.Status, &st); err != nil {
		t.Fatal(err)
	}
	if st.OCPP == nil {
		return v1alpha1.ChargerOCPPStatus{}
	}
	return *st.OCPP
}

func statusOf(evse int, status availability.ConnectorStatus) func(*availability.StatusNotificationRequest) bool {
	return func(r *availability.StatusNotificationRequest) bool {
		return r.EvseID == evse && r.ConnectorID == 1 && r.ConnectorStatus == status
	}
}

func onlyBoots(t *testing.T, g *gocsms.CSMS, state string) {
	t.Helper()
	for _, m := range g.Since(0) {
		if m.Action != actBoot {
			t.Fatalf("sent %s while %s", m.Action, state)
		}
	}
}

// TestOcppGoBootAccepted (TC_B_01): BootNotification first, with the
// template's vendor and model; the accepted interval becomes the heartbeat
// interval (B01.FR.04); then every connector's status.
func TestOcppGoBootAccepted(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	g.SetBoot(provisioning.RegistrationStatusAccepted, 120)
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-BOOT", 2))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	for evse := 1; evse <= 2; evse++ {
		waitFor(t, g, 0, statusOf(evse, availability.ConnectorStatusAvailable))
	}
	first := g.Since(0)[0]
	var boot provisioning.BootNotificationRequest
	if first.Station != "GO-BOOT" || first.Action != actBoot || json.Unmarshal(first.Payload, &boot) != nil {
		t.Fatalf("first request %s from %s, want BootNotification from GO-BOOT: %s", first.Action, first.Station, first.Payload)
	}
	cs := boot.ChargingStation
	if boot.Reason != provisioning.BootReasonPowerUp || cs.VendorName != "ACME" || cs.Model != "Wallbox 22" || cs.SerialNumber != "SN-GO-BOOT" {
		t.Fatalf("BootNotification %+v %+v", boot, cs)
	}
	res := goGetVariables(t, g, "GO-BOOT", getVar(comp("OCPPCommCtrlr"), "HeartbeatInterval"))
	if res[0].AttributeStatus != provisioning.GetVariableStatusAccepted || res[0].AttributeValue != "120" {
		t.Fatalf("HeartbeatInterval %+v, want the boot interval 120", res[0])
	}
	if st := storedOCPP(t, f, "ch1"); st.State != v1alpha1.OCPPStateRegistered || st.HeartbeatInterval != 120 || st.LastBootTime == "" {
		t.Fatalf("status.ocpp %+v", st)
	}
}

// TestOcppGoBootPending (TC_B_02): while Pending the station sends nothing
// but BootNotification, again after the interval, and takes configuration;
// once Accepted it is Registered and reports its connectors.
func TestOcppGoBootPending(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	g.SetBoot(provisioning.RegistrationStatusPending, 1)
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-PENDING", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonPending)
	res := goSetVariables(t, g, "GO-PENDING", setVar(comp("OCPPCommCtrlr"), "OfflineThreshold", "90"))
	if res[0].AttributeStatus != provisioning.SetVariableStatusAccepted {
		t.Fatalf("SetVariables while Pending: %+v", res[0])
	}
	fixture.Eventually(t, "a second BootNotification", func() string {
		if n := len(g.Messages("", actBoot)); n < 2 {
			return "only one"
		}
		return ""
	})
	onlyBoots(t, g, "Pending")
	g.SetBoot(provisioning.RegistrationStatusAccepted, 300)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, statusOf(1, availability.ConnectorStatusAvailable))
	got := goGetVariables(t, g, "GO-PENDING", getVar(comp("OCPPCommCtrlr"), "OfflineThreshold"))
	if got[0].AttributeValue != "90" {
		t.Fatalf("OfflineThreshold set while Pending is %q after the boot", got[0].AttributeValue)
	}
}

// TestOcppGoBootRejected (TC_B_03, TC_B_30): a rejected station answers
// every CSMS request with CALLERROR SecurityError, which reaches ocpp-go's
// callback as an *ocpp.Error, and sends nothing but BootNotification.
func TestOcppGoBootRejected(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	g.SetBoot(provisioning.RegistrationStatusRejected, 60)
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-REJECTED", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonRejected)
	_, err := gocsms.Send[*provisioning.GetVariablesResponse](goCtx(t), g, "GO-REJECTED",
		provisioning.NewGetVariablesRequest([]provisioning.GetVariableData{getVar(comp("OCPPCommCtrlr"), "OfflineThreshold")}))
	_, err2 := gocsms.Send[*remotecontrol.TriggerMessageResponse](goCtx(t), g, "GO-REJECTED",
		remotecontrol.NewTriggerMessageRequest(remotecontrol.MessageTriggerBootNotification))
	for _, err := range []error{err, err2} {
		var oe *ocpp.Error
		if !errors.As(err, &oe) || oe.Code != ocppj.SecurityError {
			t.Fatalf("a request while Rejected: %v, want CALLERROR SecurityError", err)
		}
	}
	onlyBoots(t, g, "Rejected")
	if st := storedOCPP(t, f, "ch1"); st.State != v1alpha1.OCPPStateRejected {
		t.Fatalf("status.ocpp.state %q", st.State)
	}
}

// TestOcppGoVariables (TC_B_06/07/32/33/34, B_09/10/35/36/37): Get and
// SetVariables answer each item with its own status, in order; what the
// CSMS set is persisted before the CALLRESULT.
func TestOcppGoVariables(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-VARS", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	const id = "GO-VARS"
	comm := comp("OCPPCommCtrlr")
	target := getVar(comm, "OfflineThreshold")
	target.AttributeType = types.AttributeTarget
	got := goGetVariables(t, g, id, getVar(comm, "OfflineThreshold"), getVar(comp("SecurityCtrlr"), "BasicAuthPassword"),
		getVar(comp("NoSuchCtrlr"), "OfflineThreshold"), getVar(comm, "NoSuchVariable"), target,
		getVar(comp("Connector", 1, 1), "ConnectorType"))
	want := []provisioning.GetVariableStatus{provisioning.GetVariableStatusAccepted, provisioning.GetVariableStatusRejected,
		provisioning.GetVariableStatusUnknownComponent, provisioning.GetVariableStatusUnknownVariable,
		provisioning.GetVariableStatusNotSupported, provisioning.GetVariableStatusAccepted}
	for i, r := range got {
		if r.AttributeStatus != want[i] {
			t.Errorf("GetVariables item %d (%s.%s): %s, want %s", i, r.Component.Name, r.Variable.Name, r.AttributeStatus, want[i])
		}
	}
	if got[0].AttributeValue != "60" || got[1].AttributeValue != "" || got[5].AttributeValue != "cType2" {
		t.Errorf("values %q %q %q, want 60, nothing for a write-only variable, cType2", got[0].AttributeValue, got[1].AttributeValue, got[5].AttributeValue)
	}

	setTarget := setVar(comm, "OfflineThreshold", "30")
	setTarget.AttributeType = types.AttributeTarget
	set := goSetVariables(t, g, id, setVar(comm, "OfflineThreshold", "120"), setVar(comp("SecurityCtrlr"), "SecurityProfile", "3"),
		setVar(comp("NoSuchCtrlr"), "OfflineThreshold", "1"), setVar(comm, "NoSuchVariable", "1"), setTarget,
		setVar(comm, "HeartbeatInterval", "often"))
	wantSet := []provisioning.SetVariableStatus{provisioning.SetVariableStatusAccepted, provisioning.SetVariableStatusRejected,
		provisioning.SetVariableStatusUnknownComponent, provisioning.SetVariableStatusUnknownVariable,
		provisioning.SetVariableStatusNotSupported, provisioning.SetVariableStatusRejected}
	for i, r := range set {
		if r.AttributeStatus != wantSet[i] {
			t.Errorf("SetVariables item %d (%s.%s): %s, want %s", i, r.Component.Name, r.Variable.Name, r.AttributeStatus, wantSet[i])
		}
	}
	// Durable before the answer: no wait here.
	vars := storedOCPP(t, f, "ch1").Variables
	if !slices.ContainsFunc(vars, func(v v1alpha1.OCPPVariable) bool {
		return v.Component == "OCPPCommCtrlr" && v.Variable == "OfflineThreshold" && v.Value == "120"
	}) {
		t.Fatalf("status.ocpp.variables %+v lacks OfflineThreshold 120", vars)
	}
	if r := goGetVariables(t, g, id, getVar(comm, "OfflineThreshold"), getVar(comm, "HeartbeatInterval")); r[0].AttributeValue != "120" || r[1].AttributeValue != "300" {
		t.Fatalf("after SetVariables: OfflineThreshold %q, HeartbeatInterval %q", r[0].AttributeValue, r[1].AttributeValue)
	}
}

// TestOcppGoTriggerAndDataTransfer (TC_F_20, F_11..19/23/24/26/27, P_01):
// what the station can send is Accepted and follows the answer; a
// BootNotification once accepted is Rejected; MeterValues is Rejected while
// the charger has reported no value (aligned_test.go covers Accepted) and
// for an unknown EVSE; TransactionEvent is NotImplemented.
func TestOcppGoTriggerAndDataTransfer(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-TRIGGER", 2))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, statusOf(2, availability.ConnectorStatusAvailable))
	const id = "GO-TRIGGER"
	trigger := func(m remotecontrol.MessageTrigger, evse *types.EVSE) remotecontrol.TriggerMessageStatus {
		t.Helper()
		req := remotecontrol.NewTriggerMessageRequest(m)
		req.Evse = evse
		return must[*remotecontrol.TriggerMessageResponse](t, g, id, req).Status
	}
	// sentinel makes sure everything a trigger caused has arrived: the
	// station sends follow-ups one at a time, in order.
	sentinel := func(from int) []gocsms.Message {
		t.Helper()
		if s := trigger(remotecontrol.MessageTriggerHeartbeat, nil); s != remotecontrol.TriggerMessageStatusAccepted {
			t.Fatalf("TriggerMessage Heartbeat: %s", s)
		}
		waitFor[availability.HeartbeatRequest](t, g, from, nil)
		return g.Since(from)
	}
	statuses := func(msgs []gocsms.Message) []int {
		var evses []int
		for _, m := range msgs {
			var sn availability.StatusNotificationRequest
			if m.Action != actStatus {
				continue
			}
			if err := json.Unmarshal(m.Payload, &sn); err != nil {
				t.Fatalf("StatusNotification %s: %v", m.Payload, err)
			}
			evses = append(evses, sn.EvseID)
		}
		return evses
	}

	from := g.Mark()
	if got := sentinel(from); len(got) != 1 {
		t.Fatalf("a triggered Heartbeat brought %d requests", len(got))
	}
	connector := 1
	for _, tc := range []struct {
		evse *types.EVSE
		want []int
	}{{nil, []int{1, 2}}, {&types.EVSE{ID: 2}, []int{2}}, {&types.EVSE{ID: 1, ConnectorID: &connector}, []int{1}}} {
		from := g.Mark()
		if s := trigger(remotecontrol.MessageTriggerStatusNotification, tc.evse); s != remotecontrol.TriggerMessageStatusAccepted {
			t.Fatalf("TriggerMessage StatusNotification %+v: %s", tc.evse, s)
		}
		if got := statuses(sentinel(from)); !slices.Equal(got, tc.want) {
			t.Fatalf("TriggerMessage StatusNotification %+v: EVSEs %v reported, want %v", tc.evse, got, tc.want)
		}
	}
	for _, tc := range []struct {
		msg  remotecontrol.MessageTrigger
		evse *types.EVSE
		want remotecontrol.TriggerMessageStatus
	}{
		{remotecontrol.MessageTriggerStatusNotification, &types.EVSE{ID: 9}, remotecontrol.TriggerMessageStatusRejected},
		{remotecontrol.MessageTriggerBootNotification, nil, remotecontrol.TriggerMessageStatusRejected},
		{remotecontrol.MessageTriggerMeterValues, nil, remotecontrol.TriggerMessageStatusRejected}, // no value reported yet
		{remotecontrol.MessageTriggerMeterValues, &types.EVSE{ID: 9}, remotecontrol.TriggerMessageStatusRejected},
		{remotecontrol.MessageTriggerTransactionEvent, nil, remotecontrol.TriggerMessageStatusRejected}, // no session
	} {
		if s := trigger(tc.msg, tc.evse); s != tc.want {
			t.Errorf("TriggerMessage %s %+v: %s, want %s", tc.msg, tc.evse, s, tc.want)
		}
	}
	from = g.Mark()
	if trigger(remotecontrol.MessageTriggerFirmwareStatusNotification, nil) != remotecontrol.TriggerMessageStatusAccepted ||
		trigger(remotecontrol.MessageTriggerLogStatusNotification, nil) != remotecontrol.TriggerMessageStatusAccepted {
		t.Fatal("FirmwareStatusNotification or LogStatusNotification trigger not accepted")
	}
	fw := waitFor[firmware.FirmwareStatusNotificationRequest](t, g, from, nil)
	lg := waitFor[diagnostics.LogStatusNotificationRequest](t, g, from, nil)
	if fw.Status != firmware.FirmwareStatusIdle || lg.Status != diagnostics.UploadLogStatusIdle {
		t.Fatalf("triggered statuses %s, %s, want Idle", fw.Status, lg.Status)
	}
	if got := statuses(sentinel(from)); len(got) != 0 {
		t.Fatalf("rejected triggers sent StatusNotifications for %v", got)
	}
	if n := len(g.Messages("", actBoot)); n != 1 {
		t.Fatalf("%d BootNotifications, want the one of the boot", n)
	}

	dt := must[*data.DataTransferResponse](t, g, id, data.NewDataTransferRequest("com.example"))
	if dt.Status != data.DataTransferStatusUnknownVendorId {
		t.Fatalf("DataTransfer: %s, want UnknownVendorId", dt.Status)
	}
	stop := must[*remotecontrol.RequestStopTransactionResponse](t, g, id, remotecontrol.NewRequestStopTransactionRequest("tx-1"))
	if stop.Status != remotecontrol.RequestStartStopStatusRejected {
		t.Fatalf("RequestStopTransaction of an unknown transaction: %s, want Rejected", stop.Status)
	}
}

// reportParts waits for the last NotifyReport of requestID and returns all
// its parts in the order they came.
func reportParts(t *testing.T, g *gocsms.CSMS, requestID int) []*provisioning.NotifyReportRequest {
	t.Helper()
	waitFor(t, g, 0, func(r *provisioning.NotifyReportRequest) bool { return r.RequestID == requestID && !r.Tbc })
	var parts []*provisioning.NotifyReportRequest
	for _, r := range requests[provisioning.NotifyReportRequest](t, g) {
		if r.RequestID == requestID {
			parts = append(parts, r)
		}
	}
	return parts
}

type reportKey struct{ component, variable, instance string }

// reportItems checks the part numbering (seqNo 0, 1, … and tbc on every
// part but the last, at most per items each) and returns the items by key.
func reportItems(t *testing.T, parts []*provisioning.NotifyReportRequest, per int) map[reportKey]provisioning.ReportData {
	t.Helper()
	items := map[reportKey]provisioning.ReportData{}
	for i, p := range parts {
		if p.SeqNo != i || p.Tbc != (i < len(parts)-1) || len(p.ReportData) == 0 || len(p.ReportData) > per {
			t.Fatalf("part %d of %d: seqNo %d, tbc %v, %d items (ItemsPerMessage %d)", i, len(parts), p.SeqNo, p.Tbc, len(p.ReportData), per)
		}
		for _, d := range p.ReportData {
			c := d.Component.Name
			if e := d.Component.EVSE; e != nil {
				c += "/" + strconv.Itoa(e.ID)
				if e.ConnectorID != nil {
					c += "/" + strconv.Itoa(*e.ConnectorID)
				}
			}
			k := reportKey{c, d.Variable.Name, d.Variable.Instance}
			if _, dup := items[k]; dup {
				t.Fatalf("%v reported twice", k)
			}
			items[k] = d
		}
	}
	return items
}

// TestOcppGoBaseReports (TC_B_12, B_13, B_14, B_53): the three base
// reports arrive as NotifyReport parts numbered from 0 with tbc; the full
// inventory holds every variable Core requires, lists values for list
// types and leaves write-only values out.
func TestOcppGoBaseReports(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	f := stationFixture(t, g.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GO-REPORT", 2))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	const id = "GO-REPORT"
	per, err := strconv.Atoi(goGetVariables(t, g, id, provisioning.GetVariableData{Component: comp("DeviceDataCtrlr"),
		Variable: types.Variable{Name: "ItemsPerMessage", Instance: "GetReport"}})[0].AttributeValue)
	if err != nil {
		t.Fatal(err)
	}
	bases := []provisioning.ReportBaseType{provisioning.ReportTypeFullInventory, provisioning.ReportTypeConfigurationInventory, provisioning.ReportTypeSummaryInventory}
	reports := map[provisioning.ReportBaseType]map[reportKey]provisioning.ReportData{}
	for i, base := range bases {
		res := must[*provisioning.GetBaseReportResponse](t, g, id, provisioning.NewGetBaseReportRequest(10+i, base))
		if res.Status != types.GenericDeviceModelStatusAccepted {
			t.Fatalf("GetBaseReport %s: %s", base, res.Status)
		}
		reports[base] = reportItems(t, reportParts(t, g, 10+i), per)
	}
	full, config, summary := reports[bases[0]], reports[bases[1]], reports[bases[2]]
	if len(full) <= len(config) || len(config) <= len(summary) || len(summary) == 0 {
		t.Fatalf("report sizes: full %d, configuration %d, summary %d", len(full), len(config), len(summary))
	}
	for k := range config {
		if _, ok := full[k]; !ok {
			t.Errorf("%v in the configuration inventory but not in the full one", k)
		}
	}
	if _, ok := config[reportKey{"SecurityCtrlr", "SecurityProfile", ""}]; ok {
		t.Error("the read-only SecurityProfile is in the configuration inventory")
	}
	if _, ok := summary[reportKey{"Connector/2/1", "AvailabilityState", ""}]; !ok {
		t.Error("the summary inventory lacks Connector 2/1 AvailabilityState")
	}
	for _, k := range requiredVariables() {
		if _, ok := full[k]; !ok {
			t.Errorf("the full inventory lacks %v", k)
		}
	}
	for k, d := range full {
		if ch := d.VariableCharacteristics; ch != nil && ch.ValuesList == "" &&
			(ch.DataType == provisioning.TypeOptionList || ch.DataType == provisioning.TypeSequenceList || ch.DataType == provisioning.TypeMemberList) {
			t.Errorf("%v is a %s without valuesList", k, ch.DataType)
		}
		for _, a := range d.VariableAttribute {
			if a.Mutability == provisioning.MutabilityWriteOnly && a.Value != "" {
				t.Errorf("%v reveals its write-only value", k)
			}
		}
	}
}

// requiredVariables are those TC_B_53 checks (dm_components_vars.csv v1.4,
// RetryBackOff* and WebSocketPingInterval from Part 4), for a station
// with EVSEs 1 and 2 of one connector each.
func requiredVariables() []reportKey {
	var keys []reportKey
	add := func(c string, vars ...string) {
		for _, v := range vars {
			name, instance, _ := strings.Cut(v, "[")
			keys = append(keys, reportKey{c, name, strings.TrimSuffix(instance, "]")})
		}
	}
	add("OCPPCommCtrlr", "FileTransferProtocols", "MessageTimeout[Default]", "MessageAttemptInterval[TransactionEvent]",
		"MessageAttempts[TransactionEvent]", "NetworkConfigurationPriority", "NetworkProfileConnectionAttempts", "OfflineThreshold",
		"ResetRetries", "UnlockOnEVSideDisconnect", "RetryBackOffRepeatTimes", "RetryBackOffRandomRange", "RetryBackOffWaitMinimum",
		"WebSocketPingInterval", "HeartbeatInterval")
	add("TxCtrlr", "EVConnectionTimeOut", "StopTxOnEVSideDisconnect", "StopTxOnInvalidId", "TxStartPoint", "TxStopPoint")
	add("AuthCtrlr", "AuthorizeRemoteStart", "LocalAuthorizeOffline", "LocalPreAuthorize")
	add("SampledDataCtrlr", "TxEndedInterval", "TxEndedMeasurands", "TxStartedMeasurands", "TxUpdatedInterval", "TxUpdatedMeasurands")
	add("AlignedDataCtrlr", "Interval", "Measurands", "TxEndedInterval", "TxEndedMeasurands")
	add("ClockCtrlr", "DateTime", "TimeSource")
	add("DeviceDataCtrlr", "ItemsPerMessage[GetReport]", "ItemsPerMessage[GetVariables]", "BytesPerMessage[GetReport]", "BytesPerMessage[GetVariables]")
	add("SecurityCtrlr", "CertificateEntries", "OrganizationName", "SecurityProfile")
	add("ChargingStation", "AvailabilityState", "Available", "SupplyPhases")
	for _, e := range []string{"1", "2"} {
		add("EVSE/"+e, "AvailabilityState", "Available", "SupplyPhases", "Power")
		add("Connector/"+e+"/1", "AvailabilityState", "Available", "SupplyPhases", "ConnectorType")
	}
	return keys
}

// heartbeat triggers a Heartbeat and waits for it: everything the station
// was asked to send before has been sent by then, as it sends one at a time.
func heartbeat(t *testing.T, g *gocsms.CSMS, id string) {
	t.Helper()
	from := g.Mark()
	res := must[*remotecontrol.TriggerMessageResponse](t, g, id, remotecontrol.NewTriggerMessageRequest(remotecontrol.MessageTriggerHeartbeat))
	if res.Status != remotecontrol.TriggerMessageStatusAccepted {
		t.Fatalf("TriggerMessage Heartbeat: %s", res.Status)
	}
	waitFor[availability.HeartbeatRequest](t, g, from, nil)
}
