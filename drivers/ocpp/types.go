package ocpp

// Datatypes shared by several functional blocks.
//
// Type names follow the OCA schemas' definition names (IdTokenType, EVSEType,
// ...) so that a type can be found in the specification by its name; the
// generated project schemas use the same names for their definitions.
// Struct tags: a json field without omitempty is required; the ocpp tag holds
// the remaining schema constraints (maxLength, minItems, ...), which
// drivers/ocpp/schemagen turns into the project schemas.

import (
	"encoding/json"
	"fmt"
)

// CustomDataType carries vendor extensions. It is the only open object in
// OCPP 2.0.1: properties besides vendorId are kept in Extra and written
// back unchanged, so a message relayed by the gateway loses nothing.
type CustomDataType struct {
	VendorID string                     `json:"vendorId" ocpp:"maxLength=255"`
	Extra    map[string]json.RawMessage `json:"-" ocpp:"additionalProperties"`
}

// MarshalJSON writes vendorId and the extra properties as one object.
func (c CustomDataType) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(c.Extra)+1)
	for k, v := range c.Extra {
		m[k] = v
	}
	m["vendorId"] = c.VendorID
	return json.Marshal(m)
}

// UnmarshalJSON splits vendorId from the extra properties.
func (c *CustomDataType) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("ocpp: customData: %w", err)
	}
	c.VendorID = ""
	if raw, ok := m["vendorId"]; ok {
		if err := json.Unmarshal(raw, &c.VendorID); err != nil {
			return fmt.Errorf("ocpp: customData.vendorId: %w", err)
		}
		delete(m, "vendorId")
	}
	c.Extra = nil
	if len(m) > 0 {
		c.Extra = m
	}
	return nil
}

// StatusInfoType explains a status in a response; ReasonCode is free text
// of at most 20 characters, not an enum.
type StatusInfoType struct {
	CustomData     *CustomDataType `json:"customData,omitempty"`
	ReasonCode     string          `json:"reasonCode" ocpp:"maxLength=20"`
	AdditionalInfo string          `json:"additionalInfo,omitempty" ocpp:"maxLength=512"`
}

// EVSEType addresses an EVSE, or one of its connectors. ConnectorID is a
// pointer because absence (the whole EVSE) differs from any number.
type EVSEType struct {
	CustomData  *CustomDataType `json:"customData,omitempty"`
	ID          int             `json:"id"`
	ConnectorID *int            `json:"connectorId,omitempty"`
}
