package main

// The audit of the crash-safety tests: what the strict CSMS received,
// per (transactionId, seqNo) with txledger, and the meter values against
// what gwsim counted.

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// crashCall is one TransactionEvent a station sent, in arrival order, with
// the connection it came on.
type crashCall struct {
	conn  int // the station's connection, counted from 1
	boots int // BootNotifications the station sent before it: gwd starts
	first bool
	last  bool // the first and the last TransactionEvent on its connection
}

// crashTimeline lists the TransactionEvent CALLs of station in the order
// the CSMS got them, so that index i is the Delivery.Index of its ledger.
func crashTimeline(events []strictcsms.Event, station string) []crashCall {
	var out []crashCall
	conn, boots := 0, 0
	for _, ev := range events {
		switch {
		case ev.Identity != station:
		case ev.Ev == "connect":
			conn++
		case ev.Ev == "call" && ev.Method == "BootNotification":
			boots++
		case ev.Ev == "call" && ev.Method == "TransactionEvent":
			out = append(out, crashCall{conn: conn, boots: boots})
		}
	}
	for i := range out {
		out[i].first = i == 0 || out[i-1].conn != out[i].conn
		out[i].last = i == len(out)-1 || out[i+1].conn != out[i].conn
	}
	return out
}

// crashAudit totals what the CSMS received from every station.
type crashAudit struct {
	sessions, events, deliveries, lost, maxSeqNo int
	// killDups are copies sent again after a gwd restart because gwd died
	// between the CALLRESULT and the fsync of the outbox removal: the
	// first copy was the last TransactionEvent on its connection, the copy
	// the first one on the new connection of the restarted gwd. cutDups
	// are the same shape without a restart: the CSMS cut the connection
	// with its CALLRESULT in flight, so the station had to send it again.
	killDups, cutDups, otherDups int
	// reordered counts repeated seqNos whose copies differ in bytes but not
	// as JSON values (txledger's Identical is false).
	reordered int
	// meteredWh is the energy the CSMS billed (Ended minus Started
	// registers); simWh what gwsim counted between plug-in and unplug.
	meteredWh, simWh float64
	problems         []string
}

func (a *crashAudit) problem(format string, args ...any) {
	a.problems = append(a.problems, fmt.Sprintf(format, args...))
}

// String is the line the tests log, for the closing note.
func (a *crashAudit) String() string {
	return fmt.Sprintf("sessions %d, events %d (deliveries %d), lost %d, duplicates: after a restart %d, after a cut connection %d, other %d (%d re-sent with members reordered); max seqNo %d; energy billed %.1f Wh of %.1f Wh gwsim counted; %d problems",
		a.sessions, a.events, a.deliveries, a.lost, a.killDups, a.cutDups, a.otherDups, a.reordered, a.maxSeqNo, a.meteredWh, a.simWh, len(a.problems))
}

// finish makes every EV leave, waits until gwd ended every session and
// the CSMS acknowledged all its events, fails on an event gwd gave up, and
// audits what the CSMS received.
func (e *crashEnv) finish(t *testing.T, d *daemon) *crashAudit {
	t.Helper()
	e.unplugAll(t)
	for _, tx := range e.waitDrained(t, d, e.plugCount()) {
		if tx.Status.DroppedEvents > 0 {
			t.Errorf("%s dropped %d events", tx.Spec.TransactionID, tx.Status.DroppedEvents)
		}
	}
	return e.audit()
}

// audit checks every station's ledger: no seqNo missing, seqNos from 0,
// one Started (seqNo 0) and one Ended (the last seqNo) per session, no
// event out of order or after Ended, every duplicate of an explained kind
// with the same content, one session per plug-in, and the energy.
func (e *crashEnv) audit() *crashAudit {
	a := &crashAudit{}
	events := e.cs.Events()
	for _, f := range e.cs.Failures() {
		a.problem("strict validation: %s %s %s", f.Ev, f.Method, f.Error)
	}
	for _, c := range e.chargers {
		l := e.cs.Ledger(c.station)
		if s := l.Summary(); len(s.Malformed) > 0 {
			a.problem("%s: %s", c.station, s)
		}
		timeline := crashTimeline(events, c.station)
		txs := l.Transactions()
		c.mu.Lock()
		plugs := append([]crashPlug(nil), c.plugs...)
		c.mu.Unlock()
		if len(txs) != len(plugs) {
			a.problem("%s: %d sessions at the CSMS for %d plug-ins", c.station, len(txs), len(plugs))
		}
		for i := range txs {
			a.auditTx(c.station, &txs[i], timeline)
			if i < len(plugs) {
				a.auditEnergy(c.station, &txs[i], plugs[i])
			}
		}
	}
	return a
}

