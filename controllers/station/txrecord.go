package station

import (
	"cmp"
	"encoding/json"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// txRecord is a session's Transaction object as the station last stored
// it. Only the station writes a session's status.
type txRecord struct {
	t            *v1alpha1.Transaction
	stored       bool
	evse         int
	lastProgress time.Time
	endedNext    time.Time // the next TxEndedInterval sample
	clockNext    time.Time // the next AlignedDataCtrlr.TxEndedInterval sample
}

// queued is one outbox entry of the station's FIFO.
type queued struct {
	rec       *txRecord
	seqNo     int
	notBefore time.Time
}

// progressEvery bounds how often a session's energy and power are written
// between events: often enough for `gwctl get transactions -w`, never per poll.
const progressEvery = 10 * time.Second

func (s *Station) newRecord(evse int, t *tx.State) *txRecord {
	conn := s.firstConnector(evse)
	return &txRecord{evse: evse, t: &v1alpha1.Transaction{
		Metadata: v1alpha1.ObjectMeta{Name: t.ID, Labels: map[string]string{v1alpha1.ChargerLabel: s.cfg.Charger}},
		Spec: v1alpha1.TransactionSpec{ChargerRef: s.cfg.Charger, EVSEID: evse, ConnectorID: conn, TransactionID: t.ID,
			IDToken: apiToken(t.IDToken), StartedAt: t.StartedAt.UTC().Format(time.RFC3339)},
		Status: v1alpha1.TransactionStatus{State: v1alpha1.TransactionActive}}}
}

func apiToken(t *ocpp.IdTokenType) *v1alpha1.IDToken {
	if t == nil {
		return nil
	}
	return &v1alpha1.IDToken{IDToken: t.IDToken, Type: string(t.Type)}
}

// record stores each event in its session's outbox, durably, and queues it
// for the CSMS. An event that cannot be stored is never sent: it is logged
// and counted, and its seqNo is not used, so the CSMS sees no gap.
func (s *Station) record(evse int, events []tx.Event, sig map[string]any) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	offline := !s.online
	s.mu.Unlock()
	now := s.now()
	s.ss.mu.Lock()
	s.recordLocked(evse, events, sig, offline, now)
	adopt := s.ss.adopt
	s.ss.adopt = nil
	s.ss.mu.Unlock()
	var ended []string
	for _, ev := range events {
		if ev.Type == ocpp.TransactionEventEnded {
			ended = append(ended, ev.Tx.ID)
		}
	}
	s.settleTxProfiles(adopt, ended)
}

// recordLocked stores and queues events; the caller holds ss.mu.
func (s *Station) recordLocked(evse int, events []tx.Event, sig map[string]any, offline bool, now time.Time) {
	for _, ev := range events {
		rec := s.ss.records[ev.Tx.ID]
		if rec == nil {
			rec = s.newRecord(evse, ev.Tx)
			s.ss.records[ev.Tx.ID] = rec
		}
		if !s.admitLocked(rec, ev) {
			continue
		}
		before := *rec.t
		before.Status.Outbox = slices.Clone(rec.t.Status.Outbox)
		entry, err := s.outboxEntry(rec, ev, sig, offline, now)
		if err == nil {
			s.applyProgress(rec, ev.Tx, sig, now)
			rec.t.Status.Outbox = append(rec.t.Status.Outbox, entry)
			rec.t.Status.SeqNo++
			if ev.Type == ocpp.TransactionEventEnded {
				rec.t.Status.State, rec.t.Status.StoppedReason = v1alpha1.TransactionEnded, string(ev.StoppedReason)
				rec.t.Status.EndedAt = entry.Timestamp
			}
			err = s.host.SaveTransaction(rec.t, !rec.stored)
		}
		if err != nil {
			*rec.t = before
			s.ss.dropped++
			s.log.Error("TransactionEvent not stored, so not sent", "transactionId", ev.Tx.ID, "eventType", ev.Type, "err", err)
			continue
		}
		rec.stored, rec.lastProgress = true, time.Now()
		s.ss.queue = append(s.ss.queue, queued{rec: rec, seqNo: entry.SeqNo})
		signal(s.ss.ready)
		s.log.Info("transaction event", "transactionId", ev.Tx.ID, "eventType", ev.Type, "seqNo", entry.SeqNo,
			"trigger", ev.Trigger, "chargingState", ev.ChargingState, "offline", offline)
	}
}

