package modbus

import (
	"encoding/binary"
	"errors"
	"fmt"

	gmodbus "github.com/goburrow/modbus"
)

// request is one Modbus transaction, independent of transport.
type request struct {
	fc    byte
	addr  uint16
	count uint16   // registers or bits read, words written; 1 for single writes
	words []uint16 // FC16 payload, or the FC06 value in words[0]
	on    bool     // FC05 value
}

func readRequest(b Block) request {
	return request{fc: b.Function.readCode(), addr: b.Address, count: b.Count}
}

func writeRegistersRequest(addr uint16, words []uint16) (request, error) {
	r := request{fc: fcWriteRegisters, addr: addr, count: uint16(len(words)), words: words}
	switch {
	case len(words) < 1 || len(words) > maxWriteWords:
		return r, fmt.Errorf("%d words outside 1..%d", len(words), maxWriteWords)
	case int(addr)+len(words) > 0x10000:
		return r, fmt.Errorf("address 0x%04X + %d words runs past 0xFFFF", addr, len(words))
	}
	return r, nil
}

// do runs the request on a goburrow client and decodes what came back.
// Values are checked against the request, since goburrow checks only the
// byte-count field against the frame, not against what was asked for.
func (r *request) do(c gmodbus.Client) ([]uint16, error) {
	var b []byte
	var err error
	switch r.fc {
	case fcReadHolding:
		b, err = c.ReadHoldingRegisters(r.addr, r.count)
	case fcReadInput:
		b, err = c.ReadInputRegisters(r.addr, r.count)
	case fcReadCoils:
		b, err = c.ReadCoils(r.addr, r.count)
	case fcReadDiscrete:
		b, err = c.ReadDiscreteInputs(r.addr, r.count)
	case fcWriteRegisters:
		_, err = c.WriteMultipleRegisters(r.addr, r.count, encodeWords(r.words))
		return nil, err
	case fcWriteRegister:
		_, err = c.WriteSingleRegister(r.addr, r.words[0])
		return nil, err
	case fcWriteCoil:
		v := uint16(0x0000)
		if r.on {
			v = 0xFF00
		}
		_, err = c.WriteSingleCoil(r.addr, v)
		return nil, err
	default:
		return nil, fmt.Errorf("function 0x%02X is not sent by this driver", r.fc)
	}
	if err != nil {
		return nil, err
	}
	if r.fc == fcReadCoils || r.fc == fcReadDiscrete {
		return decodeBits(b, r.count)
	}
	return decodeWords(b, r.count)
}

func encodeWords(words []uint16) []byte {
	b := make([]byte, 2*len(words))
	for i, w := range words {
		binary.BigEndian.PutUint16(b[2*i:], w)
	}
	return b
}

func decodeWords(b []byte, count uint16) ([]uint16, error) {
	if len(b) != 2*int(count) {
		return nil, &frameError{KindBadResponse, fmt.Errorf("response carries %d data bytes, want %d for %d registers", len(b), 2*int(count), count)}
	}
	words := make([]uint16, count)
	for i := range words {
		words[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return words, nil
}

// decodeBits unpacks coils LSB first, one word (0 or 1) per bit.
func decodeBits(b []byte, count uint16) ([]uint16, error) {
	want := (int(count) + 7) / 8
	if len(b) != want {
		return nil, &frameError{KindBadResponse, fmt.Errorf("response carries %d data bytes, want %d for %d bits", len(b), want, count)}
	}
	bits := make([]uint16, count)
	for i := range bits {
		bits[i] = uint16(b[i/8]>>(uint(i)%8)) & 1
	}
	return bits, nil
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
