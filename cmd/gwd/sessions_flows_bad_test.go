package main

// Bad input during a session: malformed and out-of-range requests from the
// CSMS, and a CSMS that answers a TransactionEvent with garbage. Each gets
// the answer the specification gives, and the session goes on untouched.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
)

// flowBadRequest is one request the station must refuse, and how: a
// CALLERROR code, or a CALLRESULT whose status is answer.
type flowBadRequest struct {
	what, action string
	payload      any
	code         string
	answer       string
	// invalid: the payload breaks the request's schema, so only a peer
	// that sends such payloads can send it (strict mode refuses to).
	invalid bool
}

// flowTxProfile is a valid TxProfile for a RequestStartTransaction.
var flowTxProfile = map[string]any{"id": 7, "stackLevel": 0, "chargingProfilePurpose": "TxProfile",
	"chargingProfileKind": "Relative", "chargingSchedule": []map[string]any{{"id": 1, "chargingRateUnit": "A",
		"chargingSchedulePeriod": []map[string]any{{"startPeriod": 0, "limit": 10.0}}}}}

func flowBadRequests(running string) []flowBadRequest {
	tok := func(id string) map[string]any { return map[string]any{"idToken": id, "type": "Central"} }
	long := strings.Repeat("X", 37) // idToken and transactionId are at most 36 characters
	return []flowBadRequest{
		{what: "a start on an EVSE that does not exist", action: "RequestStartTransaction",
			payload: map[string]any{"evseId": 99, "remoteStartId": 1, "idToken": tok("FLOW-BAD-A")}, answer: "Rejected"},
		{what: "a start with a profile on an EVSE that does not exist", action: "RequestStartTransaction",
			payload: map[string]any{"evseId": 99, "remoteStartId": 2, "idToken": tok("FLOW-BAD-B"), "chargingProfile": flowTxProfile}, answer: "Rejected"},
		{what: "a second start on the EVSE in use", action: "RequestStartTransaction",
			payload: map[string]any{"evseId": 1, "remoteStartId": 3, "idToken": tok("FLOW-BAD-C")}, answer: "Rejected"},
		{what: "a start without evseId while the only EVSE is in use", action: "RequestStartTransaction",
			payload: map[string]any{"remoteStartId": 9, "idToken": tok("FLOW-BAD-D")}, answer: "Rejected"},
		{what: "a stop of no session", action: "RequestStopTransaction",
			payload: map[string]any{"transactionId": "00000000-0000-4000-8000-000000000000"}, answer: "Rejected"},
		{what: "an unlock of a connector that does not exist", action: "UnlockConnector",
			payload: map[string]any{"evseId": 99, "connectorId": 1}, answer: "UnknownConnector"},
		// TC_K_14: a profile for an EVSE the station does not have.
		{what: "a charging profile on an EVSE that does not exist", action: "SetChargingProfile",
			payload: map[string]any{"evseId": 99, "chargingProfile": map[string]any{"id": 8, "stackLevel": 0,
				"chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Relative",
				"chargingSchedule": flowTxProfile["chargingSchedule"]}}, answer: "Rejected"},
		{what: "a start without idToken", action: "RequestStartTransaction", invalid: true,
			payload: map[string]any{"evseId": 1, "remoteStartId": 4}, code: "OccurrenceConstraintViolation"},
		{what: "a start with a string remoteStartId", action: "RequestStartTransaction", invalid: true,
			payload: map[string]any{"evseId": 1, "remoteStartId": "five", "idToken": tok("FLOW-BAD-E")}, code: "TypeConstraintViolation"},
		{what: "a start with a string evseId", action: "RequestStartTransaction", invalid: true,
			payload: map[string]any{"evseId": "1", "remoteStartId": 6, "idToken": tok("FLOW-BAD-F")}, code: "TypeConstraintViolation"},
		{what: "a start with a 37-character idToken", action: "RequestStartTransaction", invalid: true,
			payload: map[string]any{"evseId": 1, "remoteStartId": 7, "idToken": tok(long)}, code: "PropertyConstraintViolation"},
		{what: "a stop with a 37-character transactionId", action: "RequestStopTransaction", invalid: true,
			payload: map[string]any{"transactionId": long}, code: "PropertyConstraintViolation"},
		{what: "a stop of the running session with an unknown property", action: "RequestStopTransaction", invalid: true,
			payload: map[string]any{"transactionId": running, "force": true}, code: "PropertyConstraintViolation"},
	}
}

