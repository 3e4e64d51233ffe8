// Package rpc is the OCPP-J transport (OCPP 2.0.1 Part 4) over
// gorilla/websocket: CALL, CALLRESULT and CALLERROR framing, a symmetric
// connection that both calls and serves with at most one outstanding CALL
// per direction, the station-side Dial with security profiles 1 to 3, and a
// Server for test CSMSs and benchmarks.
//
// Payloads stay json.RawMessage from the socket to the Validator and the
// handler: each frame is decoded once. Schema validation is supplied by the
// caller through Validator, so this package does not depend on the message
// types in drivers/ocpp.
package rpc
