// Package rawcsms is a CSMS for tests written on bare gorilla/websocket,
// with no OCPP library on its side: it answers a station's CALLs as a
// script says, correctly or with a CALLERROR, no answer, a frame that is not
// JSON, a CALLRESULT for another message id, a payload that breaks the
// response schema, or a dropped connection. It records every CALL and every
// connection, including how many were open at once per station id, so tests
// can assert that the link survived a misbehaving CSMS and that a station
// never holds two connections.
package rawcsms
