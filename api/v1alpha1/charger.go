package v1alpha1

// Charger is one physical charger, presented to a CSMS as one OCPP 2.0.1
// Charging Station.
type Charger struct {
	APIVersion string        `json:"apiVersion"`
	Kind       string        `json:"kind"`
	Metadata   ObjectMeta    `json:"metadata"`
	Spec       ChargerSpec   `json:"spec"`
	Status     ChargerStatus `json:"status"`
}

// ChargerSpec declares how to reach a charger, how to read it and who it is on
// the OCPP side.
type ChargerSpec struct {
	// TemplateRef names the Template that maps this charger's registers or EPCs.
	TemplateRef string `json:"templateRef" schema:"is=name"`
	// Connection says how the device is reached; exactly one member is set.
	Connection ChargerConnection `json:"connection" schema:"minProperties=1,maxProperties=1"`
	// PollInterval is how often the device is read. Default "5s", at least 100ms.
	PollInterval Duration `json:"pollInterval,omitempty"`
	// FailureThreshold is the number of consecutive failed polls after which
	// the charger is reported Faulted. Default 3.
	FailureThreshold int `json:"failureThreshold,omitempty" schema:"minimum=1"`
	// OCPP is the charger's identity towards a CSMS. Without it the charger is
	// polled but not presented to any CSMS.
	OCPP *ChargerOCPP `json:"ocpp,omitempty"`
	// EVSEs is the EVSE/connector layout. Default: EVSE 1 with connector 1 (cType2).
	EVSEs []EVSE `json:"evses,omitempty" schema:"minItems=1"`
	// Electrical is the charger's supply as installed; the smart-charging
	// limits are bounded by it. Defaults are those of Supply.
	Electrical *Electrical `json:"electrical,omitempty"`
}

// Electrical describes a charger's supply as installed.
type Electrical struct {
	// MaxCurrentA is the most current per phase the charger may draw: its
	// rating or its circuit breaker's, whichever is lower. Default 32.
	MaxCurrentA float64 `json:"maxCurrentA,omitempty" schema:"exclusiveMinimum=0"`
	// MinCurrentA is the lowest current the charger can offer while it
	// charges; below it the session pauses. Default 6 (IEC 61851-1 AC).
	MinCurrentA float64 `json:"minCurrentA,omitempty" schema:"minimum=0"`
	// Phases is 1 or 3. Default 3.
	Phases int `json:"phases,omitempty" schema:"enum=phases"`
	// VoltageV is the nominal phase-to-neutral voltage, used to turn W into
	// A when no voltage is measured. Default 230.
	VoltageV float64 `json:"voltageV,omitempty" schema:"exclusiveMinimum=0"`
}

// Supply returns the charger's Electrical with the defaults filled in.
func (s *ChargerSpec) Supply() Electrical {
	var e Electrical
	if s.Electrical != nil {
		e = *s.Electrical
	}
	if e.MaxCurrentA == 0 {
		e.MaxCurrentA = 32
	}
	if e.MinCurrentA == 0 {
		e.MinCurrentA = 6
	}
	if e.Phases == 0 {
		e.Phases = 3
	}
	if e.VoltageV == 0 {
		e.VoltageV = 230
	}
	return e
}

// ModbusTCPConnection reaches a device over Modbus TCP. Devices at the same
// host and port share one connection.
type ModbusTCPConnection struct {
	Host string `json:"host" schema:"minLength=1,maxLength=253"`
	// Port defaults to 502.
	Port int `json:"port,omitempty" schema:"minimum=1,maximum=65535"`
	// UnitID is 0..255 and defaults to 1. A pointer because 0 is a unit id some
	// gateways use; after admission it is never nil.
	UnitID *int `json:"unitId,omitempty" schema:"minimum=0,maximum=255"`
	// Timeout is the per-request timeout. Default "1s".
	Timeout Duration `json:"timeout,omitempty"`
}

// ModbusRTUConnection reaches a device on an RS-485 line declared by a Bus.
type ModbusRTUConnection struct {
	BusRef string `json:"busRef" schema:"is=name"`
	// UnitID is the slave address, 1..247.
	UnitID int `json:"unitId" schema:"minimum=1,maximum=247"`
}

