package devicemodel

import (
	"strconv"
	"time"
)

// Layout is what the catalog needs to know about one station.
type Layout struct {
	EVSEs []EVSELayout
	// SecurityProfile is 1, 2 or 3: the profile the station connects with.
	SecurityProfile int
	// Measurands are the measurands the charger's template can report
	// (e.g. "Energy.Active.Import.Register"); they are the valuesList of the
	// *Measurands variables.
	Measurands []string
	// Now is the station clock (CSMS time when a Heartbeat has set the offset).
	Now func() time.Time `json:"-"`
	// ItemsPerMessage and BytesPerMessage are the station's limits for
	// GetReport, GetVariables and SetVariables; defaults 20 and 8192.
	ItemsPerMessage, BytesPerMessage int
	// TxPoints are the TxStartPoint/TxStopPoint values this charger can
	// observe (its template's signals decide); TxStartPoint and TxStopPoint
	// are their defaults. Empty: all of TxPoints, default PowerPathClosed.
	TxPoints                  []string
	TxStartPoint, TxStopPoint string
	// SmartCharging: the charger's template has a limit command, so the
	// station takes charging profiles.
	SmartCharging bool
	// ProfileEntries counts the charging profiles installed now (the
	// Entries[ChargingProfiles] variable); nil reads 0.
	ProfileEntries func() int `json:"-"`
}

// The smart-charging limits the station declares (SmartChargingCtrlr).
const (
	PeriodsPerSchedule = 24
	ProfileStackLevel  = 10
	MaxProfiles        = 32
)

// EVSELayout is one EVSE of the station.
type EVSELayout struct {
	ID         int
	Connectors []ConnectorLayout
	// MaxPowerW is the EVSE's maximum power; 0 when unknown.
	MaxPowerW float64
	// Phases is 1 or 3; 0 when unknown.
	Phases int
}

// ConnectorLayout is one connector of an EVSE.
type ConnectorLayout struct {
	ID   int
	Type string // an OCPP ConnectorEnumType value
}

// TxPoints are the TxStartPoint/TxStopPoint values the gateway can detect
// from charger signals.
var TxPoints = []string{"EVConnected", "Authorized", "PowerPathClosed", "EnergyTransfer"}

// builder collects definitions in report order.
type builder struct{ defs []Definition }

func (b *builder) add(c Component, v string, chars Characteristics, attrs ...AttributeDef) *Definition {
	b.defs = append(b.defs, Definition{Component: c, Variable: Variable{Name: v}, Attributes: attrs, Chars: chars})
	return &b.defs[len(b.defs)-1]
}

func actual(m Mutability, value string) AttributeDef {
	return AttributeDef{Type: Actual, Mutability: m, Persistent: true, Value: value}
}

func integer(min, max float64, unit string) Characteristics {
	return Characteristics{DataType: Integer, MinLimit: limit(min), MaxLimit: limit(max), Unit: unit}
}

var boolean = Characteristics{DataType: Boolean}

func list(dt DataType, values ...string) Characteristics {
	return Characteristics{DataType: dt, ValuesList: values}
}

// Catalog returns the definitions of every variable the station has: the
// Core-required controllers (Part 5 §5, dm_components_vars v1.4) plus the
// ChargingStation, EVSE and Connector components of the layout.
func Catalog(l Layout) []Definition {
	l = withDefaults(l)
	b := &builder{}
	comm(b)
	tx(b, l)
	auth(b)
	sampled(b, l.Measurands)
	clock(b)
	deviceData(b, l)
	security(b, l.SecurityProfile)
	smartCharging(b, l)
	topology(b, l)
	return b.defs
}

