package modbus

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"
)

// rtuTransport frames Modbus RTU on a serial line and matches every reply
// exactly to its request. It is the driver's own (goburrow's rtuSerial
// transporter cut exception frames short, checked only the unit id of a
// reply and never discarded a late one; see README).
//
// A late reply is the danger on a shared line: a unit that answers after the
// timeout puts a well-formed frame on the line while the master already
// waits for the next answer, and if that next request has the same unit,
// function and length, the late frame reads as valid data for the wrong
// registers. Three things prevent it here:
//   - input waiting on the line is discarded right before each request;
//   - a reply must match the request's unit, function, byte count or write
//     echo (request.parse), or it is rejected;
//   - after an attempt that went unanswered, no different request is sent
//     until guard has passed since that attempt; until then the line is
//     listened to and whatever arrives is discarded. A retry of the same
//     request may go at once: any answer to it answers the same question.
type rtuTransport struct {
	port   *serialPort
	device string
	t35    time.Duration // inter-frame silence
	guard  time.Duration // how long an unanswered request may still be answered
	stats  *counters
	lastIO time.Time
	// unanswered is the last request sent whose answer may still arrive,
	// sent at unansweredAt; nil when the line is known to be in step.
	unanswered   []byte
	unansweredAt time.Time
	buf          [rtuMaxADU]byte // the reply being read
	out          [rtuMaxADU]byte // the request being sent
}

const (
	rtuMaxADU = 256
	// quietSlice is the silence that ends a drain after a bad frame.
	quietSlice = 10 * time.Millisecond
)

// interFrameDelay is t3.5: 3.5 character times, fixed at 1.75 ms above
// 19200 baud as the serial line specification says.
func interFrameDelay(baud, bitsPerChar int) time.Duration {
	if baud > 19200 {
		return 1750 * time.Microsecond
	}
	return time.Duration(35*bitsPerChar) * time.Second / time.Duration(10*baud)
}

// exchange sends r to unit and returns the values of the reply that answers
// it, within timeout.
func (t *rtuTransport) exchange(unit byte, r *request, timeout time.Duration) ([]uint16, error) {
	adu := append(append(t.out[:0], unit), r.pdu()...)
	adu = append(adu, byte(CRC16(adu)), byte(CRC16(adu)>>8))
	t.waitOutLateReplies(adu)
	if gap := t.t35 - time.Since(t.lastIO); gap > 0 {
		time.Sleep(gap)
	}
	if t.discardWaiting() {
		t.countLate()
	}
	if _, err := t.port.write(adu); err != nil {
		t.lastIO = time.Now()
		return nil, &frameError{KindConnection, fmt.Errorf("write to %s: %w", t.device, err)}
	}
	sent := time.Now()
	pdu, err := t.readFrame(adu, sent.Add(timeout), timeout)
	var vals []uint16
	if err == nil {
		vals, err = r.parse(pdu)
	}
	if err != nil {
		// The rest of a bad frame, or a frame that was not ours, may still
		// be arriving.
		t.drain()
	}
	t.lastIO = time.Now()
	t.track(adu, sent, err)
	return vals, err
}

// track remembers whether an answer to adu may still be on its way.
func (t *rtuTransport) track(adu []byte, sent time.Time, err error) {
	switch kind, code := classify(err); {
	case err == nil || kind == KindException || kind == KindCRC || code != 0:
		if t.unanswered != nil {
			// A retry was answered, perhaps by the late answer to an
			// earlier try; its own answer may still come.
			t.unansweredAt = sent
		}
	case kind == KindNoResponse || kind == KindBadResponse:
		t.unanswered, t.unansweredAt = append(t.unanswered[:0], adu...), sent
	}
}

