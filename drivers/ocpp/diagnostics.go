package ocpp

// Diagnostics (functional block N): logs, customer information and events.

type LogEnumType string

const (
	LogDiagnosticsLog LogEnumType = "DiagnosticsLog"
	LogSecurityLog    LogEnumType = "SecurityLog"
)

type LogParametersType struct {
	CustomData      *CustomDataType `json:"customData,omitempty"`
	RemoteLocation  string          `json:"remoteLocation" ocpp:"maxLength=512"`
	OldestTimestamp *DateTime       `json:"oldestTimestamp,omitempty"`
	LatestTimestamp *DateTime       `json:"latestTimestamp,omitempty"`
}

type LogStatusEnumType string

const (
	LogStatusAccepted         LogStatusEnumType = "Accepted"
	LogStatusRejected         LogStatusEnumType = "Rejected"
	LogStatusAcceptedCanceled LogStatusEnumType = "AcceptedCanceled"
)

type UploadLogStatusEnumType string

const (
	UploadLogStatusBadMessage            UploadLogStatusEnumType = "BadMessage"
	UploadLogStatusIdle                  UploadLogStatusEnumType = "Idle"
	UploadLogStatusNotSupportedOperation UploadLogStatusEnumType = "NotSupportedOperation"
	UploadLogStatusPermissionDenied      UploadLogStatusEnumType = "PermissionDenied"
	UploadLogStatusUploaded              UploadLogStatusEnumType = "Uploaded"
	UploadLogStatusUploadFailure         UploadLogStatusEnumType = "UploadFailure"
	UploadLogStatusUploading             UploadLogStatusEnumType = "Uploading"
	UploadLogStatusAcceptedCanceled      UploadLogStatusEnumType = "AcceptedCanceled"
)

type CustomerInformationStatusEnumType string

const (
	CustomerInformationStatusAccepted CustomerInformationStatusEnumType = "Accepted"
	CustomerInformationStatusRejected CustomerInformationStatusEnumType = "Rejected"
	CustomerInformationStatusInvalid  CustomerInformationStatusEnumType = "Invalid"
)

type EventNotificationEnumType string

const (
	EventNotificationHardWiredNotification EventNotificationEnumType = "HardWiredNotification"
	EventNotificationHardWiredMonitor      EventNotificationEnumType = "HardWiredMonitor"
	EventNotificationPreconfiguredMonitor  EventNotificationEnumType = "PreconfiguredMonitor"
	EventNotificationCustomMonitor         EventNotificationEnumType = "CustomMonitor"
)

type EventTriggerEnumType string

const (
	EventTriggerAlerting EventTriggerEnumType = "Alerting"
	EventTriggerDelta    EventTriggerEnumType = "Delta"
	EventTriggerPeriodic EventTriggerEnumType = "Periodic"
)

type EventDataType struct {
	CustomData            *CustomDataType           `json:"customData,omitempty"`
	EventID               int                       `json:"eventId"`
	Timestamp             DateTime                  `json:"timestamp"`
	Trigger               EventTriggerEnumType      `json:"trigger"`
	Cause                 *int                      `json:"cause,omitempty"`
	ActualValue           string                    `json:"actualValue" ocpp:"maxLength=2500"`
	TechCode              string                    `json:"techCode,omitempty" ocpp:"maxLength=50"`
	TechInfo              string                    `json:"techInfo,omitempty" ocpp:"maxLength=500"`
	Cleared               *bool                     `json:"cleared,omitempty"`
	TransactionID         string                    `json:"transactionId,omitempty" ocpp:"maxLength=36"`
	Component             ComponentType             `json:"component"`
	VariableMonitoringID  *int                      `json:"variableMonitoringId,omitempty"`
	EventNotificationType EventNotificationEnumType `json:"eventNotificationType"`
	Variable              VariableType              `json:"variable"`
}