func withDefaults(l Layout) Layout {
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.ItemsPerMessage == 0 {
		l.ItemsPerMessage = 20
	}
	if l.BytesPerMessage == 0 {
		l.BytesPerMessage = 8192
	}
	if l.SecurityProfile == 0 {
		l.SecurityProfile = 1
	}
	if len(l.Measurands) == 0 {
		l.Measurands = []string{"Energy.Active.Import.Register"}
	}
	if len(l.TxPoints) == 0 {
		l.TxPoints = TxPoints
	}
	if l.TxStartPoint == "" {
		l.TxStartPoint = "PowerPathClosed"
	}
	if l.TxStopPoint == "" {
		l.TxStopPoint = "PowerPathClosed"
	}
	return l
}

func comm(b *builder) {
	c := Component{Name: "OCPPCommCtrlr"}
	b.add(c, "FileTransferProtocols", list(MemberList, "HTTPS"), actual(ReadOnly, "HTTPS"))
	b.add(c, "HeartbeatInterval", integer(1, 86400, "s"), actual(ReadWrite, "300"))
	d := b.add(c, "MessageTimeout", integer(1, 600, "s"), actual(ReadWrite, "30"))
	d.Variable.Instance = "Default"
	d = b.add(c, "MessageAttemptInterval", integer(1, 3600, "s"), actual(ReadWrite, "60"))
	d.Variable.Instance = "TransactionEvent"
	d = b.add(c, "MessageAttempts", integer(1, 100, ""), actual(ReadWrite, "5"))
	d.Variable.Instance = "TransactionEvent"
	b.add(c, "NetworkConfigurationPriority", list(SequenceList, "0", "1", "2"), actual(ReadWrite, "0"))
	b.add(c, "NetworkProfileConnectionAttempts", integer(1, 100, ""), actual(ReadWrite, "3"))
	b.add(c, "OfflineThreshold", integer(0, 86400, "s"), actual(ReadWrite, "60"))
	b.add(c, "ResetRetries", integer(0, 10, ""), actual(ReadWrite, "2"))
	b.add(c, "RetryBackOffRandomRange", integer(0, 3600, "s"), actual(ReadWrite, "10"))
	b.add(c, "RetryBackOffRepeatTimes", integer(0, 100, ""), actual(ReadWrite, "5"))
	b.add(c, "RetryBackOffWaitMinimum", integer(0, 3600, "s"), actual(ReadWrite, "10"))
	b.add(c, "UnlockOnEVSideDisconnect", boolean, actual(ReadOnly, "true"))
	b.add(c, "WebSocketPingInterval", integer(0, 3600, "s"), actual(ReadWrite, "30"))
}

// tx: the TxStartPoint/TxStopPoint valuesList holds only the points the
// charger can observe, so SetVariables with another is Rejected
// (InvalidValue). StopTxOnEVSideDisconnect is ReadOnly true: a legacy
// charger cannot keep a session through an unplugged cable.
func tx(b *builder, l Layout) {
	c := Component{Name: "TxCtrlr"}
	b.add(c, "EVConnectionTimeOut", integer(0, 3600, "s"), actual(ReadWrite, "120"))
	b.add(c, "MaxEnergyOnInvalidId", integer(0, 1000000, "Wh"), actual(ReadWrite, "0"))
	b.add(c, "StopTxOnEVSideDisconnect", boolean, actual(ReadOnly, "true"))
	b.add(c, "StopTxOnInvalidId", boolean, actual(ReadWrite, "true"))
	b.add(c, "TxStartPoint", list(MemberList, l.TxPoints...), actual(ReadWrite, l.TxStartPoint))
	b.add(c, "TxStopPoint", list(MemberList, l.TxPoints...), actual(ReadWrite, l.TxStopPoint))
}

func auth(b *builder) {
	c := Component{Name: "AuthCtrlr"}
	b.add(c, "AuthorizeRemoteStart", boolean, actual(ReadWrite, "false"))
	b.add(c, "LocalAuthorizeOffline", boolean, actual(ReadWrite, "true"))
	b.add(c, "LocalPreAuthorize", boolean, actual(ReadWrite, "false"))
}

