package txledger

import (
	"fmt"
	"strings"
)

// Summary totals the anomalies over every transaction. A station that
// never loses or repeats an event gives a Summary whose Clean is true.
type Summary struct {
	Transactions int
	Deliveries   int // payloads counted in a transaction, duplicates included
	Lost         int // seqNos missing (the gaps)
	// Duplicated counts copies of a (transactionId, seqNo) that arrived
	// after the CSMS had acknowledged one.
	Duplicated int
	// Retried counts copies sent again after unanswered ones: the
	// at-least-once delivery OCPP asks for, not an anomaly.
	Retried int
	// NotIdentical counts seqNos delivered more than once whose copies
	// differ in more than offline: the same event number carrying
	// different content.
	NotIdentical int
	OutOfOrder   int
	AfterEnded   int
	// Unbalanced are the transactionIds without exactly one Started and
	// one Ended, in first-arrival order.
	Unbalanced []string
	Malformed  []error // payloads Add refused
}

// Summary reports the totals of what was added so far.
func (l *Ledger) Summary() Summary {
	s := Summary{Malformed: append([]error(nil), l.malformed...)}
	for _, t := range l.Transactions() {
		s.Transactions++
		s.Deliveries += len(t.Deliveries)
		s.Lost += len(t.Gaps)
		for _, d := range t.Duplicates {
			s.Duplicated += d.AfterAck
			s.Retried += d.Deliveries - 1 - d.AfterAck
			if !d.Identical {
				s.NotIdentical++
			}
		}
		s.OutOfOrder += len(t.OutOfOrder)
		s.AfterEnded += len(t.AfterEnded)
		if !t.Balanced() {
			s.Unbalanced = append(s.Unbalanced, t.ID)
		}
	}
	return s
}

// Clean reports no anomaly of any kind; retries are not one.
func (s Summary) Clean() bool {
	return s.Lost == 0 && s.Duplicated == 0 && s.NotIdentical == 0 && s.OutOfOrder == 0 && s.AfterEnded == 0 &&
		len(s.Unbalanced) == 0 && len(s.Malformed) == 0
}

// String is one line for a test failure or a closing note.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d transactions, %d deliveries: lost %d, duplicated %d, retried %d, not identical %d, out of order %d, after Ended %d, unbalanced %d",
		s.Transactions, s.Deliveries, s.Lost, s.Duplicated, s.Retried, s.NotIdentical, s.OutOfOrder, s.AfterEnded, len(s.Unbalanced))
	if len(s.Unbalanced) > 0 {
		fmt.Fprintf(&b, " %v", s.Unbalanced)
	}
	if len(s.Malformed) > 0 {
		fmt.Fprintf(&b, ", malformed %d (first: %v)", len(s.Malformed), s.Malformed[0])
	}
	return b.String()
}
