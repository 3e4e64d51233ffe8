// Package gocsms is an ocpp-go 2.0.1 CSMS for tests: lorenzodonini/ocpp-go
// (pinned in go.mod), a peer nobody here wrote (DESIGN §9), run in-process
// on a loopback URL. It records every CALL a station sends with its payload
// exactly as sent, answers Authorize and TransactionEvent with an
// idTokenInfo chosen per token, can answer TransactionEvents wrongly on
// purpose (Fault), and sends the session and smart-charging requests of a
// CSMS with typed answers (SendRaw also gives the answer's bytes as sent).
// GetChargingProfiles waits for the ReportChargingProfiles of its requestId
// up to tbc false. Whatever ocpp-go or an optional schema Validator refuses
// is collected as a problem for the test to fail on.
package gocsms
