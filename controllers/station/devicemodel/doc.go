// Package devicemodel is one Charging Station's OCPP 2.0.1 device model: the
// components and variables of the Core-required controllers, with their
// attributes, mutability and characteristics, and the rules of GetVariables,
// SetVariables and GetBaseReport (Part 2 B05–B08).
//
// The model holds values only. What a value means (reconnect with a new
// password, a new heartbeat interval) is the station's concern: it reads the
// model after a SetVariables succeeds. Values the CSMS sets are returned by
// Overrides so the station can persist them; they win over the Charger spec's
// initial values and survive restarts and re-applies.
package devicemodel
