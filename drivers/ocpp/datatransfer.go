package ocpp

import "encoding/json"

// Data transfer (functional block P).

type DataTransferStatusEnumType string

const (
	DataTransferStatusAccepted         DataTransferStatusEnumType = "Accepted"
	DataTransferStatusRejected         DataTransferStatusEnumType = "Rejected"
	DataTransferStatusUnknownMessageId DataTransferStatusEnumType = "UnknownMessageId"
	DataTransferStatusUnknownVendorId  DataTransferStatusEnumType = "UnknownVendorId"
)

// DataTransferRequest is the payload of a DataTransfer CALL.
type DataTransferRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	MessageID  string          `json:"messageId,omitempty" ocpp:"maxLength=50"`
	Data       json.RawMessage `json:"data,omitempty"`
	VendorID   string          `json:"vendorId" ocpp:"maxLength=255"`
}

// DataTransferResponse is the payload of a DataTransfer CALLRESULT.
type DataTransferResponse struct {
	CustomData *CustomDataType            `json:"customData,omitempty"`
	Status     DataTransferStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType            `json:"statusInfo,omitempty"`
	Data       json.RawMessage            `json:"data,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		DataTransferStatusAccepted, DataTransferStatusRejected,
		DataTransferStatusUnknownMessageId, DataTransferStatusUnknownVendorId,
	)
}
