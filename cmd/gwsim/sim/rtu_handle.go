package sim

import (
	"encoding/binary"
	"errors"
)

// handle answers one request PDU (unit, function, data; CRC stripped), or
// returns nil for silence: unknown units, broadcasts, silent devices.
func (b *RTUBus) handle(req []byte) []byte {
	unit, fc := req[0], req[1]
	if unit == 0 {
		b.broadcast(req)
		return nil
	}
	b.mu.Lock()
	u, ok := b.units[unit]
	b.mu.Unlock()
	if !ok {
		return nil
	}
	switch u.c.Snapshot().Fault {
	case FaultSilent:
		return nil
	case FaultException:
		return exceptionFrame(unit, fc, 0x06)
	}
	res, err := serveRequest(u.m, req)
	if err != nil {
		if errors.Is(err, ErrUnknownUnit) {
			return nil
		}
		return exceptionFrame(unit, fc, exceptionCode(err))
	}
	return res
}

// broadcast runs a write to unit 0 on every unit; broadcasts get no answer.
func (b *RTUBus) broadcast(req []byte) {
	if req[1] != fcWriteRegister && req[1] != fcWriteMultiple {
		return
	}
	b.mu.Lock()
	units := make(map[uint8]rtuUnit, len(b.units))
	for k, v := range b.units {
		units[k] = v
	}
	b.mu.Unlock()
	for k, u := range units {
		r := append([]byte{k}, req[1:]...)
		_, _ = serveRequest(u.m, r)
	}
}

// serveRequest runs FC03/04/06/16 on m and builds the response PDU.
func serveRequest(m RegisterMap, req []byte) ([]byte, error) {
	unit, fc := req[0], req[1]
	addr := binary.BigEndian.Uint16(req[2:])
	qty := binary.BigEndian.Uint16(req[4:])
	switch fc {
	case fcReadHolding, fcReadInput:
		if qty < 1 || qty > 125 {
			return nil, ErrIllegalValue
		}
		v, err := m.Read(unit, addr, qty)
		if err != nil {
			return nil, err
		}
		res := []byte{unit, fc, byte(2 * len(v))}
		for _, w := range v {
			res = binary.BigEndian.AppendUint16(res, w)
		}
		return res, nil
	case fcWriteRegister:
		if err := m.Write(unit, addr, []uint16{qty}); err != nil {
			return nil, err
		}
		return append([]byte(nil), req[:6]...), nil
	case fcWriteMultiple:
		data := req[7:]
		if qty < 1 || qty > 123 || len(data) != 2*int(qty) || int(req[6]) != len(data) {
			return nil, ErrIllegalValue
		}
		words := make([]uint16, qty)
		for i := range words {
			words[i] = binary.BigEndian.Uint16(data[2*i:])
		}
		if err := m.Write(unit, addr, words); err != nil {
			return nil, err
		}
		return append([]byte(nil), req[:6]...), nil
	}
	return nil, ErrIllegalFunction
}

func exceptionFrame(unit, fc, code byte) []byte { return []byte{unit, fc | 0x80, code} }

// exceptionCode is the Modbus exception a register-map error answers.
func exceptionCode(err error) byte {
	switch {
	case errors.Is(err, ErrIllegalFunction):
		return 0x01
	case errors.Is(err, ErrIllegalAddress):
		return 0x02
	case errors.Is(err, ErrBusy):
		return 0x06
	}
	return 0x03 // ErrIllegalValue and a setpoint out of range
}
