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
	// ProfileSourceCSMS: set by the CSMS with SetChargingProfile (or with a
	// RequestStartTransaction), stored by the charger's station.
	ProfileSourceCSMS = "csms"
	// ProfileSourceOperator: a site limit declared by the operator, shared
	// among the charging sessions of the chargers it selects.
	ProfileSourceOperator = "operator"
	// ProfileSourceSite: one charger's share of an operator site limit,
	// written by the site-limit controller. The station sees it as a
	// ChargingStationExternalConstraints profile.
	ProfileSourceSite = "site"
)

// The labels the gateway puts on the ChargingProfiles it writes; the
// charger's is ChargerLabel.
const (
	// ProfileSourceLabel is the profile's spec.source.
	ProfileSourceLabel = "ocppgw.dev/profile-source"
	// SiteLimitLabel names the operator profile a site share comes from.
	SiteLimitLabel = "ocppgw.dev/site-limit"
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
	// ChargerRef is the one charger the profile applies to. A csms or site
	// profile always names one; an operator profile names one here or
	// several in Chargers.
	ChargerRef string `json:"chargerRef,omitempty" schema:"is=name"`
	// Chargers selects the chargers that share an operator site limit.
	Chargers *ChargerSelection `json:"chargers,omitempty"`
	// EVSEID is the EVSE the profile applies to; 0 = the whole station.
	EVSEID int `json:"evseId" schema:"minimum=0,optional"`
	// Source is csms, operator or site. Default operator.
	Source string `json:"source,omitempty" schema:"enum=profileSource"`
	// Limit is a constant limit, in place of chargingProfileKind and
	// chargingSchedule; operator and site profiles only.
	Limit *ConstantLimit `json:"limit,omitempty"`
	// SiteRef names the operator profile a site share comes from.
	SiteRef string `json:"siteRef,omitempty" schema:"is=name"`

	ID                     int                `json:"id"`
	StackLevel             int                `json:"stackLevel" schema:"minimum=0"`
	ChargingProfilePurpose string             `json:"chargingProfilePurpose" schema:"enum=purpose,optional"`
	ChargingProfileKind    string             `json:"chargingProfileKind,omitempty" schema:"enum=profileKind"`
	RecurrencyKind         string             `json:"recurrencyKind,omitempty" schema:"enum=recurrency"`
	ValidFrom              string             `json:"validFrom,omitempty" schema:"is=dateTime"`
	ValidTo                string             `json:"validTo,omitempty" schema:"is=dateTime"`
	TransactionID          string             `json:"transactionId,omitempty" schema:"maxLength=36"`
	ChargingSchedule       []ChargingSchedule `json:"chargingSchedule,omitempty" schema:"minItems=1,maxItems=3"`
}

// ChargerSelection picks chargers by name, by label selector, or both (the
// union).
type ChargerSelection struct {
	Names []string `json:"names,omitempty" schema:"items.is=name"`
	// Selector is a label selector such as "site=north,phase!=L3".
	Selector string `json:"selector,omitempty"`
}

// ConstantLimit is a limit that holds at all times.
type ConstantLimit struct {
	// Value is the limit per phase in A, or the total in W.
	Value float64 `json:"value" schema:"minimum=0"`
	// Unit is A or W.
	Unit string `json:"unit" schema:"enum=rateUnit"`
}

// ChargingSchedule is the OCPP ChargingScheduleType without salesTariff.
type ChargingSchedule struct {
	ID                     int                      `json:"id"`
	StartSchedule          string                   `json:"startSchedule,omitempty" schema:"is=dateTime"`
	Duration               *int                     `json:"duration,omitempty" schema:"minimum=0"`
	ChargingRateUnit       string                   `json:"chargingRateUnit" schema:"enum=rateUnit"`
	ChargingSchedulePeriod []ChargingSchedulePeriod `json:"chargingSchedulePeriod" schema:"minItems=1,maxItems=1024"`
	MinChargingRate        *float64                 `json:"minChargingRate,omitempty" schema:"minimum=0"`
}

// ChargingSchedulePeriod is the OCPP ChargingSchedulePeriodType.
type ChargingSchedulePeriod struct {
	// StartPeriod is seconds from the start of the schedule.
	StartPeriod int `json:"startPeriod" schema:"minimum=0"`
	// Limit is in the schedule's chargingRateUnit, at most one decimal.
	Limit        float64 `json:"limit" schema:"minimum=0"`
	NumberPhases *int    `json:"numberPhases,omitempty" schema:"minimum=1,maximum=3"`
	PhaseToUse   *int    `json:"phaseToUse,omitempty" schema:"minimum=1,maximum=3"`
}

// ChargingProfileStatus reports what the profile contributes now.
type ChargingProfileStatus struct {
	CommonStatus
	CompositeLimit *CompositeLimit `json:"compositeLimit,omitempty"`
}

// CompositeLimit is the limit in force for the profile's EVSE after combining
// every applicable profile, and how long it holds.
type CompositeLimit struct {
	ChargingRateUnit string  `json:"chargingRateUnit" schema:"enum=rateUnit"`
	Limit            float64 `json:"limit" schema:"minimum=0"`
	NumberPhases     int     `json:"numberPhases,omitempty" schema:"minimum=1,maximum=3"`
	// Since and Until bound the period (RFC 3339); Until is empty when open.
	Since string `json:"since,omitempty" schema:"is=dateTime"`
	Until string `json:"until,omitempty" schema:"is=dateTime"`
}
