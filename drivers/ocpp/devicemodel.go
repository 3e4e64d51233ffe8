package ocpp

// The device model (functional block B): components, variables and reports about them.

type AttributeEnumType string

const (
	AttributeActual AttributeEnumType = "Actual"
	AttributeTarget AttributeEnumType = "Target"
	AttributeMinSet AttributeEnumType = "MinSet"
	AttributeMaxSet AttributeEnumType = "MaxSet"
)

type ComponentType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	EVSE       *EVSEType       `json:"evse,omitempty"`
	Name       string          `json:"name" ocpp:"maxLength=50"`
	Instance   string          `json:"instance,omitempty" ocpp:"maxLength=50"`
}

type GetVariableDataType struct {
	CustomData    *CustomDataType   `json:"customData,omitempty"`
	AttributeType AttributeEnumType `json:"attributeType,omitempty"`
	Component     ComponentType     `json:"component"`
	Variable      VariableType      `json:"variable"`
}

type VariableType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Name       string          `json:"name" ocpp:"maxLength=50"`
	Instance   string          `json:"instance,omitempty" ocpp:"maxLength=50"`
}

type GetVariableStatusEnumType string

const (
	GetVariableStatusAccepted                  GetVariableStatusEnumType = "Accepted"
	GetVariableStatusRejected                  GetVariableStatusEnumType = "Rejected"
	GetVariableStatusUnknownComponent          GetVariableStatusEnumType = "UnknownComponent"
	GetVariableStatusUnknownVariable           GetVariableStatusEnumType = "UnknownVariable"
	GetVariableStatusNotSupportedAttributeType GetVariableStatusEnumType = "NotSupportedAttributeType"
)

type GetVariableResultType struct {
	CustomData          *CustomDataType           `json:"customData,omitempty"`
	AttributeStatusInfo *StatusInfoType           `json:"attributeStatusInfo,omitempty"`
	AttributeStatus     GetVariableStatusEnumType `json:"attributeStatus"`
	AttributeType       AttributeEnumType         `json:"attributeType,omitempty"`
	// AttributeValue is a pointer because "" is a legitimate value of an
	// accepted variable and must be sent, while absence means no value.
	AttributeValue *string       `json:"attributeValue,omitempty" ocpp:"maxLength=2500"`
	Component      ComponentType `json:"component"`
	Variable       VariableType  `json:"variable"`
}

type SetVariableDataType struct {
	CustomData     *CustomDataType   `json:"customData,omitempty"`
	AttributeType  AttributeEnumType `json:"attributeType,omitempty"`
	AttributeValue string            `json:"attributeValue" ocpp:"maxLength=1000"`
	Component      ComponentType     `json:"component"`
	Variable       VariableType      `json:"variable"`
}

type SetVariableStatusEnumType string

const (
	SetVariableStatusAccepted                  SetVariableStatusEnumType = "Accepted"
	SetVariableStatusRejected                  SetVariableStatusEnumType = "Rejected"
	SetVariableStatusUnknownComponent          SetVariableStatusEnumType = "UnknownComponent"
	SetVariableStatusUnknownVariable           SetVariableStatusEnumType = "UnknownVariable"
	SetVariableStatusNotSupportedAttributeType SetVariableStatusEnumType = "NotSupportedAttributeType"
	SetVariableStatusRebootRequired            SetVariableStatusEnumType = "RebootRequired"
)

type SetVariableResultType struct {
	CustomData          *CustomDataType           `json:"customData,omitempty"`
	AttributeType       AttributeEnumType         `json:"attributeType,omitempty"`
	AttributeStatus     SetVariableStatusEnumType `json:"attributeStatus"`
	AttributeStatusInfo *StatusInfoType           `json:"attributeStatusInfo,omitempty"`
	Component           ComponentType             `json:"component"`
	Variable            VariableType              `json:"variable"`
}

type ReportBaseEnumType string

const (
	ReportBaseConfigurationInventory ReportBaseEnumType = "ConfigurationInventory"
	ReportBaseFullInventory          ReportBaseEnumType = "FullInventory"
	ReportBaseSummaryInventory       ReportBaseEnumType = "SummaryInventory"
)

type GenericDeviceModelStatusEnumType string

const (
	GenericDeviceModelStatusAccepted       GenericDeviceModelStatusEnumType = "Accepted"
	GenericDeviceModelStatusRejected       GenericDeviceModelStatusEnumType = "Rejected"
	GenericDeviceModelStatusNotSupported   GenericDeviceModelStatusEnumType = "NotSupported"
	GenericDeviceModelStatusEmptyResultSet GenericDeviceModelStatusEnumType = "EmptyResultSet"
)

type DataEnumType string

const (
	DataString       DataEnumType = "string"
	DataDecimal      DataEnumType = "decimal"
	DataInteger      DataEnumType = "integer"
	DataDateTime     DataEnumType = "dateTime"
	DataBoolean      DataEnumType = "boolean"
	DataOptionList   DataEnumType = "OptionList"
	DataSequenceList DataEnumType = "SequenceList"
	DataMemberList   DataEnumType = "MemberList"
)

type MutabilityEnumType string

