// Package rpc is the OCPP-J transport (OCPP 2.0.1 Part 4) over
// gorilla/websocket: CALL, CALLRESULT and CALLERROR framing, a symmetric
// connection that both calls and serves with at most one outstanding CALL
// per direction, the station-side Dial with security profiles 1 to 3, and a
// Server for test CSMSs and benchmarks.
//
// Payloads stay json.RawMessage from the socket to the Validator and the
// handler: each frame is decoded once. The package owns the Part 4
// CALLERROR codes (Error, ErrorCode) and knows no message of any OCPP
// version: schema validation (Validator), the redaction of traced frames
// (Options.Redact) and the WebSocket subprotocol (Options.Subprotocol,
// default ocpp2.0.1) come from the caller, so the 2.0.1 messages in
// drivers/ocpp depend on this package and another version could reuse it.
package rpc