// waitOutLateReplies keeps listening, discarding what arrives, until an
// unanswered request other than adu can no longer be answered.
func (t *rtuTransport) waitOutLateReplies(adu []byte) {
	if t.unanswered == nil || bytes.Equal(adu, t.unanswered) {
		return
	}
	until := t.unansweredAt.Add(t.guard)
	t.unanswered = nil
	var junk [rtuMaxADU]byte
	last := time.Time{}
	for time.Now().Before(until) {
		n, err := t.port.read(junk[:], until)
		if n > 0 {
			// A new frame starts after t3.5 of silence.
			if now := time.Now(); now.Sub(last) > t.t35 {
				t.countLate()
			}
			last = time.Now()
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return
		}
	}
	t.lastIO = time.Now()
}

// discardWaiting empties the input; true if anything was there.
func (t *rtuTransport) discardWaiting() bool {
	var junk [rtuMaxADU]byte
	any := false
	for range 32 {
		n, err := t.port.readWaiting(junk[:])
		if n == 0 || err != nil {
			break
		}
		any = true
	}
	return any
}

func (t *rtuTransport) countLate() {
	if t.stats != nil {
		t.stats.add(func(c *Counters) { c.LateReplies++ })
	}
}

// readFrame reads one reply, learning its length from the header, and
// returns its PDU, which aliases t.buf. A frame from another unit or with a function other than
// the request's (or its exception) is refused as soon as its header shows it.
func (t *rtuTransport) readFrame(req []byte, deadline time.Time, timeout time.Duration) ([]byte, error) {
	b := t.buf[:]
	n, err := t.readTo(0, 2, deadline, timeout)
	if err != nil {
		return nil, err
	}
	if b[0] != req[0] {
		return nil, badResponse("reply from unit %d to a request for unit %d (a late answer?)", b[0], req[0])
	}
	var want int
	switch fc := b[1]; {
	case fc == req[1]|0x80:
		want = 5
	case fc != req[1]:
		return nil, badResponse("reply function 0x%02X to request function 0x%02X", fc, req[1])
	case fc == fcReadCoils, fc == fcReadDiscrete, fc == fcReadHolding, fc == fcReadInput:
		if n, err = t.readTo(n, 3, deadline, timeout); err != nil {
			return nil, err
		}
		want = 3 + int(b[2]) + 2
	default: // the writes echo address and value or quantity
		want = 8
	}
	if _, err = t.readTo(n, want, deadline, timeout); err != nil {
		return nil, err
	}
	frame := b[:want]
	got := uint16(frame[want-2]) | uint16(frame[want-1])<<8
	if sum := CRC16(frame[:want-2]); sum != got {
		return nil, &frameError{KindCRC, fmt.Errorf("frame % X carries CRC 0x%04X, computed 0x%04X", frame, got, sum)}
	}
	return frame[1 : want-2], nil
}

// readTo reads until t.buf holds want bytes or the deadline passes.
func (t *rtuTransport) readTo(n, want int, deadline time.Time, timeout time.Duration) (int, error) {
	for n < want {
		m, err := t.port.read(t.buf[n:want], deadline)
		n += m
		switch {
		case err == nil:
		case errors.Is(err, os.ErrDeadlineExceeded) && n == 0:
			return n, &frameError{KindNoResponse, fmt.Errorf("no reply within %v", timeout)}
		case errors.Is(err, os.ErrDeadlineExceeded):
			return n, badResponse("frame % X truncated: %d of %d bytes within %v", t.buf[:n], n, want, timeout)
		default:
			return n, &frameError{KindConnection, fmt.Errorf("read from %s: %w", t.device, err)}
		}
	}
	return n, nil
}

// drain discards input until the line has been quiet for quietSlice,
// bounded so a babbling device cannot hold the arbiter.
func (t *rtuTransport) drain() {
	var junk [rtuMaxADU]byte
	for range 32 {
		if n, err := t.port.read(junk[:], time.Now().Add(quietSlice)); n == 0 || err != nil {
			return
		}
	}
}

// CRC16 is the Modbus RTU CRC (polynomial 0xA001 reflected, init 0xFFFF),
// sent low byte first. The simulated RTU devices use it too.
func CRC16(b []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, x := range b {
		crc ^= uint16(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xA001
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}