// flowBadInput sends every bad request to a station with a session
// charging: each gets its answer, and the session goes on (still ongoing,
// still charging, its events in order) until the EV leaves.
func flowBadInput(t *testing.T, f *flowEnv) {
	id := f.flowCharging(t, "FLOW-BAD-12", 112).Info.ID
	before := len(f.events())
	for _, r := range flowBadRequests(id) {
		if r.invalid && !f.peer.canSendInvalid() {
			t.Logf("%s: not sent, this peer validates what it sends (the ocpp-go peer sends it)", r.what)
			continue
		}
		res, code, err := f.try(t, r.action, r.payload)
		switch {
		case err != nil:
			t.Errorf("%s: %v", r.what, err)
		case r.code != "" && code != r.code:
			t.Errorf("%s: CALLERROR %q, answer %s; want CALLERROR %s", r.what, code, res, r.code)
		case r.answer != "" && (code != "" || flowStatusOf(res) != r.answer):
			t.Errorf("%s: CALLERROR %q, answer %s; want status %s", r.what, code, res, r.answer)
		}
	}
	res := f.call(t, "GetTransactionStatus", map[string]any{"transactionId": id})
	if !strings.Contains(string(res), `"ongoingIndicator":true`) {
		t.Errorf("the session after the bad requests: %s, want ongoing", res)
	}
	res = f.call(t, "GetTransactionStatus", map[string]any{"transactionId": "00000000-0000-4000-8000-000000000000"})
	if !strings.Contains(string(res), `"ongoingIndicator":false`) || !strings.Contains(string(res), `"messagesInQueue":false`) {
		t.Errorf("GetTransactionStatus of no session: %s, want ongoingIndicator false, messagesInQueue false", res)
	}
	for _, e := range f.events()[before:] {
		if e.EventType != "Updated" || e.Info.ID != id || e.TriggerReason == "RemoteStart" || e.TriggerReason == "RemoteStop" {
			t.Errorf("a bad request changed the session: %v", e)
		}
	}
	f.waitSignals(t, "still charging", func(s map[string]any) bool { return s["charging"] == true })
	f.unplugAndEnd(t)
	f.oneTransaction(t, id)
}

// flowStatusOf is the status of an answer, "" without one.
func flowStatusOf(res json.RawMessage) string {
	var r struct {
		Status string `json:"status"`
	}
	json.Unmarshal(res, &r)
	return r.Status
}

// flowGarbageAnswer: the CSMS answers the session's Started with a
// CALLRESULT that breaks the TransactionEventResponse schema (an unknown
// idTokenInfo.status). The station must neither take it as an
// acknowledgement nor as a verdict on the token: it sends the same event
// again after MessageAttemptInterval, and the session charges on.
func flowGarbageAnswer(t *testing.T, f *flowEnv) {
	f.setVariable(t, "OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent", "1")
	if err := f.peer.fault(csmsfault.Garbage); err != nil {
		t.Fatal(err)
	}
	id := f.flowCharging(t, "FLOW-GARBAGE-13", 113).Info.ID
	f.waitSignals(t, "charging", func(s map[string]any) bool { return s["charging"] == true })
	var starts []string
	for _, c := range f.peer.calls(f.station) {
		if c.Action == "TransactionEvent" && strings.Contains(string(c.Payload), `"eventType":"Started"`) {
			starts = append(starts, string(c.Payload))
		}
	}
	if len(starts) != 2 {
		t.Fatalf("Started sent %d times, want twice (the garbage answer, then the retry): %v", len(starts), starts)
	}
	if s := f.peer.ledger(f.station); s.Retried != 1 {
		t.Errorf("ledger after one garbage answer: %s, want one retry", s)
	}
	f.unplugAndEnd(t)
	f.oneTransaction(t, id)
}