// outboxEntry builds the TransactionEventRequest of ev with the next seqNo.
func (s *Station) outboxEntry(rec *txRecord, ev tx.Event, sig map[string]any, offline bool, now time.Time) (v1alpha1.OutboxEntry, error) {
	seq := rec.t.Status.SeqNo
	req := ocpp.TransactionEventRequest{EventType: ev.Type, Timestamp: ocpp.NewDateTime(now), TriggerReason: ev.Trigger, SeqNo: seq,
		TransactionInfo: ocpp.TransactionType{TransactionID: rec.t.Spec.TransactionID, ChargingState: ev.ChargingState,
			StoppedReason: ev.StoppedReason, RemoteStartID: ev.RemoteStartID},
		IDToken: ev.IDToken}
	if ev.Type == ocpp.TransactionEventStarted {
		conn := rec.t.Spec.ConnectorID
		req.EVSE = &ocpp.EVSEType{ID: rec.evse, ConnectorID: &conn}
	}
	if ev.ChargingState == ocpp.ChargingStateCharging {
		req.NumberOfPhasesUsed = phasesUsed(sig)
	}
	if offline {
		t := true
		req.Offline = &t
	}
	if samples := s.txSamples(sig, ev.Context); len(samples) > 0 {
		req.MeterValue = []ocpp.MeterValueType{{Timestamp: req.Timestamp, SampledValue: samples}}
	}
	if ev.Type == ocpp.TransactionEventEnded {
		req.MeterValue = endedMeterValues(rec, req.MeterValue)
		if len(req.MeterValue) == 0 {
			req.MeterValue = nil
		}
	}
	payload, err := json.Marshal(req)
	if err == nil {
		// The store keeps status canonical (sorted members): the first send
		// uses the same bytes a re-send after a restart reads back.
		payload, err = v1alpha1.Canonical(payload)
	}
	if err != nil {
		return v1alpha1.OutboxEntry{}, err
	}
	if err := ocpp.ValidateRequest(ocpp.ActionTransactionEvent, payload); err != nil {
		return v1alpha1.OutboxEntry{}, err
	}
	return v1alpha1.OutboxEntry{SeqNo: seq, EventType: string(ev.Type), Timestamp: req.Timestamp.Time.UTC().Format(time.RFC3339Nano),
		Payload: payload, Offline: offline, Trigger: string(ev.Trigger)}, nil
}

// txSamples are the sampled values of a reading context: the measurands of
// TxStartedMeasurands, TxUpdatedMeasurands or TxEndedMeasurands.
func (s *Station) txSamples(sig map[string]any, context ocpp.ReadingContextEnumType) []ocpp.SampledValueType {
	var name string
	switch context {
	case ocpp.ReadingContextTransactionBegin:
		name = "TxStartedMeasurands"
	case ocpp.ReadingContextSamplePeriodic, ocpp.ReadingContextTrigger:
		name = "TxUpdatedMeasurands"
	case ocpp.ReadingContextTransactionEnd:
		name = "TxEndedMeasurands"
	case ocpp.ReadingContextSampleClock:
		return s.samplesOf(sig, s.alignedMeasurands(), context)
	default:
		return nil
	}
	return s.samplesOf(sig, splitList(s.model.Value(sampledCtrlr, devicemodelVariable(name))), context)
}

// samplesOf are the sampled values of sig restricted to the measurands in want.
func (s *Station) samplesOf(sig map[string]any, want []string, context ocpp.ReadingContextEnumType) []ocpp.SampledValueType {
	var out []ocpp.SampledValueType
	for _, v := range SampledValues(sig, context) {
		if slices.Contains(want, string(v.Measurand)) {
			out = append(out, v)
		}
	}
	return out
}

