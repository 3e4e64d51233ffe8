package modbus

import (
	"sync"
	"time"
)

// Counters are the request outcomes of one connection or bus. Every request
// sent (each retry included) ends in exactly one of the outcome counters.
type Counters struct {
	Requests     uint64 // requests put on the wire
	OK           uint64 // answered with data or a write echo
	NoResponse   uint64 // timeouts, and 0x0A/0x0B from a gateway
	CRCErrors    uint64 // RTU frames with a bad checksum
	BadResponses uint64 // frames that do not answer the request
	ConnErrors   uint64 // TCP dial failures and broken connections
	Exceptions   map[ExceptionCode]uint64
	// BackedOff counts requests refused without being sent because the unit
	// was dead (RTU) or the address in back-off (TCP).
	BackedOff uint64
	// LateReplies counts frames that answered no request waiting for them:
	// on RTU, input discarded before a request or during the late-reply
	// guard; on TCP, replies carrying another transaction id. They are
	// dropped, never used, and are not request outcomes.
	LateReplies uint64
}

// counters is Counters behind a mutex; the Stats methods copy it out.
type counters struct {
	mu sync.Mutex
	c  Counters
}

func (s *counters) add(f func(c *Counters)) {
	s.mu.Lock()
	f(&s.c)
	s.mu.Unlock()
}

// outcome counts one sent request by how it ended.
func (s *counters) outcome(err error) {
	s.add(func(c *Counters) {
		c.Requests++
		if err == nil {
			c.OK++
			return
		}
		kind, code := classify(err)
		switch kind {
		case KindNoResponse:
			c.NoResponse++
		case KindException:
			if c.Exceptions == nil {
				c.Exceptions = map[ExceptionCode]uint64{}
			}
			c.Exceptions[code]++
		case KindCRC:
			c.CRCErrors++
		case KindConnection:
			c.ConnErrors++
		default:
			c.BadResponses++
		}
	})
}

func (s *counters) snapshot() Counters {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.c
	c.Exceptions = make(map[ExceptionCode]uint64, len(s.c.Exceptions))
	for k, v := range s.c.Exceptions {
		c.Exceptions[k] = v
	}
	return c
}

// ConnStats is a snapshot of one pooled Modbus TCP connection.
type ConnStats struct {
	Addr      string
	Refs      int // handles sharing the connection
	Connected bool
	Dials     uint64 // successful connects
	// RetryAt is when the next dial is allowed, zero when not backing off.
	RetryAt time.Time
	Counters
}

// BusStats is a snapshot of one RTU line.
type BusStats struct {
	Device       string
	Retries      uint64 // requests repeated after a timeout, CRC error, bad frame or busy
	Canceled     uint64 // jobs whose caller gave up before they reached the line
	QueuedPolls  int
	QueuedWrites int
	Units        map[byte]UnitStats
	Counters
}

// UnitStats is the arbiter's view of one unit on the line.
type UnitStats struct {
	OK     uint64 // requests that succeeded
	Failed uint64 // requests that failed after their retries
	// Silent is the number of exchanges in a row that went unanswered.
	Silent int
	// Dead is set once Silent reaches DeadUnitAfter, until the unit answers:
	// each poll then sends it one probe.
	Dead bool
	// BackedOffUntil is the earliest next probe of a dead unit when
	// DeadUnitBackoff spaces probes; zero otherwise.
	BackedOffUntil time.Time
	LastError      string
}
