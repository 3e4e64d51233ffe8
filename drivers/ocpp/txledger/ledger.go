package txledger

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Event types of a TransactionEventRequest.
const (
	Started = "Started"
	Updated = "Updated"
	Ended   = "Ended"
)

// Delivery is one TransactionEvent as it arrived.
type Delivery struct {
	Index     int // arrival position among every payload given to the Ledger, from 0
	SeqNo     int
	EventType string
	Offline   bool
	// Unanswered: the CSMS did not acknowledge this copy (a CALLERROR, no
	// answer, a broken answer, a dropped connection), so the station had
	// to send it again.
	Unanswered bool
	Raw        json.RawMessage // the payload as given
}

// Duplicate is a (transactionId, seqNo) delivered more than once.
type Duplicate struct {
	SeqNo      int
	Deliveries int // how many times it arrived, 2 or more
	// AfterAck counts the copies that arrived after a copy the CSMS had
	// acknowledged: true duplicates. The other extra copies are retries
	// of unanswered ones, which a station must send.
	AfterAck int
	// Identical is true when every copy has the bytes of the first once
	// compacted and stripped of the top-level "offline" member, the one
	// field a resend may change.
	Identical bool
}

// Tx is what the Ledger knows of one transaction.
type Tx struct {
	ID         string
	Deliveries []Delivery // every arrival, in order, duplicates included
	// Started and Ended count distinct seqNos with that eventType, so a
	// duplicated Started shows as a Duplicate, not as a second Started.
	Started, Ended int
	Duplicates     []Duplicate // by seqNo
	Gaps           []int       // seqNos missing between 0 and the highest seen
	// OutOfOrder are first deliveries of a seqNo lower than one delivered
	// before it.
	OutOfOrder []Delivery
	// AfterEnded are first deliveries of a seqNo that arrived after an
	// Ended event of the transaction had arrived.
	AfterEnded []Delivery
}

// Balanced reports exactly one Started and one Ended.
func (t *Tx) Balanced() bool { return t.Started == 1 && t.Ended == 1 }

// Ledger collects TransactionEvents in arrival order. The zero value is
// ready to use; it is not safe for concurrent use.
type Ledger struct {
	txs       map[string]*Tx
	order     []string // transactionIds by first arrival
	n         int
	malformed []error
}

// New returns a Ledger fed with payloads in order, as by Add (each one
// acknowledged); the ones Add refuses show in the Summary as Malformed.
func New(payloads []json.RawMessage) *Ledger {
	l := &Ledger{}
	for _, p := range payloads {
		_ = l.Add(p) // kept in l.malformed
	}
	return l
}

// payload is the part of a TransactionEventRequest the ledger reads.
type payload struct {
	EventType       *string `json:"eventType"`
	SeqNo           *int    `json:"seqNo"`
	Offline         bool    `json:"offline"`
	TransactionInfo *struct {
		TransactionID string `json:"transactionId"`
	} `json:"transactionInfo"`
}

// Add records one TransactionEventRequest payload, the next to arrive,
// which the CSMS acknowledged. A payload that is not a JSON object with
// eventType, seqNo and transactionInfo.transactionId is not counted in any
// transaction: Add returns why, and the Summary counts it as Malformed.
func (l *Ledger) Add(raw []byte) error { return l.add(raw, false) }

// AddUnanswered records a payload, the next to arrive, that the CSMS did
// not acknowledge: a copy of it that follows is a retry, not a duplicate.
func (l *Ledger) AddUnanswered(raw []byte) error { return l.add(raw, true) }

func (l *Ledger) add(raw []byte, unanswered bool) error {
	idx := l.n
	l.n++
	var p payload
	err := json.Unmarshal(raw, &p)
	switch {
	case err != nil:
	case p.EventType == nil:
		err = fmt.Errorf("no eventType")
	case p.SeqNo == nil:
		err = fmt.Errorf("no seqNo")
	case p.TransactionInfo == nil || p.TransactionInfo.TransactionID == "":
		err = fmt.Errorf("no transactionInfo.transactionId")
	}
	if err != nil {
		err = fmt.Errorf("txledger: TransactionEvent #%d: %w", idx, err)
		l.malformed = append(l.malformed, err)
		return err
	}
	if l.txs == nil {
		l.txs = map[string]*Tx{}
	}
	id := p.TransactionInfo.TransactionID
	t := l.txs[id]
	if t == nil {
		t = &Tx{ID: id}
		l.txs[id] = t
		l.order = append(l.order, id)
	}
	t.Deliveries = append(t.Deliveries, Delivery{Index: idx, SeqNo: *p.SeqNo, EventType: *p.EventType,
		Offline: p.Offline, Unanswered: unanswered, Raw: append(json.RawMessage(nil), raw...)})
	return nil
}

// Tx returns the report of one transaction, or nil when none of its events
// arrived.
func (l *Ledger) Tx(id string) *Tx {
	t := l.txs[id]
	if t == nil {
		return nil
	}
	r := analyse(t.ID, t.Deliveries)
	return &r
}

// Transactions returns the report of every transaction, by first arrival.
func (l *Ledger) Transactions() []Tx {
	out := make([]Tx, 0, len(l.order))
	for _, id := range l.order {
		out = append(out, *l.Tx(id))
	}
	return out
}

func analyse(id string, ds []Delivery) Tx {
	t := Tx{ID: id, Deliveries: ds}
	copies := map[int][]Delivery{}
	highest, ended := -1, false
	for _, d := range ds {
		prior := copies[d.SeqNo]
		copies[d.SeqNo] = append(prior, d)
		if len(prior) > 0 {
			continue
		}
		if d.SeqNo < highest {
			t.OutOfOrder = append(t.OutOfOrder, d)
		}
		if ended {
			t.AfterEnded = append(t.AfterEnded, d)
		}
		highest = max(highest, d.SeqNo)
		switch d.EventType {
		case Started:
			t.Started++
		case Ended:
			t.Ended++
			ended = true
		}
	}
	for seq := 0; seq < highest; seq++ {
		if copies[seq] == nil {
			t.Gaps = append(t.Gaps, seq)
		}
	}
	seqs := make([]int, 0, len(copies))
	for seq := range copies {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	for _, seq := range seqs {
		if c := copies[seq]; len(c) > 1 {
			t.Duplicates = append(t.Duplicates, Duplicate{SeqNo: seq, Deliveries: len(c), AfterAck: afterAck(c), Identical: identical(c)})
		}
	}
	return t
}

func afterAck(copies []Delivery) int {
	n, acked := 0, false
	for _, c := range copies {
		if acked {
			n++
		}
		acked = acked || !c.Unanswered
	}
	return n
}

// identical compares every copy with the first, offline aside. A copy that
// cannot be compared counts as different.
func identical(copies []Delivery) bool {
	first, err := withoutMember(copies[0].Raw, "offline")
	if err != nil {
		return false
	}
	for _, c := range copies[1:] {
		b, err := withoutMember(c.Raw, "offline")
		if err != nil || !bytes.Equal(first, b) {
			return false
		}
	}
	return true
}