const (
	MutabilityReadOnly  MutabilityEnumType = "ReadOnly"
	MutabilityWriteOnly MutabilityEnumType = "WriteOnly"
	MutabilityReadWrite MutabilityEnumType = "ReadWrite"
)

type ReportDataType struct {
	CustomData              *CustomDataType              `json:"customData,omitempty"`
	Component               ComponentType                `json:"component"`
	Variable                VariableType                 `json:"variable"`
	VariableAttribute       []VariableAttributeType      `json:"variableAttribute" ocpp:"minItems=1,maxItems=4"`
	VariableCharacteristics *VariableCharacteristicsType `json:"variableCharacteristics,omitempty"`
}

type VariableAttributeType struct {
	CustomData *CustomDataType   `json:"customData,omitempty"`
	Type       AttributeEnumType `json:"type,omitempty"`
	// Value is a pointer because "" must be reported as such; it is omitted
	// only for WriteOnly variables.
	Value      *string            `json:"value,omitempty" ocpp:"maxLength=2500"`
	Mutability MutabilityEnumType `json:"mutability,omitempty"`
	Persistent *bool              `json:"persistent,omitempty"`
	Constant   *bool              `json:"constant,omitempty"`
}

type VariableCharacteristicsType struct {
	CustomData         *CustomDataType `json:"customData,omitempty"`
	Unit               string          `json:"unit,omitempty" ocpp:"maxLength=16"`
	DataType           DataEnumType    `json:"dataType"`
	MinLimit           *float64        `json:"minLimit,omitempty"`
	MaxLimit           *float64        `json:"maxLimit,omitempty"`
	ValuesList         string          `json:"valuesList,omitempty" ocpp:"maxLength=1000"`
	SupportsMonitoring bool            `json:"supportsMonitoring"`
}

// GetVariablesRequest is the payload of a GetVariables CALL.
type GetVariablesRequest struct {
	CustomData      *CustomDataType       `json:"customData,omitempty"`
	GetVariableData []GetVariableDataType `json:"getVariableData" ocpp:"minItems=1"`
}

// GetVariablesResponse is the payload of a GetVariables CALLRESULT.
type GetVariablesResponse struct {
	CustomData        *CustomDataType         `json:"customData,omitempty"`
	GetVariableResult []GetVariableResultType `json:"getVariableResult" ocpp:"minItems=1"`
}

// SetVariablesRequest is the payload of a SetVariables CALL.
type SetVariablesRequest struct {
	CustomData      *CustomDataType       `json:"customData,omitempty"`
	SetVariableData []SetVariableDataType `json:"setVariableData" ocpp:"minItems=1"`
}

// SetVariablesResponse is the payload of a SetVariables CALLRESULT.
type SetVariablesResponse struct {
	CustomData        *CustomDataType         `json:"customData,omitempty"`
	SetVariableResult []SetVariableResultType `json:"setVariableResult" ocpp:"minItems=1"`
}

// GetBaseReportRequest is the payload of a GetBaseReport CALL.
type GetBaseReportRequest struct {
	CustomData *CustomDataType    `json:"customData,omitempty"`
	RequestID  int                `json:"requestId"`
	ReportBase ReportBaseEnumType `json:"reportBase"`
}

// GetBaseReportResponse is the payload of a GetBaseReport CALLRESULT.
type GetBaseReportResponse struct {
	CustomData *CustomDataType                  `json:"customData,omitempty"`
	Status     GenericDeviceModelStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                  `json:"statusInfo,omitempty"`
}

// NotifyReportRequest is the payload of a NotifyReport CALL.
type NotifyReportRequest struct {
	CustomData  *CustomDataType  `json:"customData,omitempty"`
	RequestID   int              `json:"requestId"`
	GeneratedAt DateTime         `json:"generatedAt"`
	ReportData  []ReportDataType `json:"reportData,omitempty" ocpp:"minItems=1"`
	Tbc         *bool            `json:"tbc,omitempty"`
	SeqNo       int              `json:"seqNo"`
}

// NotifyReportResponse is the payload of a NotifyReport CALLRESULT.
type NotifyReportResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(AttributeActual, AttributeTarget, AttributeMinSet, AttributeMaxSet)
	registerEnum(
		GetVariableStatusAccepted, GetVariableStatusRejected, GetVariableStatusUnknownComponent,
		GetVariableStatusUnknownVariable, GetVariableStatusNotSupportedAttributeType,
	)
	registerEnum(
		SetVariableStatusAccepted, SetVariableStatusRejected, SetVariableStatusUnknownComponent,
		SetVariableStatusUnknownVariable, SetVariableStatusNotSupportedAttributeType,
		SetVariableStatusRebootRequired,
	)
	registerEnum(
		ReportBaseConfigurationInventory, ReportBaseFullInventory, ReportBaseSummaryInventory,
	)
	registerEnum(
		GenericDeviceModelStatusAccepted, GenericDeviceModelStatusRejected,
		GenericDeviceModelStatusNotSupported, GenericDeviceModelStatusEmptyResultSet,
	)
	registerEnum(
		DataString, DataDecimal, DataInteger, DataDateTime, DataBoolean, DataOptionList,
		DataSequenceList, DataMemberList,
	)
	registerEnum(MutabilityReadOnly, MutabilityWriteOnly, MutabilityReadWrite)
}
