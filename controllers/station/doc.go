// Package station is the controller that presents each Charger naming a CSMS
// as its own OCPP 2.0.1 Charging Station: it connects with the Part 4
// reconnect back-off, boots, sends heartbeats and connector status, answers
// the CSMS from the station's device model, and writes the OCPP connection
// state back to Charger.status.
package station