func (a *crashAudit) auditTx(station string, tx *txledger.Tx, timeline []crashCall) {
	a.sessions++
	a.deliveries += len(tx.Deliveries)
	a.lost += len(tx.Gaps)
	where := station + " " + tx.ID
	if len(tx.Gaps) > 0 || len(tx.OutOfOrder) > 0 || len(tx.AfterEnded) > 0 || !tx.Balanced() {
		a.problem("%s: seqNos missing %v, out of order %d, after Ended %d, Started %d, Ended %d", where,
			tx.Gaps, len(tx.OutOfOrder), len(tx.AfterEnded), tx.Started, tx.Ended)
	}
	first := crashFirstCopies(tx)
	a.events += len(first)
	if d, ok := first[0]; !ok || d.EventType != txledger.Started {
		a.problem("%s: seqNo 0 is not Started", where)
	}
	top := 0
	for seq := range first {
		top = max(top, seq)
	}
	a.maxSeqNo = max(a.maxSeqNo, top)
	if d, ok := first[top]; !ok || d.EventType != txledger.Ended {
		a.problem("%s: the last seqNo %d is not Ended", where, top)
	} else if r := crashStoppedReason(d.Raw); r != "EVDisconnected" {
		a.problem("%s: stoppedReason %q, want EVDisconnected (every session ends with its EV leaving)", where, r)
	}
	for _, dup := range tx.Duplicates {
		var copies []txledger.Delivery
		for _, d := range tx.Deliveries {
			if d.SeqNo == dup.SeqNo {
				copies = append(copies, d)
			}
		}
		for _, c := range copies[1:] {
			if !crashSameEvent(copies[0].Raw, c.Raw) {
				a.problem("%s: seqNo %d was sent again with other content:\n%s\n%s", where, dup.SeqNo, copies[0].Raw, c.Raw)
			}
		}
		if !dup.Identical {
			a.reordered++
		}
		for k := 1; k < len(copies); k++ {
			a.classify(where, dup.SeqNo, copies[k-1].Index, copies[k].Index, timeline)
		}
	}
}

// classify explains one repeated copy (at the station's TransactionEvent
// index cur) of the copy at prev, or records it as a problem.
func (a *crashAudit) classify(where string, seq, prev, cur int, timeline []crashCall) {
	p, c := timeline[prev], timeline[cur]
	switch {
	case cur != prev+1 || !p.last || !c.first || c.conn <= p.conn:
		a.otherDups++
		a.problem("%s: seqNo %d sent again as TransactionEvent #%d of the station (first copy #%d, connection %d→%d): not the head of the outbox re-sent on a new connection",
			where, seq, cur, prev, p.conn, c.conn)
	case c.boots > p.boots:
		a.killDups++
	default:
		a.cutDups++
	}
}

// crashSameEvent compares two copies of an event as JSON values, offline
// aside: gwd re-encodes an event it re-sends with offline set, which
// changes the order of its members but must change nothing else.
func crashSameEvent(a, b json.RawMessage) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	delete(x, "offline")
	delete(y, "offline")
	return reflect.DeepEqual(x, y)
}

// crashFirstCopies is the first delivery of each seqNo.
func crashFirstCopies(tx *txledger.Tx) map[int]txledger.Delivery {
	out := map[int]txledger.Delivery{}
	for _, d := range tx.Deliveries {
		if _, ok := out[d.SeqNo]; !ok {
			out[d.SeqNo] = d
		}
	}
	return out
}

