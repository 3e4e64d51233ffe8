// Package metrics owns the gateway's Prometheus registry: the metric
// families, their names, help and labels, the Go runtime and process
// collectors, and the collectors that read driver counters, stations and
// the store when /metrics is scraped.
//
// Instrumented packages never reach a global: they are handed one of the
// handles here (*Charger, *OCPP and its *Station, *Store) and call its methods. Every
// handle method accepts a nil receiver and does nothing, so code built
// without metrics (tests, tools) passes nil and pays one nil check.
//
// Labels are bounded by configuration: charger (a Charger resource's name),
// protocol, link (a Modbus TCP address or RTU device), action (an OCPP
// action), command (a template command), cause, code, outcome, direction
// and state. No label carries a message id, a token or a transaction id.
package metrics
