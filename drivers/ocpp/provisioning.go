package ocpp

// Provisioning (functional block B): boot, reset and network connection profiles.

type BootReasonEnumType string

const (
	BootReasonApplicationReset BootReasonEnumType = "ApplicationReset"
	BootReasonFirmwareUpdate   BootReasonEnumType = "FirmwareUpdate"
	BootReasonLocalReset       BootReasonEnumType = "LocalReset"
	BootReasonPowerUp          BootReasonEnumType = "PowerUp"
	BootReasonRemoteReset      BootReasonEnumType = "RemoteReset"
	BootReasonScheduledReset   BootReasonEnumType = "ScheduledReset"
	BootReasonTriggered        BootReasonEnumType = "Triggered"
	BootReasonUnknown          BootReasonEnumType = "Unknown"
	BootReasonWatchdog         BootReasonEnumType = "Watchdog"
)

type ChargingStationType struct {
	CustomData      *CustomDataType `json:"customData,omitempty"`
	SerialNumber    string          `json:"serialNumber,omitempty" ocpp:"maxLength=25"`
	Model           string          `json:"model" ocpp:"maxLength=20"`
	Modem           *ModemType      `json:"modem,omitempty"`
	VendorName      string          `json:"vendorName" ocpp:"maxLength=50"`
	FirmwareVersion string          `json:"firmwareVersion,omitempty" ocpp:"maxLength=50"`
}

type ModemType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Iccid      string          `json:"iccid,omitempty" ocpp:"maxLength=20"`
	Imsi       string          `json:"imsi,omitempty" ocpp:"maxLength=20"`
}

type RegistrationStatusEnumType string

const (
	RegistrationStatusAccepted RegistrationStatusEnumType = "Accepted"
	RegistrationStatusPending  RegistrationStatusEnumType = "Pending"
	RegistrationStatusRejected RegistrationStatusEnumType = "Rejected"
)

type ResetEnumType string

const (
	ResetImmediate ResetEnumType = "Immediate"
	ResetOnIdle    ResetEnumType = "OnIdle"
)

type ResetStatusEnumType string

const (
	ResetStatusAccepted  ResetStatusEnumType = "Accepted"
	ResetStatusRejected  ResetStatusEnumType = "Rejected"
	ResetStatusScheduled ResetStatusEnumType = "Scheduled"
)

type APNAuthenticationEnumType string

const (
	APNAuthenticationCHAP APNAuthenticationEnumType = "CHAP"
	APNAuthenticationNONE APNAuthenticationEnumType = "NONE"
	APNAuthenticationPAP  APNAuthenticationEnumType = "PAP"
	APNAuthenticationAUTO APNAuthenticationEnumType = "AUTO"
)

type OCPPInterfaceEnumType string

const (
	OCPPInterfaceWired0    OCPPInterfaceEnumType = "Wired0"
	OCPPInterfaceWired1    OCPPInterfaceEnumType = "Wired1"
	OCPPInterfaceWired2    OCPPInterfaceEnumType = "Wired2"
	OCPPInterfaceWired3    OCPPInterfaceEnumType = "Wired3"
	OCPPInterfaceWireless0 OCPPInterfaceEnumType = "Wireless0"
	OCPPInterfaceWireless1 OCPPInterfaceEnumType = "Wireless1"
	OCPPInterfaceWireless2 OCPPInterfaceEnumType = "Wireless2"
	OCPPInterfaceWireless3 OCPPInterfaceEnumType = "Wireless3"
)

type OCPPTransportEnumType string

const (
	OCPPTransportJSON OCPPTransportEnumType = "JSON"
	OCPPTransportSOAP OCPPTransportEnumType = "SOAP"
)

type OCPPVersionEnumType string

const (
	OCPPVersionOCPP12 OCPPVersionEnumType = "OCPP12"
	OCPPVersionOCPP15 OCPPVersionEnumType = "OCPP15"
	OCPPVersionOCPP16 OCPPVersionEnumType = "OCPP16"
	OCPPVersionOCPP20 OCPPVersionEnumType = "OCPP20"
)

type VPNEnumType string

const (
	VPNIKEv2 VPNEnumType = "IKEv2"
	VPNIPSec VPNEnumType = "IPSec"
	VPNL2TP  VPNEnumType = "L2TP"
	VPNPPTP  VPNEnumType = "PPTP"
)

type APNType struct {
	CustomData              *CustomDataType           `json:"customData,omitempty"`
	APN                     string                    `json:"apn" ocpp:"maxLength=512"`
	APNUserName             string                    `json:"apnUserName,omitempty" ocpp:"maxLength=20"`
	APNPassword             string                    `json:"apnPassword,omitempty" ocpp:"maxLength=20"`
	SimPin                  *int                      `json:"simPin,omitempty"`
	PreferredNetwork        string                    `json:"preferredNetwork,omitempty" ocpp:"maxLength=6"`
	UseOnlyPreferredNetwork *bool                     `json:"useOnlyPreferredNetwork,omitempty"`
	APNAuthentication       APNAuthenticationEnumType `json:"apnAuthentication"`
}