// auditEnergy checks the session's Energy.Active.Import.Register values
// against gwsim: never falling, the Ended value what the register read
// once the EV had left, and the Started value no lower than at plug-in
// (an AutoStart charger charges as soon as the EV comes, so a plug-in gwd
// sees late, after a restart, starts its session on a higher register).
func (a *crashAudit) auditEnergy(station string, tx *txledger.Tx, plug crashPlug) {
	where := station + " " + tx.ID
	first := crashFirstCopies(tx)
	prev, start, end := math.Inf(-1), math.NaN(), math.NaN()
	for seq := 0; seq <= len(tx.Deliveries); seq++ {
		d, ok := first[seq]
		if !ok {
			continue
		}
		for _, r := range crashRegisters(d.Raw) {
			if r.wh < prev {
				a.problem("%s: the energy register fell from %.1f to %.1f Wh at seqNo %d", where, prev, r.wh, seq)
			}
			prev = r.wh
			switch {
			case d.EventType == txledger.Started && r.context == "Transaction.Begin":
				start = r.wh
			case d.EventType == txledger.Ended && r.context == "Transaction.End":
				end = r.wh
			}
		}
	}
	// The KEBA's register 1036 counts whole 0.1 Wh, truncated.
	atReg, untilReg := math.Floor(plug.atWh*10)/10, math.Floor(plug.untilWh*10)/10
	const eps = 0.01
	switch {
	case math.IsNaN(start) || math.IsNaN(end):
		a.problem("%s: no Transaction.Begin or Transaction.End energy register (%v, %v)", where, start, end)
	case math.Abs(end-untilReg) > 0.1+eps:
		a.problem("%s: Ended register %.1f Wh, the charger's register read %.1f Wh after the EV left", where, end, untilReg)
	case start < atReg-eps || start > end:
		a.problem("%s: Started register %.1f Wh, the charger read %.1f Wh at plug-in and %.1f Wh at unplug", where, start, atReg, untilReg)
	case plug.untilWh-plug.atWh > 1 && end-start <= 0:
		a.problem("%s: %.1f Wh charged but the session billed %.1f Wh", where, plug.untilWh-plug.atWh, end-start)
	default:
		a.meteredWh += end - start
		a.simWh += plug.untilWh - plug.atWh
	}
}

func crashStoppedReason(raw json.RawMessage) string {
	var p struct {
		TransactionInfo struct {
			StoppedReason string `json:"stoppedReason"`
		} `json:"transactionInfo"`
	}
	_ = json.Unmarshal(raw, &p)
	return p.TransactionInfo.StoppedReason
}

// crashRegister is one Energy.Active.Import.Register sampled value.
type crashRegister struct {
	context string
	wh      float64
}

// crashRegisters are the energy register values of a TransactionEvent, in
// the order they were sampled. A sampled value without measurand is
// Energy.Active.Import.Register, without context Sample.Periodic (OCPP
// 2.0.1 SampledValueType defaults).
func crashRegisters(raw json.RawMessage) []crashRegister {
	var p struct {
		MeterValue []struct {
			SampledValue []struct {
				Value         float64 `json:"value"`
				Measurand     string  `json:"measurand"`
				Context       string  `json:"context"`
				UnitOfMeasure *struct {
					Unit       string `json:"unit"`
					Multiplier int    `json:"multiplier"`
				} `json:"unitOfMeasure"`
			} `json:"sampledValue"`
		} `json:"meterValue"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return nil
	}
	var out []crashRegister
	for _, mv := range p.MeterValue {
		for _, sv := range mv.SampledValue {
			if sv.Measurand != "" && sv.Measurand != "Energy.Active.Import.Register" {
				continue
			}
			wh := sv.Value
			if u := sv.UnitOfMeasure; u != nil {
				if strings.EqualFold(u.Unit, "kWh") {
					wh *= 1000
				}
				wh *= math.Pow10(u.Multiplier)
			}
			ctx := sv.Context
			if ctx == "" {
				ctx = "Sample.Periodic"
			}
			out = append(out, crashRegister{context: ctx, wh: wh})
		}
	}
	return out
}

// checkAudit fails the test on every problem the audit found.
func checkAudit(t *testing.T, a *crashAudit) {
	t.Helper()
	for i, p := range a.problems {
		if i == 30 {
			t.Errorf("... and %d more", len(a.problems)-i)
			break
		}
		t.Error(p)
	}
}