// EchonetConnection reaches an ECHONET Lite device object over UDP.
type EchonetConnection struct {
	// Address is the device's IP address.
	Address string `json:"address" schema:"minLength=1"`
	// EOJ is the object: class group, class, instance in hex, "0x02A101" or "02A101".
	EOJ string `json:"eoj" schema:"is=eoj"`
	// Port defaults to 3610; other values are for tests.
	Port int `json:"port,omitempty" schema:"minimum=1,maximum=65535"`
	// Interface is the network interface to use, e.g. "eth0"; empty = any.
	Interface string `json:"interface,omitempty" schema:"maxLength=15"`
	// Timeout is how long to wait for a response before retransmitting. Default "2s".
	Timeout Duration `json:"timeout,omitempty"`
}

// ChargerOCPP is the charger's identity towards its CSMS.
type ChargerOCPP struct {
	// StationID is the OCPP identity (the last URL segment and the Basic-auth
	// user). Default metadata.name; at most 48 characters, no ':' or '/'.
	StationID string `json:"stationId,omitempty" schema:"minLength=1,maxLength=48,is=stationId"`
	// CSMSRef names the CSMS this station connects to.
	CSMSRef string `json:"csmsRef" schema:"is=name"`
	// The BootNotification chargingStation fields. When empty the controller
	// uses the Template's manufacturer and model.
	VendorName      string `json:"vendorName,omitempty" schema:"maxLength=50"`
	Model           string `json:"model,omitempty" schema:"maxLength=20"`
	SerialNumber    string `json:"serialNumber,omitempty" schema:"maxLength=25"`
	FirmwareVersion string `json:"firmwareVersion,omitempty" schema:"maxLength=50"`
	// Variables are initial device-model values. Values the CSMS sets later
	// win and are kept in status.ocpp.variables.
	Variables []OCPPVariable `json:"variables,omitempty"`
	// Authorization says how a charging session is authorized. When it is
	// left out, the station uses LocalReader if the charger's template maps
	// idToken, and CSMS otherwise.
	Authorization *Authorization `json:"authorization,omitempty"`
}

// The authorization modes of a charger.
const (
	// AuthCSMS keeps the charger from charging until the CSMS starts a
	// session (RequestStartTransaction) or accepts an Authorize.
	AuthCSMS = "CSMS"
	// AuthLocalReader authorizes the idToken the charger's reader reports
	// (the template's idToken signal) with Authorize; the CSMS can still
	// start sessions remotely.
	AuthLocalReader = "LocalReader"
	// AuthAutoStart starts a session at plug-in with a fixed idToken, for
	// private or fleet sites without a reader.
	AuthAutoStart = "AutoStart"
)

// AuthorizationModes are the values of Authorization.Mode.
var AuthorizationModes = []string{AuthCSMS, AuthLocalReader, AuthAutoStart}

// Authorization is how a charger's sessions are authorized.
type Authorization struct {
	// Mode is CSMS, LocalReader or AutoStart.
	Mode string `json:"mode" schema:"enum=authMode"`
	// IDToken is the token an AutoStart session carries; its type is
	// Central or NoAuthorization (default NoAuthorization, with an empty
	// idToken).
	IDToken *IDToken `json:"idToken,omitempty"`
}

// OCPPVariable addresses one attribute of one variable of one component of
// the OCPP device model, with its value.
type OCPPVariable struct {
	Component        string    `json:"component" schema:"minLength=1,maxLength=50"`
	Instance         string    `json:"instance,omitempty" schema:"maxLength=50"`
	EVSE             *OCPPEVSE `json:"evse,omitempty"`
	Variable         string    `json:"variable" schema:"minLength=1,maxLength=50"`
	VariableInstance string    `json:"variableInstance,omitempty" schema:"maxLength=50"`
	// Attribute is Actual, Target, MinSet or MaxSet. Default Actual.
	Attribute string `json:"attribute,omitempty" schema:"enum=attribute"`
	// Value is the attribute value; numbers and booleans are accepted and kept
	// as their text, since OCPP attribute values are strings.
	Value AttributeValue `json:"value" schema:"maxLength=1000"`
}