type NetworkConnectionProfileType struct {
	CustomData      *CustomDataType       `json:"customData,omitempty"`
	APN             *APNType              `json:"apn,omitempty"`
	OCPPVersion     OCPPVersionEnumType   `json:"ocppVersion"`
	OCPPTransport   OCPPTransportEnumType `json:"ocppTransport"`
	OCPPCSMSURL     string                `json:"ocppCsmsUrl" ocpp:"maxLength=512"`
	MessageTimeout  int                   `json:"messageTimeout"`
	SecurityProfile int                   `json:"securityProfile"`
	OCPPInterface   OCPPInterfaceEnumType `json:"ocppInterface"`
	VPN             *VPNType              `json:"vpn,omitempty"`
}

type VPNType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Server     string          `json:"server" ocpp:"maxLength=512"`
	User       string          `json:"user" ocpp:"maxLength=20"`
	Group      string          `json:"group,omitempty" ocpp:"maxLength=20"`
	Password   string          `json:"password" ocpp:"maxLength=20"`
	Key        string          `json:"key" ocpp:"maxLength=255"`
	Type       VPNEnumType     `json:"type"`
}

type SetNetworkProfileStatusEnumType string

const (
	SetNetworkProfileStatusAccepted SetNetworkProfileStatusEnumType = "Accepted"
	SetNetworkProfileStatusRejected SetNetworkProfileStatusEnumType = "Rejected"
	SetNetworkProfileStatusFailed   SetNetworkProfileStatusEnumType = "Failed"
)

// BootNotificationRequest is the payload of a BootNotification CALL.
type BootNotificationRequest struct {
	CustomData      *CustomDataType     `json:"customData,omitempty"`
	ChargingStation ChargingStationType `json:"chargingStation"`
	Reason          BootReasonEnumType  `json:"reason"`
}

// BootNotificationResponse is the payload of a BootNotification CALLRESULT.
type BootNotificationResponse struct {
	CustomData  *CustomDataType            `json:"customData,omitempty"`
	CurrentTime DateTime                   `json:"currentTime"`
	Interval    int                        `json:"interval"`
	Status      RegistrationStatusEnumType `json:"status"`
	StatusInfo  *StatusInfoType            `json:"statusInfo,omitempty"`
}

// ResetRequest is the payload of a Reset CALL.
type ResetRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Type       ResetEnumType   `json:"type"`
	EVSEID     *int            `json:"evseId,omitempty"`
}

// ResetResponse is the payload of a Reset CALLRESULT.
type ResetResponse struct {
	CustomData *CustomDataType     `json:"customData,omitempty"`
	Status     ResetStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType     `json:"statusInfo,omitempty"`
}

// SetNetworkProfileRequest is the payload of a SetNetworkProfile CALL.
type SetNetworkProfileRequest struct {
	CustomData        *CustomDataType              `json:"customData,omitempty"`
	ConfigurationSlot int                          `json:"configurationSlot"`
	ConnectionData    NetworkConnectionProfileType `json:"connectionData"`
}

// SetNetworkProfileResponse is the payload of a SetNetworkProfile CALLRESULT.
type SetNetworkProfileResponse struct {
	CustomData *CustomDataType                 `json:"customData,omitempty"`
	Status     SetNetworkProfileStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                 `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		BootReasonApplicationReset, BootReasonFirmwareUpdate, BootReasonLocalReset,
		BootReasonPowerUp, BootReasonRemoteReset, BootReasonScheduledReset, BootReasonTriggered,
		BootReasonUnknown, BootReasonWatchdog,
	)
	registerEnum(RegistrationStatusAccepted, RegistrationStatusPending, RegistrationStatusRejected)
	registerEnum(ResetImmediate, ResetOnIdle)
	registerEnum(ResetStatusAccepted, ResetStatusRejected, ResetStatusScheduled)
	registerEnum(
		APNAuthenticationCHAP, APNAuthenticationNONE, APNAuthenticationPAP,
		APNAuthenticationAUTO,
	)
	registerEnum(
		OCPPInterfaceWired0, OCPPInterfaceWired1, OCPPInterfaceWired2, OCPPInterfaceWired3,
		OCPPInterfaceWireless0, OCPPInterfaceWireless1, OCPPInterfaceWireless2,
		OCPPInterfaceWireless3,
	)
	registerEnum(OCPPTransportJSON, OCPPTransportSOAP)
	registerEnum(OCPPVersionOCPP12, OCPPVersionOCPP15, OCPPVersionOCPP16, OCPPVersionOCPP20)
	registerEnum(VPNIKEv2, VPNIPSec, VPNL2TP, VPNPPTP)
	registerEnum(
		SetNetworkProfileStatusAccepted, SetNetworkProfileStatusRejected,
		SetNetworkProfileStatusFailed,
	)
}
