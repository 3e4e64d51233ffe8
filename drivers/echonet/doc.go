// Package echonet is the gateway's ECHONET Lite driver: the format-1 frame
// codec, property maps in both encodings, a UDP Client that discovers nodes
// by multicast and reads and writes their objects with TID matching,
// retransmission and SNA errors, and a Responder that plays a device from a
// property table for tests and the simulator.
//
// Everything is written here rather than taken from a library: no Go
// ECHONET Lite package handles both property-map formats and two-block
// SetGet frames correctly. Interoperability is checked against an
// independent implementation (see README.md).
package echonet
