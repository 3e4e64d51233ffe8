package ocpp

// Transactions (functional block E).

type ChargingStateEnumType string

const (
	ChargingStateCharging      ChargingStateEnumType = "Charging"
	ChargingStateEVConnected   ChargingStateEnumType = "EVConnected"
	ChargingStateSuspendedEV   ChargingStateEnumType = "SuspendedEV"
	ChargingStateSuspendedEVSE ChargingStateEnumType = "SuspendedEVSE"
	ChargingStateIdle          ChargingStateEnumType = "Idle"
)

type ReasonEnumType string

const (
	ReasonDeAuthorized       ReasonEnumType = "DeAuthorized"
	ReasonEmergencyStop      ReasonEnumType = "EmergencyStop"
	ReasonEnergyLimitReached ReasonEnumType = "EnergyLimitReached"
	ReasonEVDisconnected     ReasonEnumType = "EVDisconnected"
	ReasonGroundFault        ReasonEnumType = "GroundFault"
	ReasonImmediateReset     ReasonEnumType = "ImmediateReset"
	ReasonLocal              ReasonEnumType = "Local"
	ReasonLocalOutOfCredit   ReasonEnumType = "LocalOutOfCredit"
	ReasonMasterPass         ReasonEnumType = "MasterPass"
	ReasonOther              ReasonEnumType = "Other"
	ReasonOvercurrentFault   ReasonEnumType = "OvercurrentFault"
	ReasonPowerLoss          ReasonEnumType = "PowerLoss"
	ReasonPowerQuality       ReasonEnumType = "PowerQuality"
	ReasonReboot             ReasonEnumType = "Reboot"
	ReasonRemote             ReasonEnumType = "Remote"
	ReasonSOCLimitReached    ReasonEnumType = "SOCLimitReached"
	ReasonStoppedByEV        ReasonEnumType = "StoppedByEV"
	ReasonTimeLimitReached   ReasonEnumType = "TimeLimitReached"
	ReasonTimeout            ReasonEnumType = "Timeout"
)

type TransactionEventEnumType string

const (
	TransactionEventEnded   TransactionEventEnumType = "Ended"
	TransactionEventStarted TransactionEventEnumType = "Started"
	TransactionEventUpdated TransactionEventEnumType = "Updated"
)

type TriggerReasonEnumType string

const (
	TriggerReasonAuthorized           TriggerReasonEnumType = "Authorized"
	TriggerReasonCablePluggedIn       TriggerReasonEnumType = "CablePluggedIn"
	TriggerReasonChargingRateChanged  TriggerReasonEnumType = "ChargingRateChanged"
	TriggerReasonChargingStateChanged TriggerReasonEnumType = "ChargingStateChanged"
	TriggerReasonDeauthorized         TriggerReasonEnumType = "Deauthorized"
	TriggerReasonEnergyLimitReached   TriggerReasonEnumType = "EnergyLimitReached"
	TriggerReasonEVCommunicationLost  TriggerReasonEnumType = "EVCommunicationLost"
	TriggerReasonEVConnectTimeout     TriggerReasonEnumType = "EVConnectTimeout"
	TriggerReasonMeterValueClock      TriggerReasonEnumType = "MeterValueClock"
	TriggerReasonMeterValuePeriodic   TriggerReasonEnumType = "MeterValuePeriodic"
	TriggerReasonTimeLimitReached     TriggerReasonEnumType = "TimeLimitReached"
	TriggerReasonTrigger              TriggerReasonEnumType = "Trigger"
	TriggerReasonUnlockCommand        TriggerReasonEnumType = "UnlockCommand"
	TriggerReasonStopAuthorized       TriggerReasonEnumType = "StopAuthorized"
	TriggerReasonEVDeparted           TriggerReasonEnumType = "EVDeparted"
	TriggerReasonEVDetected           TriggerReasonEnumType = "EVDetected"
	TriggerReasonRemoteStop           TriggerReasonEnumType = "RemoteStop"
	TriggerReasonRemoteStart          TriggerReasonEnumType = "RemoteStart"
	TriggerReasonAbnormalCondition    TriggerReasonEnumType = "AbnormalCondition"
	TriggerReasonSignedDataReceived   TriggerReasonEnumType = "SignedDataReceived"
	TriggerReasonResetCommand         TriggerReasonEnumType = "ResetCommand"
)

