package v1alpha1

// ChargingProfile is an OCPP 2.0.1 ChargingProfile for one charger, set by the
// CSMS (SetChargingProfile) or declared by the operator as a site limit.
type ChargingProfile struct {
	APIVersion string                `json:"apiVersion"`
	Kind       string                `json:"kind"`
	Metadata   ObjectMeta            `json:"metadata"`
	Spec       ChargingProfileSpec   `json:"spec"`
	Status     ChargingProfileStatus `json:"status"`
}

// The sources of a ChargingProfile.
const (
	ProfileSourceCSMS     = "csms"
	ProfileSourceOperator = "operator"
)

// ChargingProfilePurposes are the OCPP ChargingProfilePurposeEnumType values.
var ChargingProfilePurposes = []string{
	"ChargingStationExternalConstraints", "ChargingStationMaxProfile", "TxDefaultProfile", "TxProfile",
}

// ChargingProfileKinds are the OCPP ChargingProfileKindEnumType values.
var ChargingProfileKinds = []string{"Absolute", "Recurring", "Relative"}

// RecurrencyKinds are the OCPP RecurrencyKindEnumType values.
var RecurrencyKinds = []string{"Daily", "Weekly"}

// ChargingRateUnits are the OCPP ChargingRateUnitEnumType values.
var ChargingRateUnits = []string{"W", "A"}

// ChargingProfileSpec is the SetChargingProfileRequest (evseId plus the
// ChargingProfileType fields, flattened) and who set it. salesTariff (ISO
// 15118) is not carried.
type ChargingProfileSpec struct {
	ChargerRef string `json:"chargerRef"`
	// EVSEID is the EVSE the profile applies to; 0 = the whole station.
	EVSEID int `json:"evseId"`
	// Source is csms or operator. Default operator.
	Source string `json:"source,omitempty"`

	ID                     int                `json:"id"`
	StackLevel             int                `json:"stackLevel"`
	ChargingProfilePurpose string             `json:"chargingProfilePurpose"`
	ChargingProfileKind    string             `json:"chargingProfileKind"`
	RecurrencyKind         string             `json:"recurrencyKind,omitempty"`
	ValidFrom              string             `json:"validFrom,omitempty"`
	ValidTo                string             `json:"validTo,omitempty"`
	TransactionID          string             `json:"transactionId,omitempty"`
	ChargingSchedule       []ChargingSchedule `json:"chargingSchedule"`
}

// ChargingSchedule is the OCPP ChargingScheduleType without salesTariff.
type ChargingSchedule struct {
	ID                     int                      `json:"id"`
	StartSchedule          string                   `json:"startSchedule,omitempty"`
	Duration               *int                     `json:"duration,omitempty"`
	ChargingRateUnit       string                   `json:"chargingRateUnit"`
	ChargingSchedulePeriod []ChargingSchedulePeriod `json:"chargingSchedulePeriod"`
	MinChargingRate        *float64                 `json:"minChargingRate,omitempty"`
}

// ChargingSchedulePeriod is the OCPP ChargingSchedulePeriodType.
type ChargingSchedulePeriod struct {
	// StartPeriod is seconds from the start of the schedule.
	StartPeriod int `json:"startPeriod"`
	// Limit is in the schedule's chargingRateUnit, at most one decimal.
	Limit        float64 `json:"limit"`
	NumberPhases *int    `json:"numberPhases,omitempty"`
	PhaseToUse   *int    `json:"phaseToUse,omitempty"`
}

// ChargingProfileStatus reports what the profile contributes now.
type ChargingProfileStatus struct {
	CommonStatus
	CompositeLimit *CompositeLimit `json:"compositeLimit,omitempty"`
}

// CompositeLimit is the limit in force for the profile's EVSE after combining
// every applicable profile, and how long it holds.
type CompositeLimit struct {
	ChargingRateUnit string  `json:"chargingRateUnit"`
	Limit            float64 `json:"limit"`
	NumberPhases     int     `json:"numberPhases,omitempty"`
	// Since and Until bound the period (RFC 3339); Until is empty when open.
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
}
