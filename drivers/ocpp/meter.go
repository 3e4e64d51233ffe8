package ocpp

// Meter values (functional block J), shared with TransactionEvent.

type LocationEnumType string

const (
	LocationBody   LocationEnumType = "Body"
	LocationCable  LocationEnumType = "Cable"
	LocationEV     LocationEnumType = "EV"
	LocationInlet  LocationEnumType = "Inlet"
	LocationOutlet LocationEnumType = "Outlet"
)

type MeasurandEnumType string

const (
	MeasurandCurrentExport                MeasurandEnumType = "Current.Export"
	MeasurandCurrentImport                MeasurandEnumType = "Current.Import"
	MeasurandCurrentOffered               MeasurandEnumType = "Current.Offered"
	MeasurandEnergyActiveExportRegister   MeasurandEnumType = "Energy.Active.Export.Register"
	MeasurandEnergyActiveImportRegister   MeasurandEnumType = "Energy.Active.Import.Register"
	MeasurandEnergyReactiveExportRegister MeasurandEnumType = "Energy.Reactive.Export.Register"
	MeasurandEnergyReactiveImportRegister MeasurandEnumType = "Energy.Reactive.Import.Register"
	MeasurandEnergyActiveExportInterval   MeasurandEnumType = "Energy.Active.Export.Interval"
	MeasurandEnergyActiveImportInterval   MeasurandEnumType = "Energy.Active.Import.Interval"
	MeasurandEnergyActiveNet              MeasurandEnumType = "Energy.Active.Net"
	MeasurandEnergyReactiveExportInterval MeasurandEnumType = "Energy.Reactive.Export.Interval"
	MeasurandEnergyReactiveImportInterval MeasurandEnumType = "Energy.Reactive.Import.Interval"
	MeasurandEnergyReactiveNet            MeasurandEnumType = "Energy.Reactive.Net"
	MeasurandEnergyApparentNet            MeasurandEnumType = "Energy.Apparent.Net"
	MeasurandEnergyApparentImport         MeasurandEnumType = "Energy.Apparent.Import"
	MeasurandEnergyApparentExport         MeasurandEnumType = "Energy.Apparent.Export"
	MeasurandFrequency                    MeasurandEnumType = "Frequency"
	MeasurandPowerActiveExport            MeasurandEnumType = "Power.Active.Export"
	MeasurandPowerActiveImport            MeasurandEnumType = "Power.Active.Import"
	MeasurandPowerFactor                  MeasurandEnumType = "Power.Factor"
	MeasurandPowerOffered                 MeasurandEnumType = "Power.Offered"
	MeasurandPowerReactiveExport          MeasurandEnumType = "Power.Reactive.Export"
	MeasurandPowerReactiveImport          MeasurandEnumType = "Power.Reactive.Import"
	MeasurandSoC                          MeasurandEnumType = "SoC"
	MeasurandVoltage                      MeasurandEnumType = "Voltage"
)

type PhaseEnumType string

const (
	PhaseL1   PhaseEnumType = "L1"
	PhaseL2   PhaseEnumType = "L2"
	PhaseL3   PhaseEnumType = "L3"
	PhaseN    PhaseEnumType = "N"
	PhaseL1N  PhaseEnumType = "L1-N"
	PhaseL2N  PhaseEnumType = "L2-N"
	PhaseL3N  PhaseEnumType = "L3-N"
	PhaseL1L2 PhaseEnumType = "L1-L2"
	PhaseL2L3 PhaseEnumType = "L2-L3"
	PhaseL3L1 PhaseEnumType = "L3-L1"
)

type ReadingContextEnumType string

