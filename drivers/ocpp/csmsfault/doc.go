// Package csmsfault names the wrong answers a test CSMS (strictcsms,
// gocsms) can give to a station's TransactionEvent, so one table of faults
// drives a session test against either peer.
package csmsfault
