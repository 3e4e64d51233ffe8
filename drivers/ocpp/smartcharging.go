package ocpp

// Smart charging (functional block K): charging profiles, schedules and sales tariffs.

type ChargingProfileKindEnumType string

const (
	ChargingProfileKindAbsolute  ChargingProfileKindEnumType = "Absolute"
	ChargingProfileKindRecurring ChargingProfileKindEnumType = "Recurring"
	ChargingProfileKindRelative  ChargingProfileKindEnumType = "Relative"
)

type ChargingProfilePurposeEnumType string

const (
	ChargingProfilePurposeChargingStationExternalConstraints ChargingProfilePurposeEnumType = "ChargingStationExternalConstraints"
	ChargingProfilePurposeChargingStationMaxProfile          ChargingProfilePurposeEnumType = "ChargingStationMaxProfile"
	ChargingProfilePurposeTxDefaultProfile                   ChargingProfilePurposeEnumType = "TxDefaultProfile"
	ChargingProfilePurposeTxProfile                          ChargingProfilePurposeEnumType = "TxProfile"
)

type ChargingRateUnitEnumType string

const (
	ChargingRateUnitW ChargingRateUnitEnumType = "W"
	ChargingRateUnitA ChargingRateUnitEnumType = "A"
)

type CostKindEnumType string

const (
	CostKindCarbonDioxideEmission         CostKindEnumType = "CarbonDioxideEmission"
	CostKindRelativePricePercentage       CostKindEnumType = "RelativePricePercentage"
	CostKindRenewableGenerationPercentage CostKindEnumType = "RenewableGenerationPercentage"
)

type RecurrencyKindEnumType string

const (
	RecurrencyKindDaily  RecurrencyKindEnumType = "Daily"
	RecurrencyKindWeekly RecurrencyKindEnumType = "Weekly"
)

type ChargingProfileType struct {
	CustomData             *CustomDataType                `json:"customData,omitempty"`
	ID                     int                            `json:"id"`
	StackLevel             int                            `json:"stackLevel"`
	ChargingProfilePurpose ChargingProfilePurposeEnumType `json:"chargingProfilePurpose"`
	ChargingProfileKind    ChargingProfileKindEnumType    `json:"chargingProfileKind"`
	RecurrencyKind         RecurrencyKindEnumType         `json:"recurrencyKind,omitempty"`
	ValidFrom              *DateTime                      `json:"validFrom,omitempty"`
	ValidTo                *DateTime                      `json:"validTo,omitempty"`
	ChargingSchedule       []ChargingScheduleType         `json:"chargingSchedule" ocpp:"minItems=1,maxItems=3"`
	TransactionID          string                         `json:"transactionId,omitempty" ocpp:"maxLength=36"`
}

type ChargingSchedulePeriodType struct {
	CustomData   *CustomDataType `json:"customData,omitempty"`
	StartPeriod  int             `json:"startPeriod"`
	Limit        float64         `json:"limit"`
	NumberPhases *int            `json:"numberPhases,omitempty"`
	PhaseToUse   *int            `json:"phaseToUse,omitempty"`
}

type ChargingScheduleType struct {
	CustomData             *CustomDataType              `json:"customData,omitempty"`
	ID                     int                          `json:"id"`
	StartSchedule          *DateTime                    `json:"startSchedule,omitempty"`
	Duration               *int                         `json:"duration,omitempty"`
	ChargingRateUnit       ChargingRateUnitEnumType     `json:"chargingRateUnit"`
	ChargingSchedulePeriod []ChargingSchedulePeriodType `json:"chargingSchedulePeriod" ocpp:"minItems=1,maxItems=1024"`
	MinChargingRate        *float64                     `json:"minChargingRate,omitempty"`
	SalesTariff            *SalesTariffType             `json:"salesTariff,omitempty"`
}

type ConsumptionCostType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	StartValue float64         `json:"startValue"`
	Cost       []CostType      `json:"cost" ocpp:"minItems=1,maxItems=3"`
}

type CostType struct {
	CustomData       *CustomDataType  `json:"customData,omitempty"`
	CostKind         CostKindEnumType `json:"costKind"`
	Amount           int              `json:"amount"`
	AmountMultiplier *int             `json:"amountMultiplier,omitempty"`
}

type RelativeTimeIntervalType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Start      int             `json:"start"`
	Duration   *int            `json:"duration,omitempty"`
}

type SalesTariffEntryType struct {
	CustomData           *CustomDataType          `json:"customData,omitempty"`
	RelativeTimeInterval RelativeTimeIntervalType `json:"relativeTimeInterval"`
	EPriceLevel          *int                     `json:"ePriceLevel,omitempty" ocpp:"minimum=0"`
	ConsumptionCost      []ConsumptionCostType    `json:"consumptionCost,omitempty" ocpp:"minItems=1,maxItems=3"`
}

