// Package echonet is the gateway's ECHONET Lite driver: the format-1 frame
// codec, property maps in both encodings, a UDP Client that discovers and
// describes nodes and reads and writes their objects with exact reply
// matching, retransmission and typed errors, a Device handle that refuses
// requests outside an object's property maps before sending them, and a
// Responder that plays a device from a property table for tests and the
// simulator.
//
// Everything is written here rather than taken from a library: no Go
// ECHONET Lite package handles both property-map formats and two-block
// SetGet frames correctly. Interoperability is checked against an
// independent implementation (see README.md).
package echonet
