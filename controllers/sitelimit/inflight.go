package sitelimit

import (
	"sync"
	"time"
)

// Shares in flight. A station writes a share to its device some time after
// it was stored, and reports what the device took in writtenA with the
// time it took it (writtenAt). A station writes one limit at a time, and
// a raise reads the share from the store when it starts, so a write that
// is under way now started after the last confirmed one and writes a share
// that was the latest stored at some moment since: the one that was latest
// at writtenAt, or one stored after it. Until the station confirms a later
// write, its charger counts as committed to the highest of those. Without
// this log a share raised and lowered again before the device took the
// raise would be counted at the lower value while the device takes the
// higher one.

// logMax bounds the shares kept per charger; older ones are merged (at
// their highest value), which only counts more.
const logMax = 64

// shareLog keeps the shares stored since the controller started, by share
// name, with when they were stored (wall clock, as the stations stamp
// writtenAt).
type shareLog struct {
	mu      sync.Mutex
	started time.Time
	entries map[string][]logEntry
}

type logEntry struct {
	a  float64
	at time.Time
}

func newShareLog(now time.Time) *shareLog {
	return &shareLog{started: now, entries: map[string][]logEntry{}}
}

// record notes that share name was stored with a at time at: after the
// store transaction committed and before its events were published
// (store.Tx.OnCommit), so no station can have read the share before at. A
// later stamp would only count the earlier share longer, but a station
// confirming the share before its stamp would leave the earlier one
// counted as in flight until the station confirmed another write, and with
// it the raises it withholds.
func (l *shareLog) record(name string, a float64, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	es := l.entries[name]
	if n := len(es); n > 0 && es[n-1].a == a {
		return
	}
	es = append(es, logEntry{a: a, at: at})
	if len(es) > logMax {
		es[1] = logEntry{a: max(es[0].a, es[1].a), at: es[0].at}
		es = es[1:]
	}
	l.entries[name] = es
}

// drop forgets share name (deleted).
func (l *shareLog) drop(name string) {
	l.mu.Lock()
	delete(l.entries, name)
	l.mu.Unlock()
}

// confirmedSince says whether a confirmation at confirmed tells anything
// of the shares stored: not when it is from before the controller started,
// since shares stored then are not in the log.
func (l *shareLog) confirmedSince(confirmed time.Time) bool {
	return !confirmed.Before(l.started)
}

// inFlight is the highest share of name that its station may still be
// writing after it confirmed a write at confirmed: the share that was
// latest at confirmed and every one stored after. Shares older than those
// are forgotten. ok is false when the log holds none.
func (l *shareLog) inFlight(name string, confirmed time.Time) (a float64, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	es := l.entries[name]
	k := 0
	for i, e := range es {
		if !e.at.After(confirmed) {
			k = i
		}
	}
	es = es[k:]
	if len(es) == 0 {
		return 0, false
	}
	l.entries[name] = es
	for _, e := range es {
		a = max(a, e.a)
	}
	return a, true
}
