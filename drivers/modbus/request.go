package modbus

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// request is one Modbus transaction, independent of transport. It encodes
// its own PDU and checks the reply PDU against itself, so that RTU and TCP
// accept exactly the same answers.
type request struct {
	fc    byte
	addr  uint16
	count uint16   // registers or bits read, words or coils written; 1 for single writes
	words []uint16 // FC16 payload, or the FC06 value in words[0]
	bits  []bool   // FC15 payload
	on    bool     // FC05 value
}

func readRequest(b Block) request {
	return request{fc: b.Function.readCode(), addr: b.Address, count: b.Count}
}

func writeRegistersRequest(addr uint16, words []uint16) (request, error) {
	r := request{fc: fcWriteRegisters, addr: addr, count: uint16(len(words)), words: words}
	return r, checkWriteSpan(addr, len(words), maxWriteWords, "words")
}

func writeCoilsRequest(addr uint16, values []bool) (request, error) {
	r := request{fc: fcWriteCoils, addr: addr, count: uint16(len(values)), bits: values}
	return r, checkWriteSpan(addr, len(values), maxWriteBits, "coils")
}

func checkWriteSpan(addr uint16, n, max int, what string) error {
	switch {
	case n < 1 || n > max:
		return fmt.Errorf("%d %s outside 1..%d", n, what, max)
	case int(addr)+n > 0x10000:
		return fmt.Errorf("address 0x%04X + %d %s runs past 0xFFFF", addr, n, what)
	}
	return nil
}

// pdu encodes the request's function code and data.
func (r *request) pdu() []byte {
	b := []byte{r.fc, byte(r.addr >> 8), byte(r.addr)}
	switch r.fc {
	case fcWriteCoil:
		v := uint16(0x0000)
		if r.on {
			v = 0xFF00
		}
		return binary.BigEndian.AppendUint16(b, v)
	case fcWriteRegister:
		return binary.BigEndian.AppendUint16(b, r.words[0])
	case fcWriteRegisters:
		b = binary.BigEndian.AppendUint16(b, r.count)
		b = append(b, byte(2*len(r.words)))
		for _, w := range r.words {
			b = binary.BigEndian.AppendUint16(b, w)
		}
		return b
	case fcWriteCoils:
		b = binary.BigEndian.AppendUint16(b, r.count)
		packed := make([]byte, (len(r.bits)+7)/8)
		for i, on := range r.bits {
			if on {
				packed[i/8] |= 1 << (i % 8)
			}
		}
		b = append(b, byte(len(packed)))
		return append(b, packed...)
	}
	return binary.BigEndian.AppendUint16(b, r.count) // the reads
}

// echo is the data a write reply must repeat: address and value or quantity.
func (r *request) echo() []byte {
	return r.pdu()[1:5]
}

// isWrite reports whether the reply is an echo rather than data.
func (r *request) isWrite() bool {
	return r.fc == fcWriteCoil || r.fc == fcWriteRegister || r.fc == fcWriteRegisters || r.fc == fcWriteCoils
}

// dataLen is the byte count a read reply must carry.
func (r *request) dataLen() int {
	if r.fc == fcReadCoils || r.fc == fcReadDiscrete {
		return (int(r.count) + 7) / 8
	}
	return 2 * int(r.count)
}

// parse checks a reply PDU against the request and decodes it. A reply to
// another question (another function, byte count, address or value) is a
// bad response, never data: that is what keeps a late answer to an earlier
// request from being taken for this one.
func (r *request) parse(pdu []byte) ([]uint16, error) {
	if len(pdu) == 0 {
		return nil, badResponse("empty reply")
	}
	switch fc := pdu[0]; {
	case fc == r.fc|0x80:
		if len(pdu) != 2 {
			return nil, badResponse("exception reply of %d bytes, want 2", len(pdu))
		}
		return nil, &exceptionError{fc: r.fc, code: ExceptionCode(pdu[1])}
	case fc != r.fc:
		return nil, badResponse("reply function 0x%02X to request function 0x%02X", fc, r.fc)
	}
	if r.isWrite() {
		if len(pdu) != 5 {
			return nil, badResponse("write reply of %d bytes, want 5", len(pdu))
		}
		if want := r.echo(); string(pdu[1:5]) != string(want) {
			return nil, badResponse("write reply echoes % X, want % X", pdu[1:5], want)
		}
		return nil, nil
	}
	want, unit := r.dataLen(), "registers"
	if r.fc == fcReadCoils || r.fc == fcReadDiscrete {
		unit = "bits"
	}
	if len(pdu) < 2 || int(pdu[1]) != want || len(pdu) != 2+want {
		return nil, badResponse("reply of %d bytes does not carry the %d data bytes of %d %s", len(pdu), want, r.count, unit)
	}
	if r.fc == fcReadCoils || r.fc == fcReadDiscrete {
		return decodeBits(pdu[2:], r.count), nil
	}
	return decodeWords(pdu[2:], r.count), nil
}

func badResponse(format string, args ...any) error {
	return &frameError{KindBadResponse, fmt.Errorf(format, args...)}
}

func decodeWords(b []byte, count uint16) []uint16 {
	words := make([]uint16, count)
	for i := range words {
		words[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return words
}

// decodeBits unpacks coils LSB first, one word (0 or 1) per bit.
func decodeBits(b []byte, count uint16) []uint16 {
	bits := make([]uint16, count)
	for i := range bits {
		bits[i] = uint16(b[i/8]>>(uint(i)%8)) & 1
	}
	return bits
}

// newError builds the *Error for a failed request.
func newError(device string, unit byte, r request, err error, attempts int) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	kind, code := classify(err)
	return &Error{Device: device, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count,
		Kind: kind, Exception: code, Attempts: attempts, Err: err}
}

// invalid reports a request refused before it was sent.
func invalid(device string, unit byte, r request, err error) *Error {
	return &Error{Device: device, Unit: unit, Function: r.fc, Address: r.addr, Count: r.count, Kind: KindInvalid, Err: err}
}

// firstErr returns the first block failure, so callers can act on one error.
func firstErr(results []Result) error {
	for _, r := range results {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}
