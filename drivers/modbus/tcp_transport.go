package modbus

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Modbus TCP frames (MBAP): transaction id, protocol id 0, length of what
// follows, unit id, then the PDU of at most 253 bytes.
const (
	mbapHeaderLen = 7
	tcpMaxADU     = mbapHeaderLen + 253
)

// roundTrip sends r to unit and reads until the frame that answers it.
//
// The transaction id is what ties a reply to its request on TCP. A frame
// with another id is a late or duplicated answer to an earlier request: it
// is counted and dropped, and reading goes on until the deadline, so it can
// neither fail nor corrupt this request. A frame with our id must then match
// the unit and the request itself (request.parse). A header that cannot be
// a Modbus frame means the stream is out of step; the caller closes it.
func (c *tcpConn) roundTrip(unit byte, r *request, timeout time.Duration) ([]uint16, error) {
	c.tid++
	pdu := r.pdu()
	frame := c.buf[:0]
	frame = binary.BigEndian.AppendUint16(frame, c.tid)
	frame = binary.BigEndian.AppendUint16(frame, 0)
	frame = binary.BigEndian.AppendUint16(frame, uint16(1+len(pdu)))
	frame = append(frame, unit)
	frame = append(frame, pdu...)
	if err := c.conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return nil, fmt.Errorf("set deadline on %s: %w", c.addr, err)
	}
	if _, err := c.conn.Write(frame); err != nil {
		return nil, fmt.Errorf("write to %s: %w", c.addr, err)
	}
	for {
		tid, runit, body, err := c.readFrame()
		if err != nil {
			return nil, err
		}
		if tid != c.tid {
			c.stats.add(func(s *Counters) { s.LateReplies++ })
			continue
		}
		if runit != unit {
			return nil, badResponse("reply from unit %d to a request for unit %d", runit, unit)
		}
		return r.parse(body)
	}
}

// readFrame reads one MBAP frame and returns its transaction id, unit id
// and PDU (which aliases c.buf). It reads through c.rd, which takes what
// the socket holds in one read: a whole frame, usually, instead of a read
// for the header and another for the PDU.
func (c *tcpConn) readFrame() (tid uint16, unit byte, pdu []byte, err error) {
	hdr := c.buf[:mbapHeaderLen]
	if _, err := io.ReadFull(c.rd, hdr); err != nil {
		return 0, 0, nil, fmt.Errorf("read from %s: %w", c.addr, err)
	}
	tid = binary.BigEndian.Uint16(hdr)
	proto, length := binary.BigEndian.Uint16(hdr[2:]), int(binary.BigEndian.Uint16(hdr[4:]))
	if proto != 0 || length < 2 || mbapHeaderLen-1+length > tcpMaxADU {
		return 0, 0, nil, badResponse("MBAP header % X: protocol id %d, length %d is not a Modbus frame", hdr, proto, length)
	}
	pdu = c.buf[mbapHeaderLen : mbapHeaderLen-1+length]
	if _, err := io.ReadFull(c.rd, pdu); err != nil {
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return 0, 0, nil, fmt.Errorf("read from %s: frame cut after %d bytes: %w", c.addr, mbapHeaderLen, err)
		}
		return 0, 0, nil, fmt.Errorf("read from %s: %w", c.addr, err)
	}
	return tid, hdr[6], pdu, nil
}
