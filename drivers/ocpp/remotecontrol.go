package ocpp

// Remote control (functional block F): remote start/stop, unlock and triggered messages.

type RequestStartStopStatusEnumType string

const (
	RequestStartStopStatusAccepted RequestStartStopStatusEnumType = "Accepted"
	RequestStartStopStatusRejected RequestStartStopStatusEnumType = "Rejected"
)

type UnlockStatusEnumType string

const (
	UnlockStatusUnlocked                     UnlockStatusEnumType = "Unlocked"
	UnlockStatusUnlockFailed                 UnlockStatusEnumType = "UnlockFailed"
	UnlockStatusOngoingAuthorizedTransaction UnlockStatusEnumType = "OngoingAuthorizedTransaction"
	UnlockStatusUnknownConnector             UnlockStatusEnumType = "UnknownConnector"
)

type MessageTriggerEnumType string

const (
	MessageTriggerBootNotification                  MessageTriggerEnumType = "BootNotification"
	MessageTriggerLogStatusNotification             MessageTriggerEnumType = "LogStatusNotification"
	MessageTriggerFirmwareStatusNotification        MessageTriggerEnumType = "FirmwareStatusNotification"
	MessageTriggerHeartbeat                         MessageTriggerEnumType = "Heartbeat"
	MessageTriggerMeterValues                       MessageTriggerEnumType = "MeterValues"
	MessageTriggerSignChargingStationCertificate    MessageTriggerEnumType = "SignChargingStationCertificate"
	MessageTriggerSignV2GCertificate                MessageTriggerEnumType = "SignV2GCertificate"
	MessageTriggerStatusNotification                MessageTriggerEnumType = "StatusNotification"
	MessageTriggerTransactionEvent                  MessageTriggerEnumType = "TransactionEvent"
	MessageTriggerSignCombinedCertificate           MessageTriggerEnumType = "SignCombinedCertificate"
	MessageTriggerPublishFirmwareStatusNotification MessageTriggerEnumType = "PublishFirmwareStatusNotification"
)

type TriggerMessageStatusEnumType string

const (
	TriggerMessageStatusAccepted       TriggerMessageStatusEnumType = "Accepted"
	TriggerMessageStatusRejected       TriggerMessageStatusEnumType = "Rejected"
	TriggerMessageStatusNotImplemented TriggerMessageStatusEnumType = "NotImplemented"
)

// RequestStartTransactionRequest is the payload of a RequestStartTransaction CALL.
type RequestStartTransactionRequest struct {
	CustomData      *CustomDataType      `json:"customData,omitempty"`
	EVSEID          *int                 `json:"evseId,omitempty"`
	GroupIDToken    *IdTokenType         `json:"groupIdToken,omitempty"`
	IDToken         IdTokenType          `json:"idToken"`
	RemoteStartID   int                  `json:"remoteStartId"`
	ChargingProfile *ChargingProfileType `json:"chargingProfile,omitempty"`
}

// RequestStartTransactionResponse is the payload of a RequestStartTransaction CALLRESULT.
type RequestStartTransactionResponse struct {
	CustomData    *CustomDataType                `json:"customData,omitempty"`
	Status        RequestStartStopStatusEnumType `json:"status"`
	StatusInfo    *StatusInfoType                `json:"statusInfo,omitempty"`
	TransactionID string                         `json:"transactionId,omitempty" ocpp:"maxLength=36"`
}

// RequestStopTransactionRequest is the payload of a RequestStopTransaction CALL.
type RequestStopTransactionRequest struct {
	CustomData    *CustomDataType `json:"customData,omitempty"`
	TransactionID string          `json:"transactionId" ocpp:"maxLength=36"`
}

// RequestStopTransactionResponse is the payload of a RequestStopTransaction CALLRESULT.
type RequestStopTransactionResponse struct {
	CustomData *CustomDataType                `json:"customData,omitempty"`
	Status     RequestStartStopStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                `json:"statusInfo,omitempty"`
}

// UnlockConnectorRequest is the payload of a UnlockConnector CALL.
type UnlockConnectorRequest struct {
	CustomData  *CustomDataType `json:"customData,omitempty"`
	EVSEID      int             `json:"evseId"`
	ConnectorID int             `json:"connectorId"`
}

// UnlockConnectorResponse is the payload of a UnlockConnector CALLRESULT.
type UnlockConnectorResponse struct {
	CustomData *CustomDataType      `json:"customData,omitempty"`
	Status     UnlockStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType      `json:"statusInfo,omitempty"`
}

// TriggerMessageRequest is the payload of a TriggerMessage CALL.
type TriggerMessageRequest struct {
	CustomData       *CustomDataType        `json:"customData,omitempty"`
	EVSE             *EVSEType              `json:"evse,omitempty"`
	RequestedMessage MessageTriggerEnumType `json:"requestedMessage"`
}

// TriggerMessageResponse is the payload of a TriggerMessage CALLRESULT.
type TriggerMessageResponse struct {
	CustomData *CustomDataType              `json:"customData,omitempty"`
	Status     TriggerMessageStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType              `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(RequestStartStopStatusAccepted, RequestStartStopStatusRejected)
	registerEnum(
		UnlockStatusUnlocked, UnlockStatusUnlockFailed, UnlockStatusOngoingAuthorizedTransaction,
		UnlockStatusUnknownConnector,
	)
	registerEnum(
		MessageTriggerBootNotification, MessageTriggerLogStatusNotification,
		MessageTriggerFirmwareStatusNotification, MessageTriggerHeartbeat,
		MessageTriggerMeterValues, MessageTriggerSignChargingStationCertificate,
		MessageTriggerSignV2GCertificate, MessageTriggerStatusNotification,
		MessageTriggerTransactionEvent, MessageTriggerSignCombinedCertificate,
		MessageTriggerPublishFirmwareStatusNotification,
	)
	registerEnum(
		TriggerMessageStatusAccepted, TriggerMessageStatusRejected,
		TriggerMessageStatusNotImplemented,
	)
}
