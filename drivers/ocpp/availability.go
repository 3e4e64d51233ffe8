package ocpp

// Availability (functional block G): heartbeat, connector status and operational state.

type ConnectorStatusEnumType string

const (
	ConnectorStatusAvailable   ConnectorStatusEnumType = "Available"
	ConnectorStatusOccupied    ConnectorStatusEnumType = "Occupied"
	ConnectorStatusReserved    ConnectorStatusEnumType = "Reserved"
	ConnectorStatusUnavailable ConnectorStatusEnumType = "Unavailable"
	ConnectorStatusFaulted     ConnectorStatusEnumType = "Faulted"
)

type OperationalStatusEnumType string

const (
	OperationalStatusInoperative OperationalStatusEnumType = "Inoperative"
	OperationalStatusOperative   OperationalStatusEnumType = "Operative"
)

type ChangeAvailabilityStatusEnumType string

const (
	ChangeAvailabilityStatusAccepted  ChangeAvailabilityStatusEnumType = "Accepted"
	ChangeAvailabilityStatusRejected  ChangeAvailabilityStatusEnumType = "Rejected"
	ChangeAvailabilityStatusScheduled ChangeAvailabilityStatusEnumType = "Scheduled"
)

// HeartbeatRequest is the payload of a Heartbeat CALL.
type HeartbeatRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// HeartbeatResponse is the payload of a Heartbeat CALLRESULT.
type HeartbeatResponse struct {
	CustomData  *CustomDataType `json:"customData,omitempty"`
	CurrentTime DateTime        `json:"currentTime"`
}

// StatusNotificationRequest is the payload of a StatusNotification CALL.
type StatusNotificationRequest struct {
	CustomData      *CustomDataType         `json:"customData,omitempty"`
	Timestamp       DateTime                `json:"timestamp"`
	ConnectorStatus ConnectorStatusEnumType `json:"connectorStatus"`
	EVSEID          int                     `json:"evseId"`
	ConnectorID     int                     `json:"connectorId"`
}

// StatusNotificationResponse is the payload of a StatusNotification CALLRESULT.
type StatusNotificationResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// ChangeAvailabilityRequest is the payload of a ChangeAvailability CALL.
type ChangeAvailabilityRequest struct {
	CustomData        *CustomDataType           `json:"customData,omitempty"`
	EVSE              *EVSEType                 `json:"evse,omitempty"`
	OperationalStatus OperationalStatusEnumType `json:"operationalStatus"`
}

// ChangeAvailabilityResponse is the payload of a ChangeAvailability CALLRESULT.
type ChangeAvailabilityResponse struct {
	CustomData *CustomDataType                  `json:"customData,omitempty"`
	Status     ChangeAvailabilityStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                  `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		ConnectorStatusAvailable, ConnectorStatusOccupied, ConnectorStatusReserved,
		ConnectorStatusUnavailable, ConnectorStatusFaulted,
	)
	registerEnum(OperationalStatusInoperative, OperationalStatusOperative)
	registerEnum(
		ChangeAvailabilityStatusAccepted, ChangeAvailabilityStatusRejected,
		ChangeAvailabilityStatusScheduled,
	)
}
