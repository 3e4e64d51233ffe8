// Package connlimit bounds the connections the admin API holds open, so
// that clients that connect and then send nothing, or trickle a body in,
// cannot use up the process's file descriptors (which the OCPP stations
// and device connections need too).
//
// Up to Max connections are served normally. A connection over the cap is
// accepted only to be answered at once and closed: a GET /healthz gets
// the Health handler's answer, anything else 503 Service Unavailable with
// Retry-After. At most MaxShed of those are read at a time, each within
// ShedTimeout; beyond that a connection is closed unread. So a probe of
// /healthz is answered even while the cap is full, and the process never
// holds more than Max + MaxShed admin connections.
package connlimit