type TransactionType struct {
	CustomData        *CustomDataType       `json:"customData,omitempty"`
	TransactionID     string                `json:"transactionId" ocpp:"maxLength=36"`
	ChargingState     ChargingStateEnumType `json:"chargingState,omitempty"`
	TimeSpentCharging *int                  `json:"timeSpentCharging,omitempty"`
	StoppedReason     ReasonEnumType        `json:"stoppedReason,omitempty"`
	RemoteStartID     *int                  `json:"remoteStartId,omitempty"`
}

// TransactionEventRequest is the payload of a TransactionEvent CALL.
type TransactionEventRequest struct {
	CustomData    *CustomDataType          `json:"customData,omitempty"`
	EventType     TransactionEventEnumType `json:"eventType"`
	MeterValue    []MeterValueType         `json:"meterValue,omitempty" ocpp:"minItems=1"`
	Timestamp     DateTime                 `json:"timestamp"`
	TriggerReason TriggerReasonEnumType    `json:"triggerReason"`
	// SeqNo starts at 0 for each transaction and is always written, 0 included.
	SeqNo int `json:"seqNo"`
	// Offline is set when the event was created, or re-sent, while offline.
	Offline            *bool           `json:"offline,omitempty"`
	NumberOfPhasesUsed *int            `json:"numberOfPhasesUsed,omitempty"`
	CableMaxCurrent    *int            `json:"cableMaxCurrent,omitempty"`
	ReservationID      *int            `json:"reservationId,omitempty"`
	TransactionInfo    TransactionType `json:"transactionInfo"`
	EVSE               *EVSEType       `json:"evse,omitempty"`
	IDToken            *IdTokenType    `json:"idToken,omitempty"`
}

// TransactionEventResponse is the payload of a TransactionEvent CALLRESULT.
type TransactionEventResponse struct {
	CustomData             *CustomDataType     `json:"customData,omitempty"`
	TotalCost              *float64            `json:"totalCost,omitempty"`
	ChargingPriority       *int                `json:"chargingPriority,omitempty"`
	IDTokenInfo            *IdTokenInfoType    `json:"idTokenInfo,omitempty"`
	UpdatedPersonalMessage *MessageContentType `json:"updatedPersonalMessage,omitempty"`
}

// GetTransactionStatusRequest is the payload of a GetTransactionStatus CALL.
type GetTransactionStatusRequest struct {
	CustomData    *CustomDataType `json:"customData,omitempty"`
	TransactionID string          `json:"transactionId,omitempty" ocpp:"maxLength=36"`
}

// GetTransactionStatusResponse is the payload of a GetTransactionStatus CALLRESULT.
type GetTransactionStatusResponse struct {
	CustomData       *CustomDataType `json:"customData,omitempty"`
	OngoingIndicator *bool           `json:"ongoingIndicator,omitempty"`
	MessagesInQueue  bool            `json:"messagesInQueue"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		ChargingStateCharging, ChargingStateEVConnected, ChargingStateSuspendedEV,
		ChargingStateSuspendedEVSE, ChargingStateIdle,
	)
	registerEnum(
		ReasonDeAuthorized, ReasonEmergencyStop, ReasonEnergyLimitReached, ReasonEVDisconnected,
		ReasonGroundFault, ReasonImmediateReset, ReasonLocal, ReasonLocalOutOfCredit,
		ReasonMasterPass, ReasonOther, ReasonOvercurrentFault, ReasonPowerLoss,
		ReasonPowerQuality, ReasonReboot, ReasonRemote, ReasonSOCLimitReached, ReasonStoppedByEV,
		ReasonTimeLimitReached, ReasonTimeout,
	)
	registerEnum(TransactionEventEnded, TransactionEventStarted, TransactionEventUpdated)
	registerEnum(
		TriggerReasonAuthorized, TriggerReasonCablePluggedIn, TriggerReasonChargingRateChanged,
		TriggerReasonChargingStateChanged, TriggerReasonDeauthorized,
		TriggerReasonEnergyLimitReached, TriggerReasonEVCommunicationLost,
		TriggerReasonEVConnectTimeout, TriggerReasonMeterValueClock,
		TriggerReasonMeterValuePeriodic, TriggerReasonTimeLimitReached, TriggerReasonTrigger,
		TriggerReasonUnlockCommand, TriggerReasonStopAuthorized, TriggerReasonEVDeparted,
		TriggerReasonEVDetected, TriggerReasonRemoteStop, TriggerReasonRemoteStart,
		TriggerReasonAbnormalCondition, TriggerReasonSignedDataReceived,
		TriggerReasonResetCommand,
	)
}