func sampled(b *builder, measurands []string) {
	def := measurands[0]
	s := Component{Name: "SampledDataCtrlr"}
	b.add(s, "TxEndedInterval", integer(0, 86400, "s"), actual(ReadWrite, "0"))
	b.add(s, "TxEndedMeasurands", list(MemberList, measurands...), actual(ReadWrite, def))
	b.add(s, "TxStartedMeasurands", list(MemberList, measurands...), actual(ReadWrite, def))
	b.add(s, "TxUpdatedInterval", integer(0, 86400, "s"), actual(ReadWrite, "60"))
	b.add(s, "TxUpdatedMeasurands", list(MemberList, measurands...), actual(ReadWrite, def))
	a := Component{Name: "AlignedDataCtrlr"}
	b.add(a, "Interval", integer(0, 86400, "s"), actual(ReadWrite, "0"))
	b.add(a, "Measurands", list(MemberList, measurands...), actual(ReadWrite, def))
	b.add(a, "TxEndedInterval", integer(0, 86400, "s"), actual(ReadWrite, "0"))
	b.add(a, "TxEndedMeasurands", list(MemberList, measurands...), actual(ReadWrite, def))
}

func clock(b *builder) {
	c := Component{Name: "ClockCtrlr"}
	b.add(c, "DateTime", Characteristics{DataType: DateTime},
		AttributeDef{Type: Actual, Mutability: ReadOnly, Dynamic: func(l Live) string { return l.Now().UTC().Format(time.RFC3339) }})
	b.add(c, "TimeSource", list(SequenceList, "Heartbeat"), actual(ReadWrite, "Heartbeat"))
	// TimeZone (IANA, e.g. "Europe/Berlin") makes Recurring charging
	// profiles repeat at local time across daylight saving; empty is UTC.
	b.add(c, "TimeZone", Characteristics{DataType: String, MaxLimit: limit(50)}, actual(ReadWrite, ""))
}

func deviceData(b *builder, l Layout) {
	c := Component{Name: "DeviceDataCtrlr"}
	for _, inst := range []string{"GetReport", "GetVariables", "SetVariables"} {
		d := b.add(c, "ItemsPerMessage", integer(1, 1000, ""), actual(ReadOnly, strconv.Itoa(l.ItemsPerMessage)))
		d.Variable.Instance = inst
		d = b.add(c, "BytesPerMessage", integer(1, 1<<20, ""), actual(ReadOnly, strconv.Itoa(l.BytesPerMessage)))
		d.Variable.Instance = inst
	}
}

// security: BasicAuthPassword takes 16 to 64 characters (errata 2025-01 let
// the maximum grow from 40 to the variable's maxLimit of up to 64), and
// AllowCSMSTLSWildcards (errata 2025-02) defaults to false.
func security(b *builder, profile int) {
	c := Component{Name: "SecurityCtrlr"}
	b.add(c, "AllowCSMSTLSWildcards", boolean, actual(ReadWrite, "false"))
	b.add(c, "BasicAuthPassword", Characteristics{DataType: String, MinLimit: limit(16), MaxLimit: limit(64)},
		AttributeDef{Type: Actual, Mutability: WriteOnly, Persistent: true})
	b.add(c, "CertificateEntries", integer(0, 1000, ""), actual(ReadOnly, "0"))
	b.add(c, "OrganizationName", Characteristics{DataType: String, MaxLimit: limit(50)}, actual(ReadWrite, ""))
	b.add(c, "SecurityProfile", integer(1, 3, ""), actual(ReadOnly, strconv.Itoa(profile)))
}