// OCPPEVSE is the OCPP EVSEType: an EVSE id and optionally a connector on it.
type OCPPEVSE struct {
	ID          int `json:"id" schema:"minimum=1"`
	ConnectorID int `json:"connectorId,omitempty" schema:"minimum=1"`
}

// EVSE is one OCPP EVSE with its connectors.
type EVSE struct {
	// ID is 1.. and defaults to the position in the list plus one.
	ID         int         `json:"id,omitempty" schema:"minimum=1"`
	Connectors []Connector `json:"connectors,omitempty" schema:"minItems=1"`
}

// Connector is one connector of an EVSE.
type Connector struct {
	// ID is 1.. and defaults to the position in the list plus one.
	ID int `json:"id,omitempty" schema:"minimum=1"`
	// Type is an OCPP ConnectorEnumType value. Default cType2.
	Type string `json:"type,omitempty" schema:"enum=connectorType"`
}

// ChargerStatus is what the controllers observe.
type ChargerStatus struct {
	CommonStatus
	Device     *DeviceStatus      `json:"device,omitempty"`
	Connectors []ConnectorStatus  `json:"connectors,omitempty"`
	OCPP       *ChargerOCPPStatus `json:"ocpp,omitempty"`
}

// DeviceStatus describes the device side. It changes only when polls fail or
// a command's outcome changes, so a healthy charger causes no status writes
// here.
type DeviceStatus struct {
	ConsecutiveFailures int    `json:"consecutiveFailures,omitempty" schema:"minimum=0"`
	LastError           string `json:"lastError,omitempty"`
	LastErrorTime       string `json:"lastErrorTime,omitempty" schema:"is=dateTime"`
	// DataStaleSince is set while the signals are not current: the time of
	// the last poll that read them. Their age is now minus this time.
	DataStaleSince string `json:"dataStaleSince,omitempty" schema:"is=dateTime"`
	// Commands holds the outcome of each command the gateway ran on the
	// device (periodic keepAlive included), by command name. An entry
	// changes only when the outcome does.
	Commands map[string]CommandStatus `json:"commands,omitempty"`
}

// The outcomes of a device command.
const (
	CommandDone        = "Done"        // the device took the writes
	CommandRejected    = "Rejected"    // the device refused them (exception, SetC_SNA, not in its Set map)
	CommandTimeout     = "Timeout"     // the device did not answer
	CommandUnsupported = "Unsupported" // the template has no such command
	CommandFailed      = "Failed"      // it could not be computed or sent (no data yet, no device)
)

// CommandStatus is the last outcome of one command on a device.
type CommandStatus struct {
	// Result is Done, Rejected, Timeout, Unsupported or Failed.
	Result  string `json:"result" schema:"enum=commandResult"`
	Message string `json:"message,omitempty"`
	// Since is when the command first had this result; repeated runs with
	// the same result do not move it (no status write per keepAlive).
	Since string `json:"since,omitempty" schema:"is=dateTime"`
}

// ConnectorStatus is the state of one connector.
type ConnectorStatus struct {
	EVSEID      int `json:"evseId" schema:"minimum=1"`
	ConnectorID int `json:"connectorId" schema:"minimum=1"`
	// Status is an OCPP ConnectorStatusEnumType value.
	Status string `json:"status,omitempty" schema:"enum=connectorStatus"`
	// Signals maps canonical signal names (SignalNames) to their current values.
	// A signal the template maps but whose input did not arrive is absent
	// here and listed in Unknown: it is never defaulted.
	Signals map[string]any `json:"signals,omitempty" schema:"keys.enum=signal"`
	// Unknown maps a signal the template maps but could not compute from the
	// last poll to the reason (e.g. "EPC 0xC7 not received").
	Unknown map[string]string `json:"unknown,omitempty"`
	// Stale is true while the signals are from an earlier poll because the
	// latest ones failed (status.device.dataStaleSince says since when).
	Stale bool `json:"stale,omitempty"`
}

// The OCPP connection states of ChargerOCPPStatus.State.
const (
	OCPPStateRegistered = "Registered"
	OCPPStatePending    = "Pending"
	OCPPStateRejected   = "Rejected"
	OCPPStateOffline    = "Offline"
)