// GetLogRequest is the payload of a GetLog CALL.
type GetLogRequest struct {
	CustomData    *CustomDataType   `json:"customData,omitempty"`
	Log           LogParametersType `json:"log"`
	LogType       LogEnumType       `json:"logType"`
	RequestID     int               `json:"requestId"`
	Retries       *int              `json:"retries,omitempty"`
	RetryInterval *int              `json:"retryInterval,omitempty"`
}

// GetLogResponse is the payload of a GetLog CALLRESULT.
type GetLogResponse struct {
	CustomData *CustomDataType   `json:"customData,omitempty"`
	Status     LogStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType   `json:"statusInfo,omitempty"`
	Filename   string            `json:"filename,omitempty" ocpp:"maxLength=255"`
}

// LogStatusNotificationRequest is the payload of a LogStatusNotification CALL.
type LogStatusNotificationRequest struct {
	CustomData *CustomDataType         `json:"customData,omitempty"`
	Status     UploadLogStatusEnumType `json:"status"`
	RequestID  *int                    `json:"requestId,omitempty"`
}

// LogStatusNotificationResponse is the payload of a LogStatusNotification CALLRESULT.
type LogStatusNotificationResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// CustomerInformationRequest is the payload of a CustomerInformation CALL.
type CustomerInformationRequest struct {
	CustomData          *CustomDataType          `json:"customData,omitempty"`
	CustomerCertificate *CertificateHashDataType `json:"customerCertificate,omitempty"`
	IDToken             *IdTokenType             `json:"idToken,omitempty"`
	RequestID           int                      `json:"requestId"`
	Report              bool                     `json:"report"`
	Clear               bool                     `json:"clear"`
	CustomerIdentifier  string                   `json:"customerIdentifier,omitempty" ocpp:"maxLength=64"`
}

// CustomerInformationResponse is the payload of a CustomerInformation CALLRESULT.
type CustomerInformationResponse struct {
	CustomData *CustomDataType                   `json:"customData,omitempty"`
	Status     CustomerInformationStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                   `json:"statusInfo,omitempty"`
}

// NotifyCustomerInformationRequest is the payload of a NotifyCustomerInformation CALL.
type NotifyCustomerInformationRequest struct {
	CustomData  *CustomDataType `json:"customData,omitempty"`
	Data        string          `json:"data" ocpp:"maxLength=512"`
	Tbc         *bool           `json:"tbc,omitempty"`
	SeqNo       int             `json:"seqNo"`
	GeneratedAt DateTime        `json:"generatedAt"`
	RequestID   int             `json:"requestId"`
}

// NotifyCustomerInformationResponse is the payload of a NotifyCustomerInformation CALLRESULT.
type NotifyCustomerInformationResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// NotifyEventRequest is the payload of a NotifyEvent CALL.
type NotifyEventRequest struct {
	CustomData  *CustomDataType `json:"customData,omitempty"`
	GeneratedAt DateTime        `json:"generatedAt"`
	Tbc         *bool           `json:"tbc,omitempty"`
	SeqNo       int             `json:"seqNo"`
	EventData   []EventDataType `json:"eventData" ocpp:"minItems=1"`
}

// NotifyEventResponse is the payload of a NotifyEvent CALLRESULT.
type NotifyEventResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(LogDiagnosticsLog, LogSecurityLog)
	registerEnum(LogStatusAccepted, LogStatusRejected, LogStatusAcceptedCanceled)
	registerEnum(
		UploadLogStatusBadMessage, UploadLogStatusIdle, UploadLogStatusNotSupportedOperation,
		UploadLogStatusPermissionDenied, UploadLogStatusUploaded, UploadLogStatusUploadFailure,
		UploadLogStatusUploading, UploadLogStatusAcceptedCanceled,
	)
	registerEnum(
		CustomerInformationStatusAccepted, CustomerInformationStatusRejected,
		CustomerInformationStatusInvalid,
	)
	registerEnum(
		EventNotificationHardWiredNotification, EventNotificationHardWiredMonitor,
		EventNotificationPreconfiguredMonitor, EventNotificationCustomMonitor,
	)
	registerEnum(EventTriggerAlerting, EventTriggerDelta, EventTriggerPeriodic)
}
