package station

import (
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// sampleOf is how a canonical signal becomes an OCPP sampled value: its
// measurand, phase and unit. The order is the order of the sampledValue
// array, energy first.
var sampleOf = []struct {
	signal    string
	measurand ocpp.MeasurandEnumType
	phase     ocpp.PhaseEnumType
	unit      string
}{
	{"energyWh", ocpp.MeasurandEnergyActiveImportRegister, "", "Wh"},
	{"powerW", ocpp.MeasurandPowerActiveImport, "", "W"},
	{"currentA1", ocpp.MeasurandCurrentImport, ocpp.PhaseL1, "A"},
	{"currentA2", ocpp.MeasurandCurrentImport, ocpp.PhaseL2, "A"},
	{"currentA3", ocpp.MeasurandCurrentImport, ocpp.PhaseL3, "A"},
	{"voltageV1", ocpp.MeasurandVoltage, ocpp.PhaseL1N, "V"},
	{"voltageV2", ocpp.MeasurandVoltage, ocpp.PhaseL2N, "V"},
	{"voltageV3", ocpp.MeasurandVoltage, ocpp.PhaseL3N, "V"},
	{"socPercent", ocpp.MeasurandSoC, "", "Percent"},
	{"currentLimitA", ocpp.MeasurandCurrentOffered, "", "A"},
}

// SampledValues turns the numeric signals of one connector into sampled
// values. A signal the template lacks is simply absent: nothing is guessed.
func SampledValues(signals map[string]any, context ocpp.ReadingContextEnumType) []ocpp.SampledValueType {
	var out []ocpp.SampledValueType
	for _, s := range sampleOf {
		v, ok := signals[s.signal].(float64)
		if !ok {
			continue
		}
		out = append(out, ocpp.SampledValueType{Value: v, Context: context, Measurand: s.measurand, Phase: s.phase,
			UnitOfMeasure: &ocpp.UnitOfMeasureType{Unit: s.unit}})
	}
	return out
}

// Preview is what a station would send for a set of signals: one
// StatusNotification per connector and, for each EVSE with numeric
// signals, a MeterValues sample. gwctl mapping test shows it.
type Preview struct {
	StatusNotifications []ocpp.StatusNotificationRequest `json:"statusNotifications"`
	MeterValues         []ocpp.MeterValuesRequest        `json:"meterValues"`
}

// PreviewOf builds the Preview of a charger's layout and signals.
func PreviewOf(evses []v1alpha1.EVSE, obs Observation, now time.Time) Preview {
	signals := obs.Signals
	p := Preview{StatusNotifications: []ocpp.StatusNotificationRequest{}, MeterValues: []ocpp.MeterValuesRequest{}}
	ts := ocpp.NewDateTime(now)
	for _, e := range evses {
		var samples []ocpp.SampledValueType
		for _, c := range e.Connectors {
			ref := ConnectorRef{e.ID, c.ID}
			status := ConnectorStatus(ConnectorInput{Signals: signals[ref], Unknown: obs.Unknown[ref], DeviceReachable: obs.Reachable})
			p.StatusNotifications = append(p.StatusNotifications, ocpp.StatusNotificationRequest{Timestamp: ts,
				ConnectorStatus: ocpp.ConnectorStatusEnumType(status), EVSEID: e.ID, ConnectorID: c.ID})
			if samples == nil {
				samples = SampledValues(signals[ref], ocpp.ReadingContextTrigger)
			}
		}
		if len(samples) > 0 {
			p.MeterValues = append(p.MeterValues, ocpp.MeterValuesRequest{EVSEID: e.ID,
				MeterValue: []ocpp.MeterValueType{{Timestamp: ts, SampledValue: samples}}})
		}
	}
	return p
}
