package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// SignalNames are the canonical signals a Template may produce (DESIGN §7).
// Per-phase quantities are numbered 1..3.
var SignalNames = []string{
	"evConnected", "charging", "suspended", "faulted", "faultCode", "operative",
	"energyWh", "powerW",
	"currentA1", "currentA2", "currentA3",
	"voltageV1", "voltageV2", "voltageV3",
	"socPercent", "idToken", "vehicleId", "currentLimitA",
}

// CommandNames are the canonical commands a Template may implement.
var CommandNames = []string{
	"start", "stop", "setCurrentLimit", "setPowerLimit", "setAvailable", "unlock", "keepAlive",
}

// ConnectorTypes are the OCPP 2.0.1 ConnectorEnumType values.
var ConnectorTypes = []string{
	"cCCS1", "cCCS2", "cG105", "cTesla", "cType1", "cType2",
	"s309-1P-16A", "s309-1P-32A", "s309-3P-16A", "s309-3P-32A",
	"sBS1361", "sCEE-7-7", "sType2", "sType3",
	"Other1PhMax16A", "Other1PhOver16A", "Other3Ph", "Pan",
	"wInductive", "wResonant", "Undetermined", "Unknown",
}

// ConnectorStatuses are the OCPP 2.0.1 ConnectorStatusEnumType values.
var ConnectorStatuses = []string{"Available", "Occupied", "Reserved", "Unavailable", "Faulted"}

// Attributes are the OCPP 2.0.1 AttributeEnumType values.
var Attributes = []string{"Actual", "Target", "MinSet", "MaxSet"}

// IDTokenTypes are the OCPP 2.0.1 IdTokenEnumType values.
var IDTokenTypes = []string{"Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress", "NoAuthorization"}

// ChargingStates are the OCPP 2.0.1 ChargingStateEnumType values.
var ChargingStates = []string{"Charging", "EVConnected", "SuspendedEV", "SuspendedEVSE", "Idle"}

// StoppedReasons are the OCPP 2.0.1 ReasonEnumType values.
var StoppedReasons = []string{
	"DeAuthorized", "EmergencyStop", "EnergyLimitReached", "EVDisconnected", "GroundFault",
	"ImmediateReset", "Local", "LocalOutOfCredit", "MasterPass", "Other", "OvercurrentFault",
	"PowerLoss", "PowerQuality", "Reboot", "Remote", "SOCLimitReached", "StoppedByEV",
	"TimeLimitReached", "Timeout",
}

// TransactionEventTypes are the OCPP 2.0.1 TransactionEventEnumType values.
var TransactionEventTypes = []string{"Started", "Updated", "Ended"}

// checkEnum reports v if it is not one of allowed. Empty v is left to the
// required check.
func checkEnum(errs *fieldErrors, p FieldPath, v string, allowed []string) {
	if v == "" || slices.Contains(allowed, v) {
		return
	}
	errs.add(p, fmt.Sprintf("must be one of %s, got %q", quoteList(allowed), v))
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// AttributeValue is an OCPP attribute value. OCPP carries them as strings,
// but YAML authors write `value: 300` or `value: true`, so numbers and
// booleans are accepted and kept as their JSON text.
type AttributeValue string

// UnmarshalJSON accepts a string, number or boolean.
func (v *AttributeValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = AttributeValue(s)
	case bytes.Equal(b, []byte("true")) || bytes.Equal(b, []byte("false")):
		*v = AttributeValue(b)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*v = AttributeValue(n)
	default:
		return fmt.Errorf("attribute value must be a string, number or boolean, got %s", b)
	}
	return nil
}
