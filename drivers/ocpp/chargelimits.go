package ocpp

// Smart charging (functional block K): reporting installed profiles (K09)
// and external charging limits (K12, K13).

// ChargingLimitSourceEnumType says who set a charging limit: an energy
// management system, the system operator, the charge point operator (the
// CSMS) or another party.
type ChargingLimitSourceEnumType string

const (
	ChargingLimitSourceEMS   ChargingLimitSourceEnumType = "EMS"
	ChargingLimitSourceOther ChargingLimitSourceEnumType = "Other"
	ChargingLimitSourceSO    ChargingLimitSourceEnumType = "SO"
	ChargingLimitSourceCSO   ChargingLimitSourceEnumType = "CSO"
)

type GetChargingProfileStatusEnumType string

const (
	GetChargingProfileStatusAccepted   GetChargingProfileStatusEnumType = "Accepted"
	GetChargingProfileStatusNoProfiles GetChargingProfileStatusEnumType = "NoProfiles"
)

// ChargingProfileCriterionType selects installed profiles; every field
// given must match.
type ChargingProfileCriterionType struct {
	CustomData             *CustomDataType                `json:"customData,omitempty"`
	ChargingProfilePurpose ChargingProfilePurposeEnumType `json:"chargingProfilePurpose,omitempty"`
	StackLevel             *int                           `json:"stackLevel,omitempty"`
	ChargingProfileID      []int                          `json:"chargingProfileId,omitempty" ocpp:"minItems=1"`
	ChargingLimitSource    []ChargingLimitSourceEnumType  `json:"chargingLimitSource,omitempty" ocpp:"minItems=1,maxItems=4"`
}

// ChargingLimitType is the source of an external limit and whether it is
// critical for the grid.
type ChargingLimitType struct {
	CustomData          *CustomDataType             `json:"customData,omitempty"`
	ChargingLimitSource ChargingLimitSourceEnumType `json:"chargingLimitSource"`
	IsGridCritical      *bool                       `json:"isGridCritical,omitempty"`
}

// GetChargingProfilesRequest is the payload of a GetChargingProfiles CALL.
type GetChargingProfilesRequest struct {
	CustomData      *CustomDataType              `json:"customData,omitempty"`
	RequestID       int                          `json:"requestId"`
	EVSEID          *int                         `json:"evseId,omitempty"`
	ChargingProfile ChargingProfileCriterionType `json:"chargingProfile"`
}

// GetChargingProfilesResponse is the payload of a GetChargingProfiles CALLRESULT.
type GetChargingProfilesResponse struct {
	CustomData *CustomDataType                  `json:"customData,omitempty"`
	Status     GetChargingProfileStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                  `json:"statusInfo,omitempty"`
}

// ReportChargingProfilesRequest is the payload of a ReportChargingProfiles CALL.
type ReportChargingProfilesRequest struct {
	CustomData          *CustomDataType             `json:"customData,omitempty"`
	RequestID           int                         `json:"requestId"`
	ChargingLimitSource ChargingLimitSourceEnumType `json:"chargingLimitSource"`
	ChargingProfile     []ChargingProfileType       `json:"chargingProfile" ocpp:"minItems=1"`
	Tbc                 bool                        `json:"tbc,omitempty"`
	EVSEID              int                         `json:"evseId"`
}

// ReportChargingProfilesResponse is the payload of a ReportChargingProfiles CALLRESULT.
type ReportChargingProfilesResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// NotifyChargingLimitRequest is the payload of a NotifyChargingLimit CALL.
type NotifyChargingLimitRequest struct {
	CustomData       *CustomDataType        `json:"customData,omitempty"`
	ChargingSchedule []ChargingScheduleType `json:"chargingSchedule,omitempty" ocpp:"minItems=1"`
	EVSEID           *int                   `json:"evseId,omitempty"`
	ChargingLimit    ChargingLimitType      `json:"chargingLimit"`
}

// NotifyChargingLimitResponse is the payload of a NotifyChargingLimit CALLRESULT.
type NotifyChargingLimitResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// ClearedChargingLimitRequest is the payload of a ClearedChargingLimit CALL.
type ClearedChargingLimitRequest struct {
	CustomData          *CustomDataType             `json:"customData,omitempty"`
	ChargingLimitSource ChargingLimitSourceEnumType `json:"chargingLimitSource"`
	EVSEID              *int                        `json:"evseId,omitempty"`
}

// ClearedChargingLimitResponse is the payload of a ClearedChargingLimit CALLRESULT.
type ClearedChargingLimitResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(ChargingLimitSourceEMS, ChargingLimitSourceOther, ChargingLimitSourceSO, ChargingLimitSourceCSO)
	registerEnum(GetChargingProfileStatusAccepted, GetChargingProfileStatusNoProfiles)
}