// smartCharging declares what the gateway honours: smart charging is
// available only when the template can limit the charger, and then always
// enabled; external constraints (the operator's site limits) cannot be
// switched off by the CSMS, since they protect the site's grid connection.
// LimitChangeSignificance is a percentage of the limit in force.
func smartCharging(b *builder, l Layout) {
	c := Component{Name: "SmartChargingCtrlr"}
	on := strconv.FormatBool(l.SmartCharging)
	b.add(c, "ACPhaseSwitchingSupported", boolean, actual(ReadOnly, "false"))
	b.add(c, "Available", boolean, actual(ReadOnly, on))
	b.add(c, "Enabled", boolean, actual(ReadOnly, on))
	d := b.add(c, "Entries", integer(0, MaxProfiles, ""), AttributeDef{Type: Actual, Mutability: ReadOnly,
		Dynamic: func(l Live) string {
			if l.ProfileEntries == nil {
				return "0"
			}
			return strconv.Itoa(l.ProfileEntries())
		}})
	d.Variable.Instance = "ChargingProfiles"
	b.add(c, "ExternalControlSignalsEnabled", boolean, actual(ReadOnly, "true"))
	b.add(c, "LimitChangeSignificance", Characteristics{DataType: Decimal, Unit: "Percent", MinLimit: limit(0), MaxLimit: limit(100)},
		actual(ReadWrite, "10"))
	b.add(c, "NotifyChargingLimitWithSchedules", boolean, actual(ReadWrite, "false"))
	b.add(c, "PeriodsPerSchedule", integer(1, PeriodsPerSchedule, ""), actual(ReadOnly, strconv.Itoa(PeriodsPerSchedule)))
	b.add(c, "Phases3to1", boolean, actual(ReadOnly, "false"))
	b.add(c, "ProfileStackLevel", integer(0, ProfileStackLevel, ""), actual(ReadOnly, strconv.Itoa(ProfileStackLevel)))
	b.add(c, "RateUnit", list(MemberList, "A", "W"), actual(ReadOnly, "A,W"))
}

// topology adds the ChargingStation, EVSE and Connector components. Their
// availability variables are ReadOnly: ChangeAvailability sets them.
func topology(b *builder, l Layout) {
	avail := list(OptionList, "Available", "Occupied", "Reserved", "Unavailable", "Faulted")
	cs := Component{Name: "ChargingStation"}
	b.add(cs, "AvailabilityState", avail, actual(ReadOnly, "Available")).Summary = true
	b.add(cs, "Available", boolean, actual(ReadOnly, "true")).Summary = true
	b.add(cs, "SupplyPhases", integer(0, 3, ""), actual(ReadOnly, strconv.Itoa(maxPhases(l.EVSEs))))
	for _, e := range l.EVSEs {
		ec := Component{Name: "EVSE", EVSE: e.ID}
		b.add(ec, "AvailabilityState", avail, actual(ReadOnly, "Available")).Summary = true
		b.add(ec, "Available", boolean, actual(ReadOnly, "true")).Summary = true
		power := Characteristics{DataType: Decimal, Unit: "W", MaxLimit: limit(e.MaxPowerW)}
		if e.MaxPowerW == 0 {
			power.MaxLimit = nil
		}
		b.add(ec, "Power", power, actual(ReadOnly, "0"))
		b.add(ec, "SupplyPhases", integer(0, 3, ""), actual(ReadOnly, strconv.Itoa(e.Phases)))
		for _, c := range e.Connectors {
			cc := Component{Name: "Connector", EVSE: e.ID, Connector: c.ID}
			b.add(cc, "AvailabilityState", avail, actual(ReadOnly, "Available")).Summary = true
			b.add(cc, "Available", boolean, actual(ReadOnly, "true")).Summary = true
			b.add(cc, "ConnectorType", Characteristics{DataType: String}, actual(ReadOnly, c.Type))
			b.add(cc, "SupplyPhases", integer(0, 3, ""), actual(ReadOnly, strconv.Itoa(e.Phases)))
		}
	}
}

func maxPhases(evses []EVSELayout) int {
	n := 0
	for _, e := range evses {
		n = max(n, e.Phases)
	}
	return n
}
