package csmsfault

import "fmt"

// Fault is a wrong way to answer one TransactionEvent CALL.
type Fault string

// The faults. Each replaces the answer to one CALL; the CSMS has still
// received and recorded the CALL.
const (
	CallError Fault = "callError" // CALLERROR InternalError
	NoAnswer  Fault = "noAnswer"  // nothing: the station's call times out
	Garbage   Fault = "garbage"   // a CALLRESULT with the payload GarbagePayload
	BadFrame  Fault = "badFrame"  // a CALLRESULT cut short: not JSON
	// Close closes the connection instead of answering: strictcsms drops
	// the TCP connection without a close frame, gocsms sends WebSocket
	// close 1011 first.
	Close Fault = "close"
)

// GarbagePayload breaks the TransactionEventResponse schema twice: an
// unknown idTokenInfo.status and a string totalCost.
const GarbagePayload = `{"idTokenInfo":{"status":"Garbage"},"totalCost":"not a number"}`

// Check returns an error naming the first fault that is not one of the
// constants.
func Check(faults []Fault) error {
	for i, f := range faults {
		switch f {
		case CallError, NoAnswer, Garbage, BadFrame, Close:
		default:
			return fmt.Errorf("csmsfault: fault %d: unknown fault %q", i, f)
		}
	}
	return nil
}
