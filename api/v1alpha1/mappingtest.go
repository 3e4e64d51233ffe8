package v1alpha1

import "encoding/json"

// MappingTest is the answer of GET .../chargers/{name}/mappingtest
// (`gwctl mapping test`): one live read of the charger's device through its
// template, and what the station would send the CSMS for it.
type MappingTest struct {
	Charger  string         `json:"charger"`
	Template string         `json:"template"`
	Protocol string         `json:"protocol"`
	Raw      MappingTestRaw `json:"raw"`
	// Connectors holds the signals per connector, in layout order.
	Connectors []MappingTestConnector `json:"connectors"`
	// ReadFailures are the reads (blocks, EPCs) that did not arrive usable,
	// each with what the device did.
	ReadFailures []string `json:"readFailures,omitempty"`
	// Errors are the signals whose expression failed on this read.
	Errors []string `json:"errors,omitempty"`
	// Notes say how the read was made, e.g. that the device was in back-off
	// and this test sent a probe anyway.
	Notes               []string `json:"notes,omitempty"`
	UnsupportedSignals  []string `json:"unsupportedSignals"`
	Commands            []string `json:"commands"`
	UnsupportedCommands []string `json:"unsupportedCommands"`
	// OCPP holds the StatusNotification and MeterValues payloads the
	// station would send for these signals.
	OCPP json.RawMessage `json:"ocpp,omitempty"`
}

// MappingTestRaw is what the device answered: registers by block, EPC
// data in hex by EPC, or the JSON values of a keyed protocol by key.
type MappingTestRaw struct {
	Registers map[string][]uint16        `json:"registers,omitempty"`
	EPC       map[string]string          `json:"epc,omitempty"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
}

// MappingTestConnector is one connector's signals.
type MappingTestConnector struct {
	EVSEID      int            `json:"evseId"`
	ConnectorID int            `json:"connectorId"`
	Signals     map[string]any `json:"signals"`
	// Unknown maps a mapped signal that could not be computed to the reason.
	Unknown map[string]string `json:"unknown,omitempty"`
}

// MappingTestRequest is the body of POST .../mappingtest (`gwctl mapping
// test --template`): try a template on a device no Charger describes yet.
type MappingTestRequest struct {
	Template   string            `json:"template"`
	Connection ChargerConnection `json:"connection"`
	// EVSEs is the layout to evaluate; default EVSE 1 with connector 1.
	EVSEs []EVSE `json:"evses,omitempty"`
}
