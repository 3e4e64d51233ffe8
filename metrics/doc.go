// Package metrics owns the gateway's Prometheus registry: the metric
// families, their names, help and labels, the Go runtime and process
// collectors, and the collectors that read stations and the store when
// /metrics is scraped.
//
// Instrumented packages never reach a global: they are handed one of the
// handles here (*Charger, *OCPP and its *Station, *Store) and call its methods. Every
// handle method accepts a nil receiver and does nothing, so code built
// without metrics (tests, tools) passes nil and pays one nil check.
//
// The device drivers' families are not declared here: each protocol
// declares its own with its drivers registration, and its opener collects
// them; Registry.WatchDrivers exports whatever the registered protocols
// declare, with the gateway's namespace, and names no protocol.
//
// Labels are bounded by configuration: charger (a Charger resource's name),
// protocol, action (an OCPP action), command (a template command), cause,
// code, outcome, direction and state, and the drivers' own (a Modbus
// link: a TCP address or RTU device). No label carries a message id, a
// token or a transaction id.
package metrics
