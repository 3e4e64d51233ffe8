package modbus

import (
	"errors"
	"fmt"
	"time"

	"github.com/goburrow/serial"
)

// rtuTransport frames Modbus RTU on a serial port. It replaces goburrow's
// rtuSerialTransporter (goburrow's packager still encodes requests and its
// client still decodes PDUs and exceptions), because in goburrow v0.1.0:
//   - exception replies are recognised by `request function & 0x80`, which
//     is always 0, so a 5-byte exception frame is cut to whatever the first
//     read returned (at least 4 bytes): unless all 5 had arrived it fails as
//     a CRC error and leaves a stray byte that corrupts the next reply;
//   - nothing is flushed after a timeout or bad frame, so a late answer is
//     taken as the reply to the next request (only the unit id is checked);
//   - a bad CRC is an untyped fmt error, and the timeout is per read call,
//     not per frame.
//
// Here the expected length is derived from the reply header as it arrives,
// the frame's unit, function and CRC are checked, the line is drained after
// any failure, and t3.5 of silence is kept between frames.
type rtuTransport struct {
	port    serial.Port
	device  string
	t35     time.Duration // inter-frame silence
	timeout time.Duration // per attempt; set by the arbiter before each request
	lastIO  time.Time
	buf     [rtuMaxADU]byte
}

const (
	rtuMaxADU = 256
	// readSlice is the serial read timeout: the granularity at which a
	// frame deadline is checked and the silence that ends a drain.
	readSlice = 10 * time.Millisecond
)

// interFrameDelay is t3.5: 3.5 character times, fixed at 1.75 ms above
// 19200 baud as the serial line specification says.
func interFrameDelay(baud, bitsPerChar int) time.Duration {
	if baud > 19200 {
		return 1750 * time.Microsecond
	}
	return time.Duration(35*bitsPerChar) * time.Second / time.Duration(10*baud)
}

// Send implements goburrow's Transporter.
func (t *rtuTransport) Send(req []byte) ([]byte, error) {
	if gap := t.t35 - time.Since(t.lastIO); gap > 0 {
		time.Sleep(gap)
	}
	if _, err := t.port.Write(req); err != nil {
		t.lastIO = time.Now()
		return nil, &frameError{KindConnection, fmt.Errorf("write to %s: %w", t.device, err)}
	}
	resp, err := t.readFrame(req, time.Now().Add(t.timeout))
	if err != nil {
		// Whatever is still arriving belongs to no request we will make.
		t.drain()
	}
	t.lastIO = time.Now()
	return resp, err
}

// readFrame reads one reply, learning its length from the header.
func (t *rtuTransport) readFrame(req []byte, deadline time.Time) ([]byte, error) {
	b := t.buf[:]
	n, err := t.readTo(0, 2, deadline)
	if err != nil {
		return nil, err
	}
	if b[0] != req[0] {
		return nil, &frameError{KindBadResponse, fmt.Errorf("reply from unit %d to a request for unit %d (a late answer?)", b[0], req[0])}
	}
	var want int
	switch fc := b[1]; {
	case fc == req[1]|0x80:
		want = 5
	case fc != req[1]:
		return nil, &frameError{KindBadResponse, fmt.Errorf("reply function 0x%02X to request function 0x%02X", fc, req[1])}
	case fc == fcReadCoils, fc == fcReadDiscrete, fc == fcReadHolding, fc == fcReadInput:
		if n, err = t.readTo(n, 3, deadline); err != nil {
			return nil, err
		}
		want = 3 + int(b[2]) + 2
	default: // the writes echo address and value or quantity
		want = 8
	}
	if _, err = t.readTo(n, want, deadline); err != nil {
		return nil, err
	}
	frame := b[:want]
	got := uint16(frame[want-2]) | uint16(frame[want-1])<<8
	if sum := CRC16(frame[:want-2]); sum != got {
		return nil, &frameError{KindCRC, fmt.Errorf("frame % X carries CRC 0x%04X, computed 0x%04X", frame, got, sum)}
	}
	return append([]byte(nil), frame...), nil
}

// readTo reads until t.buf holds want bytes or the deadline passes.
func (t *rtuTransport) readTo(n, want int, deadline time.Time) (int, error) {
	for n < want {
		if time.Now().After(deadline) {
			if n == 0 {
				return n, &frameError{KindNoResponse, fmt.Errorf("no reply within %v", t.timeout)}
			}
			return n, &frameError{KindBadResponse, fmt.Errorf("frame % X truncated: %d of %d bytes within %v", t.buf[:n], n, want, t.timeout)}
		}
		m, err := t.port.Read(t.buf[n:want])
		n += m
		if err != nil && !errors.Is(err, serial.ErrTimeout) {
			return n, &frameError{KindConnection, fmt.Errorf("read from %s: %w", t.device, err)}
		}
	}
	return n, nil
}

// drain discards input until the line has been quiet for one read slice,
// bounded so a babbling device cannot hold the arbiter.
func (t *rtuTransport) drain() {
	var junk [rtuMaxADU]byte
	for i := 0; i < 32; i++ {
		if n, err := t.port.Read(junk[:]); n == 0 || err != nil {
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
