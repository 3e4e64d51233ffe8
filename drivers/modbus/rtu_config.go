package modbus

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// BusConfig is one RS-485 line (a Bus resource's spec, converted by the
// controller). Zero values take the Bus defaults except Retries, where 0
// means no retries.
type BusConfig struct {
	Device   string // serial device path, e.g. /dev/ttyUSB0
	BaudRate int    // 9600, 19200, 38400, 57600 or 115200; default 9600
	Parity   string // none, even or odd (or N, E, O); default even
	StopBits int    // 1 or 2; default 1
	// Timeout bounds each attempt, from the end of the request to the last
	// byte of the reply. Default 500ms.
	Timeout time.Duration
	// Retries is how often a request is repeated after a timeout, a CRC
	// error, a bad frame or exception 0x06 (busy). Other exceptions and
	// 0x0B are answers and are not repeated.
	Retries int
	// DeadUnitAfter is how many consecutive exchanges (each with its
	// retries) must go unanswered before the unit counts as dead. Default 3.
	DeadUnitAfter int
	// DeadUnitBackoff is the least time between two probes of a dead unit.
	// Default 0: every poll of a dead unit sends one probe, so a unit that
	// answers again is back within one poll interval.
	DeadUnitBackoff time.Duration
	// LateReplyGuard is how long after an unanswered request its answer may
	// still arrive. Until it has passed, no other request is sent: the line
	// is listened to and whatever arrives is discarded, so that a late
	// answer cannot be read as the answer to the next request (for the same
	// unit, function and length it would be indistinguishable). Default
	// 2×Timeout: a unit that misses the timeout by more than the timeout
	// again is treated as gone; its even later answer is still refused when
	// it does not match the request then on the line.
	LateReplyGuard time.Duration
	// PollBudget caps requests per second on the line; 0 = no cap.
	PollBudget float64
	// QueueLen bounds each of the two queues (writes, polls). Default 256.
	QueueLen int
}

// baudRates are the line speeds the Bus resource allows.
var baudRates = []int{9600, 19200, 38400, 57600, 115200}

// normalize fills defaults and rejects what the line cannot do. It returns
// goburrow/serial's one-letter parity.
func (c *BusConfig) normalize() (string, error) {
	if c.Device == "" {
		return "", errors.New("modbus: bus config: device is empty")
	}
	if c.BaudRate == 0 {
		c.BaudRate = 9600
	}
	if c.StopBits == 0 {
		c.StopBits = 1
	}
	if c.Timeout == 0 {
		c.Timeout = 500 * time.Millisecond
	}
	if c.DeadUnitAfter == 0 {
		c.DeadUnitAfter = 3
	}
	if c.LateReplyGuard == 0 {
		c.LateReplyGuard = 2 * c.Timeout
	}
	if c.QueueLen == 0 {
		c.QueueLen = 256
	}
	var errs []error
	if !slices.Contains(baudRates, c.BaudRate) {
		errs = append(errs, fmt.Errorf("baud rate %d is not one of %v", c.BaudRate, baudRates))
	}
	parity, ok := map[string]string{"": "E", "even": "E", "E": "E", "none": "N", "N": "N", "odd": "O", "O": "O"}[c.Parity]
	if !ok {
		errs = append(errs, fmt.Errorf("parity %q is not none, even or odd", c.Parity))
	}
	if c.StopBits != 1 && c.StopBits != 2 {
		errs = append(errs, fmt.Errorf("stop bits %d is not 1 or 2", c.StopBits))
	}
	if c.Timeout < 0 || c.Retries < 0 || c.DeadUnitAfter < 0 || c.DeadUnitBackoff < 0 || c.LateReplyGuard < 0 || c.PollBudget < 0 || c.QueueLen < 0 {
		errs = append(errs, errors.New("timeout, retries, deadUnitAfter, deadUnitBackoff, lateReplyGuard, pollBudget and queueLen must not be negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return "", fmt.Errorf("modbus: bus config %s: %w", c.Device, err)
	}
	return parity, nil
}

// bitsPerChar is start + 8 data + parity + stop bits.
func bitsPerChar(parity string, stopBits int) int {
	n := 1 + 8 + stopBits
	if parity != "N" {
		n++
	}
	return n
}
