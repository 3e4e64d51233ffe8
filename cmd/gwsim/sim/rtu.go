package sim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// RTU function codes the simulated slave serves.
const (
	fcReadHolding   = 0x03
	fcReadInput     = 0x04
	fcWriteRegister = 0x06
	fcWriteMultiple = 0x10
)

// frameGap ends a partial frame: bytes followed by this much silence are
// dropped, so a corrupted length never swallows the next request. It is far
// above t3.5 because a pty delivers bytes in bursts, not at line speed.
const frameGap = 50 * time.Millisecond

// RTUStats counts what the simulated RTU slave saw.
type RTUStats struct {
	Requests, CRCErrors, Dropped, Unanswered uint64
}

// RTUBus is a Modbus RTU slave on a pseudo-terminal: a master opens Path as
// its serial line, and every unit added answers on it. Unknown units stay
// silent, as on a real RS-485 line; a bad CRC is dropped unanswered.
// Holding and input registers (FC03/FC04) read the same register image.
type RTUBus struct {
	Path string

	master, slave *os.File
	mu            sync.Mutex
	units         map[uint8]rtuUnit
	requests      atomic.Uint64
	crcErrors     atomic.Uint64
	dropped       atomic.Uint64
	unanswered    atomic.Uint64
	done          chan struct{}
}

type rtuUnit struct {
	m RegisterMap
	c *Charger
}

// ServeRTU creates a pty and serves the bus on it until Close.
func ServeRTU() (*RTUBus, error) {
	master, slave, path, err := openPTY()
	if err != nil {
		return nil, fmt.Errorf("modbus rtu: %w", err)
	}
	b := &RTUBus{Path: path, master: master, slave: slave, units: map[uint8]rtuUnit{}, done: make(chan struct{})}
	go b.serve()
	return b, nil
}

// Add makes m answer as its unit ids on the bus, with c's fault modes.
func (b *RTUBus) Add(m RegisterMap, c *Charger) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range m.Units() {
		if _, dup := b.units[u]; dup || u == 0 || u > 247 {
			return fmt.Errorf("modbus rtu %s: unit %d is taken or outside 1..247", b.Path, u)
		}
	}
	for _, u := range m.Units() {
		b.units[u] = rtuUnit{m, c}
	}
	return nil
}

// Stats returns the counters.
func (b *RTUBus) Stats() RTUStats {
	return RTUStats{Requests: b.requests.Load(), CRCErrors: b.crcErrors.Load(),
		Dropped: b.dropped.Load(), Unanswered: b.unanswered.Load()}
}

// Close stops serving and closes both ends of the pty.
func (b *RTUBus) Close() error {
	err := b.master.Close()
	<-b.done
	return errors.Join(err, b.slave.Close())
}

func (b *RTUBus) serve() {
	defer close(b.done)
	var buf []byte
	tmp := make([]byte, 512)
	for {
		if len(buf) > 0 {
			_ = b.master.SetReadDeadline(time.Now().Add(frameGap))
		} else {
			_ = b.master.SetReadDeadline(time.Time{})
		}
		n, err := b.master.Read(tmp)
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			b.dropped.Add(1) // an incomplete frame, then silence
			buf = nil
			continue
		case err != nil:
			return // closed
		}
		buf = b.consume(append(buf, tmp[:n]...))
	}
}

// consume answers every complete frame at the start of buf and returns
// what is left for the next read.
func (b *RTUBus) consume(buf []byte) []byte {
	for len(buf) >= 4 {
		n := requestLen(buf)
		switch {
		case n < 0:
			b.dropped.Add(1) // a function this slave cannot frame: resynchronise
			return nil
		case n == 0 || len(buf) < n:
			return buf
		}
		frame := buf[:n]
		buf = buf[n:]
		if modbus.CRC16(frame[:n-2]) != binary.LittleEndian.Uint16(frame[n-2:]) {
			b.crcErrors.Add(1)
			return nil // what follows a corrupted frame cannot be trusted either
		}
		b.requests.Add(1)
		if res := b.handle(frame[:n-2]); res != nil {
			res = binary.LittleEndian.AppendUint16(res, modbus.CRC16(res))
			if _, err := b.master.Write(res); err != nil {
				return nil
			}
		} else {
			b.unanswered.Add(1)
		}
	}
	return buf
}

// requestLen is the length of the request frame starting buf, CRC
// included; 0 when more bytes are needed to tell, -1 for an unknown
// function.
func requestLen(buf []byte) int {
	switch buf[1] {
	case 0x01, 0x02, fcReadHolding, fcReadInput, 0x05, fcWriteRegister:
		return 8
	case 0x0F, fcWriteMultiple:
		if len(buf) < 7 {
			return 0
		}
		return 9 + int(buf[6])
	}
	return -1
}
