package modbus

import (
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/goburrow/serial"
)

// responder is the tests' own fault injector: a Modbus RTU slave on one end
// of a pty pair that answers per unit as told (normally, silently, with a
// bad CRC, with an exception) and records every request in arrival order.
type responder struct {
	port serial.Port
	mu   sync.Mutex
	unit map[byte]*respUnit
	log  []seen
	stop chan struct{}
	done chan struct{}
	// arrived receives the unit of each request held by a gate.
	arrived chan byte
}

type respUnit struct {
	silent    bool
	exception byte          // answer every request with this exception
	busy      int           // answer this many requests with 0x06 first
	badCRC    int           // corrupt the CRC of this many replies
	delay     time.Duration // answer this late
	stale     []byte        // sent once just before the next reply, as a late answer would be
	split     bool          // write replies in two parts: 4 bytes, a pause, the rest
	gate      chan struct{} // answer once closed
	regs      [100]uint16   // holding and input
	coils     [100]bool     // coils and discrete inputs
}

type seen struct {
	unit, fc byte
	addr     uint16
}

func startResponder(t testing.TB, path string, units ...byte) *responder {
	t.Helper()
	port, err := serial.Open(&serial.Config{Address: path, BaudRate: 115200, Parity: "N", StopBits: 1, Timeout: 5 * time.Millisecond})
	if err != nil {
		t.Fatalf("responder open %s: %v", path, err)
	}
	r := &responder{port: port, unit: map[byte]*respUnit{}, stop: make(chan struct{}), done: make(chan struct{}), arrived: make(chan byte, 16)}
	for _, u := range units {
		ru := &respUnit{}
		for i := range ru.regs {
			ru.regs[i] = uint16(u)*1000 + uint16(i)
		}
		r.unit[u] = ru
	}
	go r.loop()
	t.Cleanup(func() {
		close(r.stop)
		<-r.done
		_ = port.Close()
	})
	return r
}

// set changes a unit's behaviour under the lock.
func (r *responder) set(u byte, f func(*respUnit)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r.unit[u])
}

// count is how many requests for unit u arrived.
func (r *responder) count(u byte) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.log {
		if s.unit == u {
			n++
		}
	}
	return n
}

// settled is the number of requests for unit u once the responder has
// read every request sent so far: a silent unit's request is counted when
// the responder reads it, which may be after the bus gave up waiting.
// It waits until the count reaches want (at most a few seconds) and
// returns the count, so a test still sees a count above or below it.
func (r *responder) settled(t testing.TB, u byte, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.count(u) < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	return r.count(u)
}

func (r *responder) seen() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.log...)
}

func (r *responder) loop() {
	defer close(r.done)
	var buf []byte
	chunk := make([]byte, 256)
	for {
		select {
		case <-r.stop:
			return
		default:
		}
		n, err := r.port.Read(chunk)
		if err != nil && !errors.Is(err, serial.ErrTimeout) {
			return
		}
		buf = append(buf, chunk[:n]...)
		for {
			size := requestSize(buf)
			if size == 0 || len(buf) < size {
				break
			}
			frame := buf[:size]
			buf = buf[size:]
			if CRC16(frame[:size-2]) != binary.LittleEndian.Uint16(frame[size-2:]) {
				buf = nil // resynchronise as a slave would: drop the line
				break
			}
			r.handle(frame)
		}
		if len(buf) > 512 {
			buf = nil
		}
	}
}

// requestSize is the length of the request at the start of b, 0 if unknown yet.
func requestSize(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case 0x0F, 0x10:
		if len(b) < 7 {
			return 0
		}
		return 7 + int(b[6]) + 2
	}
	return 8
}

func (r *responder) handle(req []byte) {
	unit, fc, addr := req[0], req[1], binary.BigEndian.Uint16(req[2:])
	r.mu.Lock()
	r.log = append(r.log, seen{unit, fc, addr})
	u := r.unit[unit]
	var gate chan struct{}
	var delay time.Duration
	var split bool
	if u != nil {
		gate, delay, split = u.gate, u.delay, u.split
	}
	r.mu.Unlock()
	if u == nil {
		return
	}
	if gate != nil {
		r.arrived <- unit
		select {
		case <-gate:
		case <-r.stop:
			return
		}
	}
	time.Sleep(delay)
	r.mu.Lock()
	reply := r.reply(u, req)
	r.mu.Unlock()
	if split && len(reply) > 4 {
		_, _ = r.port.Write(reply[:4])
		time.Sleep(20 * time.Millisecond)
		reply = reply[4:]
	}
	if reply != nil {
		_, _ = r.port.Write(reply)
	}
}

// reply builds the answer to req by u's behaviour; r.mu is held.
func (r *responder) reply(u *respUnit, req []byte) []byte {
	unit, fc := req[0], req[1]
	addr, qty := int(binary.BigEndian.Uint16(req[2:])), int(binary.BigEndian.Uint16(req[4:]))
	var pdu []byte
	switch {
	case u.silent:
		return nil
	case u.exception != 0:
		pdu = []byte{fc | 0x80, u.exception}
	case u.busy > 0:
		u.busy--
		pdu = []byte{fc | 0x80, 0x06}
	default:
		pdu = u.serve(fc, addr, qty, req)
	}
	adu := append([]byte{unit}, pdu...)
	sum := CRC16(adu)
	if u.badCRC > 0 {
		u.badCRC--
		sum ^= 0x5A5A
	}
	out := append(u.stale, binary.LittleEndian.AppendUint16(adu, sum)...)
	u.stale = nil
	return out
}

func (u *respUnit) serve(fc byte, addr, qty int, req []byte) []byte {
	bits := fc == 0x01 || fc == 0x02
	span := qty
	if fc == 0x05 || fc == 0x06 {
		span = 1
	}
	if addr+span > len(u.regs) {
		return []byte{fc | 0x80, 0x02}
	}
	switch {
	case fc == 0x03 || fc == 0x04:
		out := []byte{fc, byte(2 * qty)}
		for i := range qty {
			out = binary.BigEndian.AppendUint16(out, u.regs[addr+i])
		}
		return out
	case bits:
		out := append([]byte{fc, byte((qty + 7) / 8)}, make([]byte, (qty+7)/8)...)
		for i := range qty {
			if u.coils[addr+i] {
				out[2+i/8] |= 1 << (i % 8)
			}
		}
		return out
	case fc == 0x05:
		u.coils[addr] = req[4] == 0xFF
	case fc == 0x06:
		u.regs[addr] = uint16(qty)
	case fc == 0x10:
		for i := range qty {
			u.regs[addr+i] = binary.BigEndian.Uint16(req[7+2*i:])
		}
	default:
		return []byte{fc | 0x80, 0x01}
	}
	return append([]byte(nil), req[1:6]...) // writes echo function, address, value/quantity
}
