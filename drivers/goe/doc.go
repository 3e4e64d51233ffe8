// Package goe drives chargers through the go-e Charger local HTTP API v2:
// one GET /api/status?filter=<keys> per poll, one GET /api/set?<key>=<json>
// per write. It registers the protocol "goe" with the drivers registry: the
// Charger connection spec.connection.goe, the Template read section
// spec.read.goe (the API keys a poll asks for), and the CEL variable status,
// the answer's members by key, with the write builder setKey.
//
// Nothing is guessed: a key the device leaves out of its answer, or answers
// null, is absent from status, and the signals that read it are unknown. A
// write is done only when the device answered it with true.
package goe
