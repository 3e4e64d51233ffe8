package main

import (
	"cmp"
	"encoding/json"
	"strconv"
	"time"
)

// transactionComputed are a Transaction's computed columns; the scheme
// lays out its row (TRANSACTION is its name, STARTED takes AGE's place).
var transactionComputed = map[string]func(v *view) string{
	"STATE":    transactionState,
	"ENERGY":   func(v *view) string { return kilo(v.status, "energyWh", 3, "kWh") },
	"POWER":    func(v *view) string { return kilo(v.status, "powerW", 2, "kW") },
	"DURATION": transactionDuration,
	"QUEUED": func(v *view) string {
		list, _ := lookup(v.status, "outbox").([]any)
		return strconv.Itoa(len(list))
	},
	"ID-TOKEN": func(v *view) string {
		if t := first(v.status, "idToken.idToken"); t != "-" {
			return t
		}
		return first(v.spec, "idToken.idToken")
	},
	"SEQNO":   func(v *view) string { return dashZero(first(v.status, "seqNo")) },
	"DROPPED": func(v *view) string { return dashZero(first(v.status, "droppedEvents")) },
}

// transactionEnded reports whether the session is over. Older objects may
// lack state but carry endedAt.
func transactionEnded(v *view) bool {
	if s := first(v.status, "state"); s != "-" {
		return s == "Ended"
	}
	return first(v.status, "endedAt") != "-"
}

// transactionState is the charging state while the session runs, and
// "Ended (reason)" once it is over.
func transactionState(v *view) string {
	if transactionEnded(v) {
		if r := first(v.status, "stoppedReason"); r != "-" {
			return "Ended (" + r + ")"
		}
		return "Ended"
	}
	if s := first(v.status, "chargingState"); s != "-" {
		return s
	}
	return first(v.status, "state")
}

// transactionDuration runs from startedAt to endedAt, or to now while the
// session is open. An ended session without endedAt has no known duration.
func transactionDuration(v *view) string {
	start, ok := timeAt(v.spec, "startedAt")
	if !ok {
		return "<unknown>"
	}
	end := v.now
	if transactionEnded(v) {
		if end, ok = timeAt(v.status, "endedAt"); !ok {
			return "<unknown>"
		}
	}
	return humanDuration(end.Sub(start))
}

// timeAt parses the RFC 3339 timestamp at path.
func timeAt(m map[string]any, path string) (time.Time, bool) {
	s, _ := lookup(m, path).(string)
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// numberAt reads the number at path; false when absent or not a number.
func numberAt(m map[string]any, path string) (float64, bool) {
	n, ok := lookup(m, path).(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// kilo shows a value in W or Wh as kW or kWh with the given decimals; "-"
// when the station has not measured it.
func kilo(m map[string]any, path string, decimals int, unit string) string {
	f, ok := numberAt(m, path)
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(f/1000, 'f', decimals, 64) + unit
}

// outboxOf returns status.outbox; an entry that is not an object stays an
// empty one, shown as dashes, so the count stays true.
func outboxOf(v *view) []map[string]any {
	list, _ := lookup(v.status, "outbox").([]any)
	out := make([]map[string]any, len(list))
	for i, e := range list {
		if m, ok := e.(map[string]any); ok {
			out[i] = m
		} else {
			out[i] = map[string]any{}
		}
	}
	return out
}

// compareTransactions orders sessions by charger and EVSE, newest first
// within one EVSE, so the open session heads its charger's history.
func compareTransactions(a, b *view) int {
	if c := cmp.Compare(first(a.spec, "chargerRef"), first(b.spec, "chargerRef")); c != 0 {
		return c
	}
	ea, _ := numberAt(a.spec, "evseId")
	eb, _ := numberAt(b.spec, "evseId")
	if c := cmp.Compare(ea, eb); c != 0 {
		return c
	}
	ta, _ := timeAt(a.spec, "startedAt")
	tb, _ := timeAt(b.spec, "startedAt")
	if c := tb.Compare(ta); c != 0 {
		return c
	}
	return cmp.Compare(a.obj.Metadata.Name, b.obj.Metadata.Name)
}

// transactionDetails is what describe adds for a Transaction: the figures an
// operator reads off a session, then the events still queued, one row each.
// The outbox is left out of the Status section, whose payloads would bury them.
var transactionDetails = kindDetail{hide: []string{"outbox"}, write: func(w fieldWriter, v *view) {
	w.heading("Progress")
	p := w.indent()
	p.field("State", transactionState(v))
	started, _ := lookup(v.spec, "startedAt").(string)
	p.field("Started", stamp(started, v.now))
	p.field("Duration", transactionDuration(v))
	p.field("Energy", kilo(v.status, "energyWh", 3, " kWh"))
	p.field("Power", kilo(v.status, "powerW", 2, " kW"))
	p.field("Dropped Events", dashZero(first(v.status, "droppedEvents")))
	queue := outboxOf(v)
	if len(queue) == 0 {
		w.field("Queued Events", "<none>")
		return
	}
	w.heading("Queued Events")
	rows := [][]string{{"SEQNO", "EVENT", "TRIGGER", "TIMESTAMP", "AGE", "ATTEMPTS", "OFFLINE"}}
	for _, e := range queue {
		ts := first(e, "timestamp")
		// attempts and offline are left out while 0 and false.
		rows = append(rows, []string{first(e, "seqNo"), first(e, "eventType"), first(e, "trigger"), ts, age(ts, v.now),
			dashZero(first(e, "attempts")), orFalse(first(e, "offline"))})
	}
	w.table(rows)
}}

// orFalse shows an absent flag as false.
func orFalse(s string) string {
	if s == "-" {
		return "false"
	}
	return s
}

// dashZero shows an absent counter as 0: the API leaves zero out.
func dashZero(s string) string {
	if s == "-" {
		return "0"
	}
	return s
}
