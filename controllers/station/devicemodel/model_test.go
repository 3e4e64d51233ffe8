package devicemodel

import (
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/memcheck"
)

func layout() Layout {
	return Layout{
		EVSEs: []EVSELayout{
			{ID: 1, Phases: 3, MaxPowerW: 22000, Connectors: []ConnectorLayout{{ID: 1, Type: "cType2"}}},
			{ID: 2, Phases: 1, Connectors: []ConnectorLayout{{ID: 1, Type: "sType2"}}},
		},
		SecurityProfile: 2,
		Measurands:      []string{"Energy.Active.Import.Register", "Power.Active.Import"},
		Now:             func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) },
	}
}

var (
	commCtrlr = Component{Name: "OCPPCommCtrlr"}
	heartbeat = Variable{Name: "HeartbeatInterval"}
)

func TestGet(t *testing.T) {
	m := New(layout())
	cases := []struct {
		key    Key
		status GetStatus
		value  string
	}{
		{Key{Component: commCtrlr, Variable: heartbeat}, GetAccepted, "300"},
		{Key{Component: commCtrlr, Variable: heartbeat, Attribute: Actual}, GetAccepted, "300"},
		{Key{Component: commCtrlr, Variable: Variable{"MessageTimeout", "Default"}}, GetAccepted, "30"},
		{Key{Component: commCtrlr, Variable: Variable{Name: "MessageTimeout"}}, GetUnknownVariable, ""},
		{Key{Component: commCtrlr, Variable: heartbeat, Attribute: MaxSet}, GetNotSupportedAttributeType, ""},
		{Key{Component: Component{Name: "NoSuchCtrlr"}, Variable: heartbeat}, GetUnknownComponent, ""},
		{Key{Component: Component{Name: "SecurityCtrlr"}, Variable: Variable{Name: "SecurityProfile"}}, GetAccepted, "2"},
		{Key{Component: Component{Name: "SecurityCtrlr"}, Variable: Variable{Name: "BasicAuthPassword"}}, GetRejected, ""},
		{Key{Component: Component{Name: "ClockCtrlr"}, Variable: Variable{Name: "DateTime"}}, GetAccepted, "2026-05-01T12:00:00Z"},
		{Key{Component: Component{Name: "EVSE", EVSE: 1}, Variable: Variable{Name: "SupplyPhases"}}, GetAccepted, "3"},
		{Key{Component: Component{Name: "EVSE", EVSE: 3}, Variable: Variable{Name: "SupplyPhases"}}, GetUnknownComponent, ""},
		{Key{Component: Component{Name: "EVSE"}, Variable: Variable{Name: "SupplyPhases"}}, GetUnknownComponent, ""},
		{Key{Component: Component{Name: "Connector", EVSE: 2, Connector: 1}, Variable: Variable{Name: "ConnectorType"}}, GetAccepted, "sType2"},
		{Key{Component: Component{Name: "DeviceDataCtrlr"}, Variable: Variable{"ItemsPerMessage", "GetReport"}}, GetAccepted, "20"},
	}
	for _, c := range cases {
		r := m.Get(c.key)
		if r.Status != c.status || r.Value != c.value {
			t.Errorf("Get(%s) = %+v, want %s %q", c.key, r, c.status, c.value)
		}
		if r.Status != GetAccepted && (r.Reason == "" || r.Detail == "") {
			t.Errorf("Get(%s) = %+v: a refusal carries a reason and detail", c.key, r)
		}
	}
}

