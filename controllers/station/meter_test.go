package station

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

func TestPreviewIsSchemaValid(t *testing.T) {
	evses := []v1alpha1.EVSE{{ID: 1, Connectors: []v1alpha1.Connector{{ID: 1}}}, {ID: 2, Connectors: []v1alpha1.Connector{{ID: 1}}}}
	signals := map[ConnectorRef]map[string]any{
		{1, 1}: {"evConnected": true, "charging": true, "energyWh": 1234.5, "powerW": 7400.0, "currentA1": 32.0, "voltageV1": 230.0, "faultCode": "x"},
		{2, 1}: {"faulted": true},
	}
	p := PreviewOf(evses, Observation{Reachable: true, Signals: signals}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(p.StatusNotifications) != 2 || p.StatusNotifications[0].ConnectorStatus != "Occupied" || p.StatusNotifications[1].ConnectorStatus != "Faulted" {
		t.Fatalf("status notifications %+v", p.StatusNotifications)
	}
	if len(p.MeterValues) != 1 || len(p.MeterValues[0].MeterValue[0].SampledValue) != 4 {
		t.Fatalf("meter values %+v", p.MeterValues)
	}
	sv := p.MeterValues[0].MeterValue[0].SampledValue
	if sv[0].Measurand != ocpp.MeasurandEnergyActiveImportRegister || sv[0].Value != 1234.5 || sv[2].Phase != ocpp.PhaseL1 {
		t.Fatalf("sampled values %+v", sv)
	}
	for _, sn := range p.StatusNotifications {
		b, _ := json.Marshal(sn)
		if err := ocpp.ValidateRequest(ocpp.ActionStatusNotification, b); err != nil {
			t.Fatalf("StatusNotification %s: %v", b, err)
		}
	}
	b, _ := json.Marshal(p.MeterValues[0])
	if err := ocpp.ValidateRequest(ocpp.ActionMeterValues, b); err != nil {
		t.Fatalf("MeterValues %s: %v", b, err)
	}
}