// applyProgress copies the session state and the meter into the record.
func (s *Station) applyProgress(rec *txRecord, t *tx.State, sig map[string]any, now time.Time) {
	st := &rec.t.Status
	st.ChargingState, st.Authorized, st.StopReason = string(t.ChargingState), t.Authorized, string(t.StopReason)
	st.IDToken, st.RemoteStartID = apiToken(t.IDToken), t.RemoteStartID
	st.Seen = st.Seen[:0]
	for _, p := range t.Seen {
		st.Seen = append(st.Seen, string(p))
	}
	if e, ok := sig["energyWh"].(float64); ok {
		if st.MeterStartWh == nil {
			st.MeterStartWh = &e
		}
		d := max(e-*st.MeterStartWh, 0)
		if st.EnergyWh == nil || d > *st.EnergyWh {
			s.cfg.Metrics.EnergyDelivered(d - deref(st.EnergyWh))
		}
		st.EnergyWh = &d
	}
	if p, ok := sig["powerW"].(float64); ok {
		st.PowerW = &p
	}
	if e := s.ss.evses[rec.evse]; e != nil && e.profile != nil && t.Authorized {
		st.ChargingProfile = e.profile // the profile of the remote start that authorized it
		s.ss.adopt = append(s.ss.adopt, txProfile{evse: rec.evse, txID: t.ID, raw: e.profile})
		e.profile = nil
	}
	st.UpdatedAt = now.UTC().Format(time.RFC3339)
}

// progress writes an open session's energy and power, at most every
// progressEvery, so watchers see a session advance between events.
func (s *Station) progress(evse int, sig map[string]any) {
	if sig == nil {
		return
	}
	now := s.now()
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	t := s.ss.machine(evse).Session()
	if t == nil {
		return
	}
	rec := s.ss.records[t.ID]
	if rec == nil || !rec.stored || time.Since(rec.lastProgress) < progressEvery {
		return
	}
	before := rec.t.Status
	s.applyProgress(rec, t, sig, now)
	if samePtr(before.EnergyWh, rec.t.Status.EnergyWh) && samePtr(before.PowerW, rec.t.Status.PowerW) && before.ChargingState == rec.t.Status.ChargingState {
		return
	}
	rec.lastProgress = time.Now()
	if err := s.host.SaveTransaction(rec.t, false); err != nil {
		s.log.Warn("session progress not stored", "transactionId", t.ID, "err", err)
	}
}

func samePtr(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// admitLocked applies the outbox bound: when the station's queue is full,
// a new periodic event is given up, and any other event makes room by
// giving up the oldest queued periodic one. Started and Ended are always
// kept, even past the bound. Given-up events are counted on their session.
func (s *Station) admitLocked(rec *txRecord, ev tx.Event) bool {
	limit := cmp.Or(s.cfg.OutboxLimit, DefaultOutboxLimit)
	if len(s.ss.queue) < limit {
		return true
	}
	if ev.Trigger == ocpp.TriggerReasonMeterValuePeriodic {
		rec.t.Status.DroppedEvents++
		s.ss.dropped++
		s.log.Warn("outbox full: periodic TransactionEvent given up", "transactionId", rec.t.Spec.TransactionID, "limit", limit)
		return false
	}
	for i, q := range s.ss.queue {
		if i == 0 {
			continue // the head may be in flight
		}
		e := q.rec.entry(q.seqNo)
		if e == nil || e.Trigger != string(ocpp.TriggerReasonMeterValuePeriodic) {
			continue
		}
		q.rec.removeEntry(q.seqNo)
		q.rec.t.Status.DroppedEvents++
		s.ss.dropped++
		s.ss.queue = slices.Delete(s.ss.queue, i, i+1)
		if err := s.host.SaveTransaction(q.rec.t, false); err != nil {
			s.log.Warn("outbox full: giving up a periodic event not stored", "err", err)
		}
		s.log.Warn("outbox full: oldest periodic TransactionEvent given up", "transactionId", q.rec.t.Spec.TransactionID, "seqNo", q.seqNo)
		break
	}
	return true
}

func (r *txRecord) entry(seq int) *v1alpha1.OutboxEntry {
	for i := range r.t.Status.Outbox {
		if r.t.Status.Outbox[i].SeqNo == seq {
			return &r.t.Status.Outbox[i]
		}
	}
	return nil
}

func (r *txRecord) removeEntry(seq int) {
	r.t.Status.Outbox = slices.DeleteFunc(r.t.Status.Outbox, func(e v1alpha1.OutboxEntry) bool { return e.SeqNo == seq })
}

// phasesUsed counts the phases that carry current while charging, when the
// template maps all three phase currents and they are known; nil otherwise.
func phasesUsed(sig map[string]any) *int {
	n := 0
	for _, name := range []string{"currentA1", "currentA2", "currentA3"} {
		a, ok := sig[name].(float64)
		if !ok {
			return nil
		}
		if a >= 1 {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return &n
}