type SalesTariffType struct {
	CustomData             *CustomDataType        `json:"customData,omitempty"`
	ID                     int                    `json:"id"`
	SalesTariffDescription string                 `json:"salesTariffDescription,omitempty" ocpp:"maxLength=32"`
	NumEPriceLevels        *int                   `json:"numEPriceLevels,omitempty"`
	SalesTariffEntry       []SalesTariffEntryType `json:"salesTariffEntry" ocpp:"minItems=1,maxItems=1024"`
}

type ChargingProfileStatusEnumType string

const (
	ChargingProfileStatusAccepted ChargingProfileStatusEnumType = "Accepted"
	ChargingProfileStatusRejected ChargingProfileStatusEnumType = "Rejected"
)

type ClearChargingProfileType struct {
	CustomData             *CustomDataType                `json:"customData,omitempty"`
	EVSEID                 *int                           `json:"evseId,omitempty"`
	ChargingProfilePurpose ChargingProfilePurposeEnumType `json:"chargingProfilePurpose,omitempty"`
	StackLevel             *int                           `json:"stackLevel,omitempty"`
}

type ClearChargingProfileStatusEnumType string

const (
	ClearChargingProfileStatusAccepted ClearChargingProfileStatusEnumType = "Accepted"
	ClearChargingProfileStatusUnknown  ClearChargingProfileStatusEnumType = "Unknown"
)

type GenericStatusEnumType string

const (
	GenericStatusAccepted GenericStatusEnumType = "Accepted"
	GenericStatusRejected GenericStatusEnumType = "Rejected"
)

type CompositeScheduleType struct {
	CustomData             *CustomDataType              `json:"customData,omitempty"`
	ChargingSchedulePeriod []ChargingSchedulePeriodType `json:"chargingSchedulePeriod" ocpp:"minItems=1"`
	EVSEID                 int                          `json:"evseId"`
	Duration               int                          `json:"duration"`
	ScheduleStart          DateTime                     `json:"scheduleStart"`
	ChargingRateUnit       ChargingRateUnitEnumType     `json:"chargingRateUnit"`
}

// SetChargingProfileRequest is the payload of a SetChargingProfile CALL.
type SetChargingProfileRequest struct {
	CustomData      *CustomDataType     `json:"customData,omitempty"`
	EVSEID          int                 `json:"evseId"`
	ChargingProfile ChargingProfileType `json:"chargingProfile"`
}

// SetChargingProfileResponse is the payload of a SetChargingProfile CALLRESULT.
type SetChargingProfileResponse struct {
	CustomData *CustomDataType               `json:"customData,omitempty"`
	Status     ChargingProfileStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType               `json:"statusInfo,omitempty"`
}

// ClearChargingProfileRequest is the payload of a ClearChargingProfile CALL.
type ClearChargingProfileRequest struct {
	CustomData              *CustomDataType           `json:"customData,omitempty"`
	ChargingProfileID       *int                      `json:"chargingProfileId,omitempty"`
	ChargingProfileCriteria *ClearChargingProfileType `json:"chargingProfileCriteria,omitempty"`
}

// ClearChargingProfileResponse is the payload of a ClearChargingProfile CALLRESULT.
type ClearChargingProfileResponse struct {
	CustomData *CustomDataType                    `json:"customData,omitempty"`
	Status     ClearChargingProfileStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                    `json:"statusInfo,omitempty"`
}

// GetCompositeScheduleRequest is the payload of a GetCompositeSchedule CALL.
type GetCompositeScheduleRequest struct {
	CustomData       *CustomDataType          `json:"customData,omitempty"`
	Duration         int                      `json:"duration"`
	ChargingRateUnit ChargingRateUnitEnumType `json:"chargingRateUnit,omitempty"`
	EVSEID           int                      `json:"evseId"`
}

// GetCompositeScheduleResponse is the payload of a GetCompositeSchedule CALLRESULT.
type GetCompositeScheduleResponse struct {
	CustomData *CustomDataType        `json:"customData,omitempty"`
	Status     GenericStatusEnumType  `json:"status"`
	StatusInfo *StatusInfoType        `json:"statusInfo,omitempty"`
	Schedule   *CompositeScheduleType `json:"schedule,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		ChargingProfileKindAbsolute, ChargingProfileKindRecurring, ChargingProfileKindRelative,
	)
	registerEnum(
		ChargingProfilePurposeChargingStationExternalConstraints,
		ChargingProfilePurposeChargingStationMaxProfile, ChargingProfilePurposeTxDefaultProfile,
		ChargingProfilePurposeTxProfile,
	)
	registerEnum(ChargingRateUnitW, ChargingRateUnitA)
	registerEnum(
		CostKindCarbonDioxideEmission, CostKindRelativePricePercentage,
		CostKindRenewableGenerationPercentage,
	)
	registerEnum(RecurrencyKindDaily, RecurrencyKindWeekly)
	registerEnum(ChargingProfileStatusAccepted, ChargingProfileStatusRejected)
	registerEnum(ClearChargingProfileStatusAccepted, ClearChargingProfileStatusUnknown)
	registerEnum(GenericStatusAccepted, GenericStatusRejected)
}