// ChargerOCPPStatus is the station's OCPP state, including what the CSMS set
// and a restart must not lose.
type ChargerOCPPStatus struct {
	// State is Registered, Pending, Rejected or Offline.
	State  string `json:"state,omitempty" schema:"enum=ocppState"`
	Reason string `json:"reason,omitempty"`
	// LastBootTime is when the last BootNotification was accepted.
	LastBootTime string `json:"lastBootTime,omitempty" schema:"is=dateTime"`
	// HeartbeatInterval is the interval in seconds the CSMS gave at boot.
	HeartbeatInterval int    `json:"heartbeatInterval,omitempty" schema:"minimum=0"`
	LastConnectTime   string `json:"lastConnectTime,omitempty" schema:"is=dateTime"`
	// Variables are the device-model values set by the CSMS (SetVariables).
	Variables []OCPPVariable `json:"variables,omitempty"`
	// Availability is what ChangeAvailability set, per EVSE/connector.
	Availability []AvailabilityStatus `json:"availability,omitempty"`
	// BasicAuthPasswordSecretRef points at the password the CSMS set, which
	// replaces the one of the CSMS resource for this station.
	BasicAuthPasswordSecretRef *SecretKeyRef `json:"basicAuthPasswordSecretRef,omitempty"`
	// NetworkProfiles are the connection profiles the CSMS set with
	// SetNetworkProfile, by configuration slot. Slot 0 is the CSMS resource.
	NetworkProfiles []NetworkProfile `json:"networkProfiles,omitempty"`
	// Limits is the current limit in force on each EVSE, written by the
	// station whenever it changes.
	Limits []EVSELimit `json:"limits,omitempty"`
}

// The sources of an EVSELimit: which bound is the lowest.
const (
	LimitSourceCSMS    = "CSMS"    // the composite of the CSMS's profiles
	LimitSourceSite    = "Site"    // the charger's share of a site limit
	LimitSourceCharger = "Charger" // spec.electrical.maxCurrentA
)

// EVSELimit is the current limit in force on one EVSE and where it comes
// from. All currents are per phase.
type EVSELimit struct {
	EVSEID int `json:"evseId" schema:"minimum=1"`
	// LimitA is the lowest of CSMSLimitA, SiteShareA and the charger's
	// maximum; Source names which one it is.
	LimitA float64 `json:"limitA" schema:"minimum=0"`
	Source string  `json:"source" schema:"enum=limitSource"`
	// CSMSLimitA is the composite of the CSMS's profiles now; absent when
	// none applies.
	CSMSLimitA *float64 `json:"csmsLimitA,omitempty" schema:"minimum=0"`
	// SiteShareA is the charger's share of a site limit; absent when no
	// site limit selects the charger.
	SiteShareA *float64 `json:"siteShareA,omitempty" schema:"minimum=0"`
	// WrittenA is the limit the device last took (setCurrentLimit Done),
	// WrittenAt when; absent until it took one.
	WrittenA  *float64 `json:"writtenA,omitempty" schema:"minimum=0"`
	WrittenAt string   `json:"writtenAt,omitempty" schema:"is=dateTime"`
	// NextChange is when the limit changes next (RFC 3339) and NextLimitA
	// what it becomes; absent when no change is scheduled.
	NextChange string   `json:"nextChange,omitempty" schema:"is=dateTime"`
	NextLimitA *float64 `json:"nextLimitA,omitempty" schema:"minimum=0"`
}

// NetworkProfile is one OCPP NetworkConnectionProfile the station may
// connect with, as OCPPCommCtrlr.NetworkConfigurationPriority orders them.
type NetworkProfile struct {
	Slot            int    `json:"slot" schema:"minimum=0"`
	URL             string `json:"url"`
	SecurityProfile int    `json:"securityProfile" schema:"minimum=1,maximum=3"`
	// MessageTimeout is in seconds.
	MessageTimeout int `json:"messageTimeout,omitempty" schema:"minimum=0"`
}

// AvailabilityStatus records an OperationalStatusEnumType (Operative or
// Inoperative) for the station (evseId 0), an EVSE or a connector.
type AvailabilityStatus struct {
	EVSEID            int    `json:"evseId" schema:"minimum=0"`
	ConnectorID       int    `json:"connectorId,omitempty" schema:"minimum=1"`
	OperationalStatus string `json:"operationalStatus" schema:"enum=operationalStatus"`
}