func TestSet(t *testing.T) {
	sec := Component{Name: "SecurityCtrlr"}
	tx := Component{Name: "TxCtrlr"}
	cases := []struct {
		key    Key
		value  string
		status SetStatus
		detail string
	}{
		{Key{Component: commCtrlr, Variable: heartbeat}, "60", SetAccepted, ""},
		{Key{Component: commCtrlr, Variable: heartbeat}, "0", SetRejected, "below the minimum 1"},
		{Key{Component: commCtrlr, Variable: heartbeat}, "ten", SetRejected, "not an integer"},
		{Key{Component: commCtrlr, Variable: heartbeat, Attribute: Target}, "60", SetNotSupportedAttributeType, ""},
		{Key{Component: commCtrlr, Variable: Variable{Name: "Nope"}}, "1", SetUnknownVariable, ""},
		{Key{Component: Component{Name: "Nope"}, Variable: heartbeat}, "1", SetUnknownComponent, ""},
		{Key{Component: sec, Variable: Variable{Name: "SecurityProfile"}}, "3", SetRejected, "read-only"},
		{Key{Component: sec, Variable: Variable{Name: "BasicAuthPassword"}}, "short", SetRejected, "below the minimum 16"},
		{Key{Component: sec, Variable: Variable{Name: "BasicAuthPassword"}}, strings.Repeat("p", 65), SetRejected, "exceeds the maximum 64"},
		{Key{Component: sec, Variable: Variable{Name: "BasicAuthPassword"}}, "a-good-long-password", SetAccepted, ""},
		{Key{Component: tx, Variable: Variable{Name: "TxStartPoint"}}, "EVConnected,Authorized", SetAccepted, ""},
		{Key{Component: tx, Variable: Variable{Name: "TxStartPoint"}}, "EVConnected,Teleported", SetRejected, `"Teleported" is not one of`},
		{Key{Component: tx, Variable: Variable{Name: "TxStartPoint"}}, "Authorized,Authorized", SetRejected, "listed twice"},
		{Key{Component: tx, Variable: Variable{Name: "StopTxOnInvalidId"}}, "yes", SetRejected, "not a boolean"},
		{Key{Component: commCtrlr, Variable: Variable{Name: "NetworkConfigurationPriority"}}, "", SetRejected, "at least one entry"},
		{Key{Component: Component{Name: "ClockCtrlr"}, Variable: Variable{Name: "DateTime"}}, "2026-01-01T00:00:00Z", SetRejected, "read-only"},
	}
	for _, c := range cases {
		m := New(layout())
		r := m.Set(c.key, c.value)
		if r.Status != c.status || !strings.Contains(r.Detail, c.detail) {
			t.Errorf("Set(%s, %q) = %+v, want %s with %q", c.key, c.value, r, c.status, c.detail)
		}
		got := m.Get(c.key)
		if c.status == SetAccepted && got.Status == GetAccepted && got.Value != c.value {
			t.Errorf("after Set(%s, %q), Get = %+v", c.key, c.value, got)
		}
	}
}

func TestWriteOnlyIsNeverRevealed(t *testing.T) {
	m := New(layout())
	k := Key{Component: Component{Name: "SecurityCtrlr"}, Variable: Variable{Name: "BasicAuthPassword"}}
	if r := m.Set(k, "a-good-long-password"); r.Status != SetAccepted {
		t.Fatal(r)
	}
	if r := m.Get(k); r.Status != GetRejected || r.Value != "" {
		t.Fatalf("Get of a write-only variable = %+v", r)
	}
	if got := m.Secret(k.Component, k.Variable); got != "a-good-long-password" {
		t.Fatalf("Secret = %q", got)
	}
	items, _ := m.Report(FullInventory)
	for _, it := range items {
		if it.Variable.Name == "BasicAuthPassword" && it.Attributes[0].Value != nil {
			t.Fatal("a report revealed the password")
		}
	}
	for _, v := range m.Overrides() {
		if v.Variable == "BasicAuthPassword" {
			t.Fatal("the password is in the overrides persisted to status")
		}
	}
}

// TestOverridesWinAndSurvive: spec values are initial; a CSMS value is an
// override that a fresh model (a restart) gets back through Restore, and a
// re-applied spec does not undo.
func TestOverridesWinAndSurvive(t *testing.T) {
	spec := []v1alpha1.OCPPVariable{
		{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval", Value: "120"},
		{Component: "AuthCtrlr", Variable: "AuthorizeRemoteStart", Value: "true"},
	}
	m := New(layout())
	if errs := m.Initialize(spec); len(errs) != 0 {
		t.Fatal(errs)
	}
	if len(m.Overrides()) != 0 {
		t.Fatalf("initial values became overrides: %+v", m.Overrides())
	}
	m.Set(Key{Component: commCtrlr, Variable: heartbeat}, "45")
	m.Set(Key{Component: Component{Name: "EVSE", EVSE: 1}, Variable: Variable{Name: "Power"}}, "1") // read-only: no override
	saved := m.Overrides()
	if len(saved) != 1 || saved[0].Value != "45" || saved[0].Variable != "HeartbeatInterval" {
		t.Fatalf("overrides %+v", saved)
	}

	restarted := New(layout())
	restarted.Initialize(spec)
	if errs := restarted.Restore(saved); len(errs) != 0 {
		t.Fatal(errs)
	}
	if v := restarted.Value(commCtrlr, heartbeat); v != "45" {
		t.Fatalf("after restart HeartbeatInterval = %q, want the CSMS's 45", v)
	}
	if v := restarted.Value(Component{Name: "AuthCtrlr"}, Variable{Name: "AuthorizeRemoteStart"}); v != "true" {
		t.Fatalf("spec value lost: %q", v)
	}
	if len(restarted.Overrides()) != 1 {
		t.Fatalf("overrides after restore %+v", restarted.Overrides())
	}
}

func TestInitializeReportsBadValues(t *testing.T) {
	m := New(layout())
	errs := m.Initialize([]v1alpha1.OCPPVariable{
		{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval", Value: "-5"},
		{Component: "EVSE", EVSE: &v1alpha1.OCPPEVSE{ID: 9}, Variable: "Power", Value: "1"},
		{Component: "OCPPCommCtrlr", Variable: "OfflineThreshold", Value: "30"},
	})
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), "variables[0]") || !strings.Contains(errs[0].Error(), "below the minimum") ||
		!strings.Contains(errs[1].Error(), "variables[1]") || !strings.Contains(errs[1].Error(), "UnknownComponent") {
		t.Fatalf("errors %v", errs)
	}
	if v := m.Value(commCtrlr, Variable{Name: "OfflineThreshold"}); v != "30" {
		t.Fatalf("the valid value was not applied: %q", v)
	}
}

