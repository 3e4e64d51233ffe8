package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// txSeen is what the CSMS has seen of one transaction: enough to tell a
// newcomer that sessions arrive, and to spot a gap or a repeat in seqNo.
type txSeen struct {
	Station       string                     `json:"station"`
	ID            string                     `json:"transactionId"`
	EVSE          int                        `json:"evse,omitempty"`
	Started       bool                       `json:"started"`
	Ended         bool                       `json:"ended"`
	Events        int                        `json:"events"`
	LastSeqNo     int                        `json:"lastSeqNo"`
	ChargingState ocpp.ChargingStateEnumType `json:"chargingState,omitempty"`
	// EnergyWh is the last Energy.Active.Import.Register value, nil until
	// an event carries one.
	EnergyWh      *float64            `json:"energyWh,omitempty"`
	IDToken       string              `json:"idToken,omitempty"`
	StoppedReason ocpp.ReasonEnumType `json:"stoppedReason,omitempty"`
	// Repeats and Gaps count events whose seqNo was not the last one + 1.
	Repeats   int       `json:"repeats,omitempty"`
	Gaps      int       `json:"gaps,omitempty"`
	FirstSeen time.Time `json:"firstSeen"`
	LastSeen  time.Time `json:"lastSeen"`
}

// txLedger keeps every transaction the CSMS has seen, per station and
// transactionId.
type txLedger struct {
	mu  sync.Mutex
	txs map[[2]string]*txSeen
}

// record adds one TransactionEvent and returns a note on its seqNo when it
// is out of order ("" when in order).
func (l *txLedger) record(station string, ev *ocpp.TransactionEventRequest, now time.Time) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.txs == nil {
		l.txs = map[[2]string]*txSeen{}
	}
	key := [2]string{station, ev.TransactionInfo.TransactionID}
	t, known := l.txs[key]
	note := ""
	switch {
	case !known:
		t = &txSeen{Station: station, ID: key[1], FirstSeen: now}
		l.txs[key] = t
		if ev.SeqNo != 0 && ev.EventType == ocpp.TransactionEventStarted {
			note = fmt.Sprintf("seqNo %d on Started, want 0", ev.SeqNo)
		}
	case ev.SeqNo <= t.LastSeqNo:
		t.Repeats++
		note = fmt.Sprintf("seqNo %d repeats (last %d)", ev.SeqNo, t.LastSeqNo)
	case ev.SeqNo > t.LastSeqNo+1:
		t.Gaps++
		note = fmt.Sprintf("seqNo %d after %d: %d missing", ev.SeqNo, t.LastSeqNo, ev.SeqNo-t.LastSeqNo-1)
	}
	t.Events++
	t.LastSeqNo = max(t.LastSeqNo, ev.SeqNo)
	t.LastSeen = now
	t.Started = t.Started || ev.EventType == ocpp.TransactionEventStarted
	t.Ended = t.Ended || ev.EventType == ocpp.TransactionEventEnded
	if ev.EVSE != nil {
		t.EVSE = ev.EVSE.ID
	}
	if s := ev.TransactionInfo.ChargingState; s != "" {
		t.ChargingState = s
	}
	if e, ok := energyWh(ev.MeterValue); ok {
		t.EnergyWh = &e
	}
	if ev.IDToken != nil {
		t.IDToken = ev.IDToken.IDToken
	}
	if r := ev.TransactionInfo.StoppedReason; r != "" {
		t.StoppedReason = r
	}
	return note
}

// list returns copies of the transactions, oldest first.
func (l *txLedger) list() []txSeen {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]txSeen, 0, len(l.txs))
	for _, t := range l.txs {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b txSeen) int {
		if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
			return c
		}
		return strings.Compare(a.Station+a.ID, b.Station+b.ID)
	})
	return out
}

// energyWh is the last Energy.Active.Import.Register sample (the measurand
// a sampledValue without one has) in Wh, and whether there is one.
func energyWh(mv []ocpp.MeterValueType) (float64, bool) {
	return lastSample(mv, ocpp.MeasurandEnergyActiveImportRegister, "Wh")
}

// lastSample is the last whole-device sample of the measurand, scaled to
// base (Wh or W) from its unit and multiplier.
func lastSample(mv []ocpp.MeterValueType, m ocpp.MeasurandEnumType, base string) (float64, bool) {
	v, found := 0.0, false
	for _, x := range mv {
		for _, s := range x.SampledValue {
			measurand := s.Measurand
			if measurand == "" {
				measurand = ocpp.MeasurandEnergyActiveImportRegister
			}
			if measurand != m || s.Phase != "" {
				continue
			}
			f, unit := s.Value, base
			if u := s.UnitOfMeasure; u != nil {
				if u.Unit != "" {
					unit = u.Unit
				}
				if u.Multiplier != nil {
					f *= math.Pow10(*u.Multiplier)
				}
			}
			if unit == "k"+base {
				f *= 1000
			}
			v, found = f, true
		}
	}
	return v, found
}

// txSummary is a TransactionEvent on one line: event type, seqNo, trigger,
// charging state, energy and power when present, the transactionId
// shortened, and the idToken.
func txSummary(ev *ocpp.TransactionEventRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s seqNo=%d trigger=%s", ev.EventType, ev.SeqNo, ev.TriggerReason)
	if s := ev.TransactionInfo.ChargingState; s != "" {
		fmt.Fprintf(&b, " state=%s", s)
	}
	if e, ok := energyWh(ev.MeterValue); ok {
		fmt.Fprintf(&b, " energy=%.0fWh", e)
	}
	if p, ok := lastSample(ev.MeterValue, ocpp.MeasurandPowerActiveImport, "W"); ok {
		fmt.Fprintf(&b, " power=%.0fW", p)
	}
	if r := ev.TransactionInfo.StoppedReason; r != "" {
		fmt.Fprintf(&b, " stoppedReason=%s", r)
	}
	fmt.Fprintf(&b, " tx=%s", shortID(ev.TransactionInfo.TransactionID))
	if ev.EVSE != nil {
		fmt.Fprintf(&b, " evse=%d", ev.EVSE.ID)
	}
	if t := ev.IDToken; t != nil {
		fmt.Fprintf(&b, " idToken=%s(%s)", t.IDToken, t.Type)
	}
	if id := ev.TransactionInfo.RemoteStartID; id != nil {
		fmt.Fprintf(&b, " remoteStartId=%d", *id)
	}
	if ev.Offline != nil && *ev.Offline {
		b.WriteString(" offline")
	}
	return b.String()
}

// shortID keeps the first 8 characters of a long transactionId: enough to
// tell sessions apart on screen; `gwsim ctl --csms transactions` has it whole.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}
