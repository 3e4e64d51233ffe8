package modbus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gmodbus "github.com/goburrow/modbus"
	"github.com/goburrow/serial"
)

func TestErrorKindsAndMessages(t *testing.T) {
	until := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		err      *Error
		sentinel error
		want     string
	}{
		{"timeout", newError("/dev/ttyUSB0", 3, request{fc: fcReadHolding, addr: 0x10, count: 4}, &frameError{KindNoResponse, errors.New("no reply within 500ms")}, 3),
			ErrNoResponse, "modbus: /dev/ttyUSB0 unit 3 read holding 0x0010 x4: no response: no reply within 500ms (after 3 attempts)"},
		{"exception", newError("10.0.0.5:502", 1, request{fc: fcWriteRegisters, addr: 0x4100, count: 2}, &gmodbus.ModbusError{FunctionCode: 0x90, ExceptionCode: 0x02}, 1),
			ErrException, "modbus: 10.0.0.5:502 unit 1 write registers (FC16) 0x4100 x2: exception 0x02 illegal data address"},
		{"gateway", newError("gw:502", 7, request{fc: fcReadInput, addr: 1, count: 1}, &gmodbus.ModbusError{FunctionCode: 0x84, ExceptionCode: 0x0B}, 1),
			ErrNoResponse, "unit 7 read input 0x0001 x1: exception 0x0B gateway target device failed to respond: the unit behind the gateway is not responding"},
		{"unknown exception", newError("d", 1, request{fc: fcWriteCoil, addr: 9, count: 1}, &gmodbus.ModbusError{FunctionCode: 0x85, ExceptionCode: 0x42}, 1),
			ErrException, "unit 1 write coil (FC05) 0x0009: exception 0x42 unknown exception"},
		{"crc", newError("d", 2, request{fc: fcReadCoils, addr: 0, count: 8}, &frameError{KindCRC, errors.New("frame 02 01 carries CRC 0x0000, computed 0x1234")}, 2),
			ErrCRC, "unit 2 read coils 0x0000 x8: bad CRC: frame 02 01"},
		{"serial timeout", newError("d", 1, request{fc: fcWriteRegister, addr: 5, count: 1}, serial.ErrTimeout, 1),
			ErrNoResponse, "unit 1 write register (FC06) 0x0005: no response: serial: timeout"},
		{"eof", newError("h:502", 1, request{fc: fcReadDiscrete, addr: 0, count: 1}, io.ErrUnexpectedEOF, 1),
			ErrConnection, "unit 1 read discrete 0x0000 x1: connection failed: unexpected EOF"},
		{"library check", newError("h:502", 1, request{fc: fcReadHolding, addr: 0, count: 1}, fmt.Errorf("modbus: response transaction id '3' does not match request '4'"), 1),
			ErrBadResponse, "unit 1 read holding 0x0000 x1: bad response: modbus: response transaction id"},
		{"backed off", &Error{Device: "d", Unit: 3, Function: fcReadHolding, Count: 1, Kind: KindBackedOff, Until: until},
			ErrBackedOff, "unit 3 read holding 0x0000 x1: unit 3 backed off until 2026-05-01T12:00:00Z after not responding"},
		{"canceled", canceled("d", 1, request{fc: fcReadHolding, count: 1}, context.DeadlineExceeded),
			ErrCanceled, "unit 1 read holding 0x0000 x1: canceled: context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.sentinel) {
				t.Fatalf("%v is not %v", tt.err, tt.sentinel)
			}
			for _, other := range kindSentinels {
				if other != tt.sentinel && errors.Is(tt.err, other) {
					t.Fatalf("%v also matches %v", tt.err, other)
				}
			}
			if got := tt.err.Error(); !strings.Contains(got, tt.want) {
				t.Fatalf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestBusConfigValidation(t *testing.T) {
	tests := []struct {
		cfg     BusConfig
		parity  string
		wantErr string
	}{
		{BusConfig{Device: "/dev/ttyUSB0"}, "E", ""},
		{BusConfig{Device: "/dev/ttyUSB0", BaudRate: 115200, Parity: "none", StopBits: 2}, "N", ""},
		{BusConfig{Device: "/dev/ttyUSB0", Parity: "O"}, "O", ""},
		{BusConfig{}, "", "device is empty"},
		{BusConfig{Device: "/dev/x", BaudRate: 4800}, "", "baud rate 4800 is not one of"},
		{BusConfig{Device: "/dev/x", Parity: "mark"}, "", `parity "mark" is not none, even or odd`},
		{BusConfig{Device: "/dev/x", StopBits: 3}, "", "stop bits 3 is not 1 or 2"},
		{BusConfig{Device: "/dev/x", Retries: -1}, "", "must not be negative"},
	}
	for _, tt := range tests {
		parity, err := tt.cfg.normalize()
		switch {
		case tt.wantErr == "" && (err != nil || parity != tt.parity):
			t.Errorf("%+v: parity %q, err %v", tt.cfg, parity, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%+v: err %v, want %q", tt.cfg, err, tt.wantErr)
		}
	}
	if _, err := OpenBus(BusConfig{Device: "/nonexistent/tty"}); err == nil || !strings.Contains(err.Error(), "/nonexistent/tty") {
		t.Fatalf("open missing device: %v", err)
	}
}

func TestInterFrameDelay(t *testing.T) {
	for _, tt := range []struct {
		baud, bits int
		want       time.Duration
	}{
		{9600, 11, 4010416 * time.Nanosecond},
		{19200, 10, 1822916 * time.Nanosecond},
		{38400, 11, 1750 * time.Microsecond},
		{115200, 11, 1750 * time.Microsecond},
	} {
		if got := interFrameDelay(tt.baud, tt.bits); got != tt.want {
			t.Errorf("t3.5 at %d Bd, %d bits: %v, want %v", tt.baud, tt.bits, got, tt.want)
		}
	}
}

func TestParseFunctionAndCRC(t *testing.T) {
	for s, want := range map[string]Function{"": Holding, "holding": Holding, "input": Input, "coil": Coil, "discrete": Discrete} {
		if got, err := ParseFunction(s); err != nil || got != want {
			t.Errorf("ParseFunction(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseFunction("holdings"); err == nil || !strings.Contains(err.Error(), `"holdings"`) {
		t.Errorf("bad function: %v", err)
	}
	// Read holding 0..1 of unit 1, as on the wire: 01 03 00 00 00 02 C4 0B.
	if got := CRC16([]byte{1, 3, 0, 0, 0, 2}); got != 0x0BC4 {
		t.Errorf("crc16 = %#04x, want 0x0BC4", got)
	}
}

func TestDecodeRejectsShortData(t *testing.T) {
	if _, err := decodeWords([]byte{0, 1, 0}, 2); err == nil || !strings.Contains(err.Error(), "3 data bytes, want 4") {
		t.Errorf("decodeWords: %v", err)
	}
	if _, err := decodeBits([]byte{0xFF, 0x01}, 8); err == nil || !strings.Contains(err.Error(), "2 data bytes, want 1") {
		t.Errorf("decodeBits: %v", err)
	}
	if bits, err := decodeBits([]byte{0x05, 0x01}, 9); err != nil || fmt.Sprint(bits) != "[1 0 1 0 0 0 0 0 1]" {
		t.Errorf("decodeBits LSB first: %v %v", bits, err)
	}
}