func TestReports(t *testing.T) {
	m := New(layout())
	full, _ := m.Report(FullInventory)
	config, _ := m.Report(ConfigurationInventory)
	summary, _ := m.Report(SummaryInventory)
	if !(len(summary) < len(config) && len(config) < len(full)) {
		t.Fatalf("summary %d, configuration %d, full %d", len(summary), len(config), len(full))
	}
	for _, it := range config {
		if it.Attributes[0].Mutability == ReadOnly {
			t.Errorf("configuration inventory holds read-only %s.%s", it.Component, it.Variable)
		}
	}
	for _, it := range summary {
		if it.Variable.Name != "AvailabilityState" && it.Variable.Name != "Available" {
			t.Errorf("summary inventory holds %s", it.Variable)
		}
	}
	// Every list-typed variable carries its valuesList (TC_B_53).
	for _, it := range full {
		switch it.Chars.DataType {
		case OptionList, MemberList, SequenceList:
			if len(it.Chars.ValuesList) == 0 {
				t.Errorf("%s.%s has no valuesList", it.Component, it.Variable)
			}
		}
	}
	if _, err := m.Report("Everything"); err == nil {
		t.Fatal("unknown report base accepted")
	}
}

// TestCoreRequiredVariables lists what Part 5 §5 requires a Core station to
// report; dropping one from the catalog fails here.
func TestCoreRequiredVariables(t *testing.T) {
	required := map[string][]string{
		"OCPPCommCtrlr": {"FileTransferProtocols", "MessageTimeout[Default]", "MessageAttemptInterval[TransactionEvent]",
			"MessageAttempts[TransactionEvent]", "NetworkConfigurationPriority", "NetworkProfileConnectionAttempts",
			"OfflineThreshold", "ResetRetries", "UnlockOnEVSideDisconnect", "RetryBackOffRandomRange",
			"RetryBackOffRepeatTimes", "RetryBackOffWaitMinimum", "WebSocketPingInterval"},
		"TxCtrlr":          {"EVConnectionTimeOut", "StopTxOnEVSideDisconnect", "StopTxOnInvalidId", "TxStartPoint", "TxStopPoint"},
		"AuthCtrlr":        {"AuthorizeRemoteStart", "LocalAuthorizeOffline", "LocalPreAuthorize"},
		"SampledDataCtrlr": {"TxEndedInterval", "TxEndedMeasurands", "TxStartedMeasurands", "TxUpdatedInterval", "TxUpdatedMeasurands"},
		"AlignedDataCtrlr": {"Interval", "Measurands", "TxEndedInterval", "TxEndedMeasurands"},
		"ClockCtrlr":       {"DateTime", "TimeSource"},
		"DeviceDataCtrlr": {"ItemsPerMessage[GetReport]", "ItemsPerMessage[GetVariables]", "ItemsPerMessage[SetVariables]",
			"BytesPerMessage[GetReport]", "BytesPerMessage[GetVariables]", "BytesPerMessage[SetVariables]"},
		"SecurityCtrlr":                 {"CertificateEntries", "OrganizationName", "SecurityProfile"},
		"ChargingStation":               {"AvailabilityState", "Available", "SupplyPhases"},
		"EVSE(evse 1)":                  {"AvailabilityState", "Available", "Power", "SupplyPhases"},
		"Connector(evse 1 connector 1)": {"AvailabilityState", "Available", "ConnectorType", "SupplyPhases"},
	}
	have := map[string]bool{}
	for _, d := range New(layout()).Definitions() {
		have[d.Component.String()+"."+d.Variable.String()] = true
	}
	for comp, vars := range required {
		for _, v := range vars {
			if !have[comp+"."+v] {
				t.Errorf("missing %s.%s", comp, v)
			}
		}
	}
}

func TestChunk(t *testing.T) {
	cases := []struct{ n, size, parts, last int }{{0, 20, 0, 0}, {1, 20, 1, 1}, {20, 20, 1, 20}, {21, 20, 2, 1}, {45, 10, 5, 5}}
	for _, c := range cases {
		parts := Chunk(make([]int, c.n), c.size)
		if len(parts) != c.parts || (c.parts > 0 && len(parts[len(parts)-1]) != c.last) {
			t.Errorf("Chunk(%d items, %d) gave %d parts", c.n, c.size, len(parts))
		}
	}
}

