package modbus

import (
	"context"
	"fmt"
)

// Device is what a controller needs from a Modbus line or connection. Both
// the TCP connection handle and the RTU Arbiter implement it; unit selects the
// slave behind the address or on the line.
type Device interface {
	// ReadBlocks reads each block with one request. The results are in block
	// order, one per block, each with its own Err; the returned error is the
	// first block failure, nil when every block was read.
	ReadBlocks(ctx context.Context, unit byte, blocks []Block) ([]Result, error)
	// WriteRegisters writes words starting at addr with FC16, even for a
	// single word (chargers such as Webasto accept only FC16).
	WriteRegisters(ctx context.Context, unit byte, addr uint16, words []uint16) error
	// WriteRegister writes one word with FC06 (chargers such as KEBA accept
	// only FC06).
	WriteRegister(ctx context.Context, unit byte, addr uint16, word uint16) error
	// WriteCoil sets one coil with FC05.
	WriteCoil(ctx context.Context, unit byte, addr uint16, on bool) error
	// WriteCoils sets consecutive coils starting at addr with FC15.
	WriteCoils(ctx context.Context, unit byte, addr uint16, values []bool) error
}

// Function is the register table a block is read from.
type Function uint8

// The four readable tables; the zero value is Holding, the template default.
const (
	Holding Function = iota
	Input
	Coil
	Discrete
)

var functionNames = [...]string{"holding", "input", "coil", "discrete"}

func (f Function) String() string {
	if int(f) < len(functionNames) {
		return functionNames[f]
	}
	return fmt.Sprintf("function(%d)", uint8(f))
}

// ParseFunction reads a template's function name; empty means holding.
func ParseFunction(s string) (Function, error) {
	if s == "" {
		return Holding, nil
	}
	for i, n := range functionNames {
		if n == s {
			return Function(i), nil
		}
	}
	return 0, fmt.Errorf("modbus: function %q is not one of holding, input, coil, discrete", s)
}

// readCode is the Modbus function code that reads the table.
func (f Function) readCode() byte {
	switch f {
	case Input:
		return fcReadInput
	case Coil:
		return fcReadCoils
	case Discrete:
		return fcReadDiscrete
	default:
		return fcReadHolding
	}
}

// isBits reports whether the table holds single bits rather than words.
func (f Function) isBits() bool { return f == Coil || f == Discrete }

// Block is one contiguous read, the unit of a template's ModbusBlock.
type Block struct {
	Name     string
	Function Function
	// Address is the 0-based PDU address.
	Address uint16
	// Count is 1..125 registers or 1..2000 coils or discrete inputs.
	Count uint16
}

// Result is the outcome of reading one block. Values holds one word per
// register, or one word per bit (0 or 1) for coils and discrete inputs, so
// that templates see every table the same way.
type Result struct {
	Block  Block
	Values []uint16
	Err    error
}

// Modbus function codes the driver sends.
const (
	fcReadCoils      byte = 0x01
	fcReadDiscrete   byte = 0x02
	fcReadHolding    byte = 0x03
	fcReadInput      byte = 0x04
	fcWriteCoil      byte = 0x05
	fcWriteRegister  byte = 0x06
	fcWriteCoils     byte = 0x0F
	fcWriteRegisters byte = 0x10
)

// Limits from the Modbus application protocol (PDU at most 253 bytes).
const (
	maxReadWords  = 125
	maxReadBits   = 2000
	maxWriteWords = 123
	maxWriteBits  = 1968
)

// checkBlock rejects a block the protocol cannot carry before it costs bus time.
func checkBlock(b Block) error {
	max := uint16(maxReadWords)
	if b.Function.isBits() {
		max = maxReadBits
	}
	if b.Function > Discrete {
		return fmt.Errorf("block %q: unknown %v", b.Name, b.Function)
	}
	if b.Count < 1 || b.Count > max {
		return fmt.Errorf("block %q: count %d outside 1..%d for %v", b.Name, b.Count, max, b.Function)
	}
	if int(b.Address)+int(b.Count) > 0x10000 {
		return fmt.Errorf("block %q: address 0x%04X + count %d runs past 0xFFFF", b.Name, b.Address, b.Count)
	}
	return nil
}