const (
	ReadingContextInterruptionBegin ReadingContextEnumType = "Interruption.Begin"
	ReadingContextInterruptionEnd   ReadingContextEnumType = "Interruption.End"
	ReadingContextOther             ReadingContextEnumType = "Other"
	ReadingContextSampleClock       ReadingContextEnumType = "Sample.Clock"
	ReadingContextSamplePeriodic    ReadingContextEnumType = "Sample.Periodic"
	ReadingContextTransactionBegin  ReadingContextEnumType = "Transaction.Begin"
	ReadingContextTransactionEnd    ReadingContextEnumType = "Transaction.End"
	ReadingContextTrigger           ReadingContextEnumType = "Trigger"
)

type MeterValueType struct {
	CustomData   *CustomDataType    `json:"customData,omitempty"`
	SampledValue []SampledValueType `json:"sampledValue" ocpp:"minItems=1"`
	Timestamp    DateTime           `json:"timestamp"`
}

type SampledValueType struct {
	CustomData       *CustomDataType        `json:"customData,omitempty"`
	Value            float64                `json:"value"`
	Context          ReadingContextEnumType `json:"context,omitempty"`
	Measurand        MeasurandEnumType      `json:"measurand,omitempty"`
	Phase            PhaseEnumType          `json:"phase,omitempty"`
	Location         LocationEnumType       `json:"location,omitempty"`
	SignedMeterValue *SignedMeterValueType  `json:"signedMeterValue,omitempty"`
	UnitOfMeasure    *UnitOfMeasureType     `json:"unitOfMeasure,omitempty"`
}

type SignedMeterValueType struct {
	CustomData      *CustomDataType `json:"customData,omitempty"`
	SignedMeterData string          `json:"signedMeterData" ocpp:"maxLength=2500"`
	SigningMethod   string          `json:"signingMethod" ocpp:"maxLength=50"`
	EncodingMethod  string          `json:"encodingMethod" ocpp:"maxLength=50"`
	PublicKey       string          `json:"publicKey" ocpp:"maxLength=2500"`
}

type UnitOfMeasureType struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
	Unit       string          `json:"unit,omitempty" ocpp:"maxLength=20"`
	Multiplier *int            `json:"multiplier,omitempty"`
}

// MeterValuesRequest is the payload of a MeterValues CALL.
type MeterValuesRequest struct {
	CustomData *CustomDataType  `json:"customData,omitempty"`
	EVSEID     int              `json:"evseId"`
	MeterValue []MeterValueType `json:"meterValue" ocpp:"minItems=1"`
}

// MeterValuesResponse is the payload of a MeterValues CALLRESULT.
type MeterValuesResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(LocationBody, LocationCable, LocationEV, LocationInlet, LocationOutlet)
	registerEnum(
		MeasurandCurrentExport, MeasurandCurrentImport, MeasurandCurrentOffered,
		MeasurandEnergyActiveExportRegister, MeasurandEnergyActiveImportRegister,
		MeasurandEnergyReactiveExportRegister, MeasurandEnergyReactiveImportRegister,
		MeasurandEnergyActiveExportInterval, MeasurandEnergyActiveImportInterval,
		MeasurandEnergyActiveNet, MeasurandEnergyReactiveExportInterval,
		MeasurandEnergyReactiveImportInterval, MeasurandEnergyReactiveNet,
		MeasurandEnergyApparentNet, MeasurandEnergyApparentImport, MeasurandEnergyApparentExport,
		MeasurandFrequency, MeasurandPowerActiveExport, MeasurandPowerActiveImport,
		MeasurandPowerFactor, MeasurandPowerOffered, MeasurandPowerReactiveExport,
		MeasurandPowerReactiveImport, MeasurandSoC, MeasurandVoltage,
	)
	registerEnum(
		PhaseL1, PhaseL2, PhaseL3, PhaseN, PhaseL1N, PhaseL2N, PhaseL3N, PhaseL1L2, PhaseL2L3,
		PhaseL3L1,
	)
	registerEnum(
		ReadingContextInterruptionBegin, ReadingContextInterruptionEnd, ReadingContextOther,
		ReadingContextSampleClock, ReadingContextSamplePeriodic, ReadingContextTransactionBegin,
		ReadingContextTransactionEnd, ReadingContextTrigger,
	)
}