// TestStationsShareTheCatalog: stations of one layout share the read-only
// catalog and keep their own values and clocks.
func TestStationsShareTheCatalog(t *testing.T) {
	a, b := New(layout()), New(layout())
	other := layout()
	other.SecurityProfile = 3
	c := New(other)
	if a.catalog != b.catalog || a.catalog == c.catalog {
		t.Fatal("equal layouts do not share one catalog, or different ones do")
	}
	a.Set(Key{Component: commCtrlr, Variable: heartbeat}, "42")
	if v := b.Value(commCtrlr, heartbeat); v != "300" {
		t.Fatalf("a value set on one station leaked to another: %q", v)
	}
	l := layout()
	l.Now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
	clock := Key{Component: Component{Name: "ClockCtrlr"}, Variable: Variable{Name: "DateTime"}}
	if got := New(l).Get(clock).Value; got != "2030-01-01T00:00:00Z" || a.Get(clock).Value != "2026-05-01T12:00:00Z" {
		t.Fatalf("stations sharing a catalog share a clock: %q", got)
	}
}

// TestSharedCatalogReadsEachStationsProfiles: Entries[ChargingProfiles] is
// the count of the station asked, not of the first station of its layout.
func TestSharedCatalogReadsEachStationsProfiles(t *testing.T) {
	entries := Key{Component: Component{Name: "SmartChargingCtrlr"}, Variable: Variable{Name: "Entries", Instance: "ChargingProfiles"}}
	la, lb := layout(), layout()
	la.ProfileEntries = func() int { return 2 }
	lb.ProfileEntries = func() int { return 5 }
	a, b := New(la), New(lb)
	if a.catalog != b.catalog {
		t.Fatal("equal layouts do not share one catalog")
	}
	if ga, gb := a.Get(entries).Value, b.Get(entries).Value; ga != "2" || gb != "5" {
		t.Fatalf("Entries[ChargingProfiles] = %q and %q, want 2 and 5", ga, gb)
	}
	if got := New(layout()).Get(entries).Value; got != "0" {
		t.Fatalf("Entries[ChargingProfiles] without a counter = %q, want 0", got)
	}
}

// TestNewCopiesNoCatalogValues: a station's model holds what differs from
// the shared catalog, not a copy of every initial value. A copy costs at
// least a map entry (a Key and a string, over 100 bytes) per attribute, so
// a copy exceeds the bound (33 KB measured for this layout with one).
func TestNewCopiesNoCatalogValues(t *testing.T) {
	l := layout()
	m := New(l) // the catalog of the layout is built and cached here
	attrs := 0
	for _, d := range m.Definitions() {
		attrs += len(d.Attributes)
	}
	bound := uint64(attrs) * 100
	if n := memcheck.Allocated(func() { m = New(l) }); n > bound {
		t.Errorf("New allocated %d bytes for a layout of %d attributes, want at most %d", n, attrs, bound)
	}
	if v := m.Value(commCtrlr, heartbeat); v != "300" {
		t.Fatalf("initial HeartbeatInterval = %q, want the catalog's 300", v)
	}
}

// Values are kept by catalog position: every attribute must have a slot of
// its own, or an update of one would show in another.
func TestEveryAttributeHasItsOwnSlot(t *testing.T) {
	m := New(layout())
	seen := map[slot]Key{}
	for _, d := range m.Definitions() {
		if len(d.Attributes) > maxAttributes {
			t.Fatalf("%s %s has %d attributes, slots hold %d", d.Component, d.Variable, len(d.Attributes), maxAttributes)
		}
		for _, a := range d.Attributes {
			k := Key{d.Component, d.Variable, a.Type}
			_, _, at, why := m.lookup(k)
			if why != "" {
				t.Fatalf("%s: %s", k, why)
			}
			if other, dup := seen[at]; dup {
				t.Fatalf("%s and %s share slot %d", k, other, at)
			}
			seen[at] = k
		}
	}
	avail := Key{Component: Component{Name: "EVSE", EVSE: 2}, Variable: Variable{Name: "AvailabilityState"}}
	if err := m.Update(avail, "Unavailable"); err != nil {
		t.Fatal(err)
	}
	if got := m.Get(Key{Component: Component{Name: "EVSE", EVSE: 1}, Variable: Variable{Name: "AvailabilityState"}}).Value; got == "Unavailable" {
		t.Errorf("EVSE 1 shows EVSE 2's update")
	}
	if got := m.Get(avail).Value; got != "Unavailable" {
		t.Errorf("EVSE 2 AvailabilityState = %q after the update", got)
	}
}
