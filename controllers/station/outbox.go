package station

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// The outbox (E12/E13, Part 4 §4.1): the station's TransactionEvents go to
// the CSMS one at a time in the order they were made. An event leaves its
// session's stored outbox only when its CALLRESULT arrives, or when
// MessageAttempts[TransactionEvent] are spent after CALLERRORs, timeouts or
// invalid answers (then it is counted as dropped). Between attempts the
// station waits MessageAttemptInterval times the attempts made. A lost
// connection leaves the event queued, to be re-sent with offline set.

// outboxDue is when the head of the outbox may be sent; zero when empty.
func (s *Station) outboxDue() time.Time {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	if len(s.ss.queue) == 0 || s.ss.holds > 0 {
		return time.Time{}
	}
	if nb := s.ss.queue[0].notBefore; !nb.IsZero() {
		return nb
	}
	return time.Now()
}

// drainOutbox sends what is due, in order, until the outbox is empty or
// its head waits for a retry. It fails only when the connection does.
func (s *Station) drainOutbox(ctx context.Context, c *rpc.Conn) error {
	for {
		due := s.outboxDue()
		if due.IsZero() || time.Now().Before(due) {
			return nil
		}
		q, payload, ok := s.outboxHead()
		if !ok {
			continue
		}
		raw, err := c.Call(ctx, ocpp.ActionTransactionEvent, payload)
		if err != nil && !oneCallFailed(ctx, c, err) {
			s.markOffline()
			return fmt.Errorf("TransactionEvent: %w", err)
		}
		if err != nil {
			s.failed(q, err)
			continue
		}
		var resp ocpp.TransactionEventResponse
		if err := json.Unmarshal(raw, &resp); err != nil {
			s.failed(q, fmt.Errorf("decode answer: %w", err))
			continue
		}
		s.acknowledged(q, resp)
	}
}

// outboxHead returns the head entry's payload, with offline set when it is
// re-sent after a lost connection. A head whose entry is gone (given up
// meanwhile) is skipped.
func (s *Station) outboxHead() (queued, json.RawMessage, bool) {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	q := s.ss.queue[0]
	e := q.rec.entry(q.seqNo)
	if e == nil {
		s.ss.queue = s.ss.queue[1:]
		return q, nil, false
	}
	payload := e.Payload
	if e.Offline {
		payload = withOffline(payload)
	}
	return q, payload, true
}

// withOffline sets offline in a stored request. Stored requests are in
// canonical form (sorted members, as the store keeps status), and so is the
// result: a CSMS comparing a re-sent event with its first copy finds only
// offline added.
func withOffline(payload json.RawMessage) json.RawMessage {
	var req map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return payload
	}
	req["offline"] = true
	out, err := json.Marshal(req)
	if err != nil {
		return payload
	}
	return out
}

// markOffline flags every queued event: it will be re-sent on a new
// connection.
func (s *Station) markOffline() {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	for _, q := range s.ss.queue {
		if e := q.rec.entry(q.seqNo); e != nil {
			e.Offline = true
		}
	}
}

// failed counts an attempt of the head; after MessageAttempts it is
// dropped, otherwise it waits MessageAttemptInterval × attempts.
func (s *Station) failed(q queued, cause error) {
	attempts := max(s.model.Int(commCtrlr, devicemodel.Variable{Name: "MessageAttempts", Instance: "TransactionEvent"}, 5), 1)
	interval := time.Duration(s.model.Int(commCtrlr, devicemodel.Variable{Name: "MessageAttemptInterval", Instance: "TransactionEvent"}, 60)) * time.Second
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	e := q.rec.entry(q.seqNo)
	if e == nil || len(s.ss.queue) == 0 || s.ss.queue[0].rec != q.rec || s.ss.queue[0].seqNo != q.seqNo {
		return
	}
	e.Attempts++
	if e.Attempts >= attempts {
		q.rec.removeEntry(q.seqNo)
		q.rec.t.Status.DroppedEvents++
		s.ss.dropped++
		s.ss.queue = s.ss.queue[1:]
		s.log.Error("TransactionEvent dropped: MessageAttempts spent", "transactionId", q.rec.t.Spec.TransactionID,
			"seqNo", q.seqNo, "attempts", attempts, "err", cause)
	} else {
		s.ss.queue[0].notBefore = time.Now().Add(interval * time.Duration(e.Attempts))
		s.log.Warn("TransactionEvent not acknowledged: will retry", "transactionId", q.rec.t.Spec.TransactionID,
			"seqNo", q.seqNo, "attempt", e.Attempts, "err", cause)
	}
	if err := s.host.SaveTransaction(q.rec.t, false); err != nil {
		s.log.Warn("outbox attempt not stored", "err", err)
	}
	s.forgetEndedLocked(q.rec)
}

// acknowledged removes the head from its session's stored outbox and acts
// on the CSMS's verdict on the token.
func (s *Station) acknowledged(q queued, resp ocpp.TransactionEventResponse) {
	s.ss.mu.Lock()
	if len(s.ss.queue) > 0 && s.ss.queue[0].rec == q.rec && s.ss.queue[0].seqNo == q.seqNo {
		s.ss.queue = s.ss.queue[1:]
	}
	q.rec.removeEntry(q.seqNo)
	err := s.host.SaveTransaction(q.rec.t, false)
	s.forgetEndedLocked(q.rec)
	evse, id := q.rec.evse, q.rec.t.Spec.TransactionID
	s.ss.mu.Unlock()
	if err != nil {
		// Sent and acknowledged, but the removal is not on disk: after a
		// crash it would be sent again. Nothing better can be done now.
		s.log.Error("acknowledged TransactionEvent not removed from the stored outbox", "transactionId", id, "seqNo", q.seqNo, "err", err)
	}
	if info := resp.IDTokenInfo; info != nil && info.Status != ocpp.AuthorizationStatusAccepted {
		s.deauthorize(evse, id, info.Status)
	}
}

// forgetEndedLocked drops an ended session with nothing queued from memory.
func (s *Station) forgetEndedLocked(rec *txRecord) {
	if rec.t.Status.State == "Ended" && len(rec.t.Status.Outbox) == 0 {
		delete(s.ss.records, rec.t.Spec.TransactionID)
	}
}

// queuedFor reports whether events of a session (or of any, with id "")
// wait in the outbox.
func (s *Station) queuedFor(id string) bool {
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	return slices.ContainsFunc(s.ss.queue, func(q queued) bool { return id == "" || q.rec.t.Spec.TransactionID == id })
}

// deauthorize acts on a token the CSMS did not accept (C01, E05): with
// StopTxOnInvalidId the session is stopped and ends (Deauthorized,
// DeAuthorized); without it the session stays, but the charger is held once
// MaxEnergyOnInvalidId is delivered (at once when it is 0).
func (s *Station) deauthorize(evse int, id string, status ocpp.AuthorizationStatusEnumType) {
	stop := s.model.Value(txCtrlr, devicemodel.Variable{Name: "StopTxOnInvalidId"}) != "false"
	s.log.Warn("the CSMS did not accept the session's token", "transactionId", id, "status", status, "stop", stop)
	s.ss.mu.Lock()
	m := s.ss.machine(evse)
	if m == nil || m.Session() == nil || m.Session().ID != id {
		s.ss.mu.Unlock()
		return
	}
	if stop {
		m.Revoke(ocpp.TriggerReasonDeauthorized, ocpp.ReasonDeAuthorized)
	} else {
		s.ss.evses[evse].invalid = true
	}
	s.ss.mu.Unlock()
	s.ss.wake.kick()
}
