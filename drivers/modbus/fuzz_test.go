package modbus

import (
	"testing"
)

// FuzzParseReply feeds arbitrary reply PDUs to the reply check of every
// request kind: it never panics, and what it accepts answers the request
// exactly (a read's values are exactly its count, a write's echo is the
// request's).
func FuzzParseReply(f *testing.F) {
	for _, seed := range [][]byte{{3, 4, 0, 1, 0x3E, 0x80}, {1, 2, 0x05, 0x01}, {0x83, 0x02}, {6, 0x13, 0x8C, 0x3E, 0x80},
		{0x0F, 0, 3, 0, 3}, {0x10, 0x41, 0x00, 0, 2}, {}, {3}, {3, 255}} {
		f.Add(seed)
	}
	fc15, _ := writeCoilsRequest(3, []bool{true, false, true})
	fc16, _ := writeRegistersRequest(0x4100, []uint16{0, 16000})
	reqs := []request{
		{fc: fcReadHolding, addr: 0x4010, count: 2}, {fc: fcReadInput, addr: 0, count: 125},
		{fc: fcReadCoils, addr: 0, count: 9}, {fc: fcReadDiscrete, addr: 7, count: 2000},
		{fc: fcWriteRegister, addr: 5004, count: 1, words: []uint16{16000}}, {fc: fcWriteCoil, addr: 1, count: 1, on: true},
		fc15, fc16,
	}
	f.Fuzz(func(t *testing.T, pdu []byte) {
		for _, r := range reqs {
			vals, err := r.parse(pdu)
			if err != nil {
				continue
			}
			if !r.isWrite() && len(vals) != int(r.count) {
				t.Fatalf("%v accepted %X as %d values, want %d", describeOp(r.fc, r.addr, r.count), pdu, len(vals), r.count)
			}
		}
	})
}
