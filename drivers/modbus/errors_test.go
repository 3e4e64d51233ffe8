package modbus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
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
		{"exception", newError("10.0.0.5:502", 1, request{fc: fcWriteRegisters, addr: 0x4100, count: 2}, &exceptionError{fc: 0x10, code: 0x02}, 1),
			ErrException, "modbus: 10.0.0.5:502 unit 1 write registers (FC16) 0x4100 x2: exception 0x02 illegal data address"},
		{"gateway", newError("gw:502", 7, request{fc: fcReadInput, addr: 1, count: 1}, &exceptionError{fc: 0x04, code: 0x0B}, 1),
			ErrNoResponse, "unit 7 read input 0x0001 x1: exception 0x0B gateway target device failed to respond: the unit behind the gateway is not responding"},
		{"unknown exception", newError("d", 1, request{fc: fcWriteCoil, addr: 9, count: 1}, &exceptionError{fc: 0x05, code: 0x42}, 1),
			ErrException, "unit 1 write coil (FC05) 0x0009: exception 0x42 unknown exception"},
		{"crc", newError("d", 2, request{fc: fcReadCoils, addr: 0, count: 8}, &frameError{KindCRC, errors.New("frame 02 01 carries CRC 0x0000, computed 0x1234")}, 2),
			ErrCRC, "unit 2 read coils 0x0000 x8: bad CRC: frame 02 01"},
		{"read deadline", newError("d", 1, request{fc: fcWriteRegister, addr: 5, count: 1}, os.ErrDeadlineExceeded, 1),
			ErrNoResponse, "unit 1 write register (FC06) 0x0005: no response: i/o timeout"},
		{"eof", newError("h:502", 1, request{fc: fcReadDiscrete, addr: 0, count: 1}, io.ErrUnexpectedEOF, 1),
			ErrConnection, "unit 1 read discrete 0x0000 x1: connection failed: unexpected EOF"},
		{"wrong function", newError("h:502", 1, request{fc: fcReadHolding, addr: 0, count: 1}, badResponse("reply function 0x%02X to request function 0x%02X", 0x10, 0x03), 1),
			ErrBadResponse, "unit 1 read holding 0x0000 x1: bad response: reply function 0x10 to request function 0x03"},
		{"skipped in this poll", &Error{Device: "d", Unit: 3, Function: fcReadHolding, Count: 1, Kind: KindBackedOff, Err: errors.New("unit 3 did not answer earlier in this poll")},
			ErrBackedOff, "unit 3 read holding 0x0000 x1: backed off: unit 3 did not answer earlier in this poll"},
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

// TestRequestParse checks replies against requests byte by byte: only the
// reply to this very question is data.
func TestRequestParse(t *testing.T) {
	hold := request{fc: fcReadHolding, addr: 0x4010, count: 2}
	coils := request{fc: fcReadCoils, addr: 0, count: 9}
	fc06 := request{fc: fcWriteRegister, addr: 5004, count: 1, words: []uint16{16000}}
	fc15, _ := writeCoilsRequest(3, []bool{true, false, true})
	fc16, _ := writeRegistersRequest(0x4100, []uint16{0, 16000})
	tests := []struct {
		name string
		r    request
		pdu  []byte
		want string // value or error text
	}{
		{"registers", hold, []byte{3, 4, 0, 1, 0x3E, 0x80}, "[1 16000]"},
		{"bits LSB first", coils, []byte{1, 2, 0x05, 0x01}, "[1 0 1 0 0 0 0 0 1]"},
		{"short", hold, []byte{3, 2, 0, 1}, "reply of 4 bytes does not carry the 4 data bytes of 2 registers"},
		{"long", hold, []byte{3, 6, 0, 1, 0, 2, 0, 3}, "does not carry the 4 data bytes"},
		{"count lies", hold, []byte{3, 4, 0, 1, 0, 2, 0, 3}, "does not carry the 4 data bytes"},
		{"bits byte count", coils, []byte{1, 1, 0xFF}, "does not carry the 2 data bytes of 9 bits"},
		{"wrong function", hold, []byte{0x10, 0x40, 0x10, 0, 2}, "reply function 0x10 to request function 0x03"},
		{"exception", hold, []byte{0x83, 0x02}, "exception reply to function 0x03: 0x02 illegal data address"},
		{"fc06 echo", fc06, []byte{6, 0x13, 0x8C, 0x3E, 0x80}, "[]"},
		{"fc06 other value", fc06, []byte{6, 0x13, 0x8C, 0x3E, 0x81}, "write reply echoes 13 8C 3E 81, want 13 8C 3E 80"},
		{"fc15 echo", fc15, []byte{0x0F, 0, 3, 0, 3}, "[]"},
		{"fc15 other quantity", fc15, []byte{0x0F, 0, 3, 0, 4}, "write reply echoes 00 03 00 04"},
		{"fc16 other address", fc16, []byte{0x10, 0x41, 0x01, 0, 2}, "write reply echoes 41 01 00 02, want 41 00 00 02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, err := tt.r.parse(tt.pdu)
			got := fmt.Sprint(vals)
			if err != nil {
				got = err.Error()
			}
			if !strings.Contains(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := fc15.pdu(); fmt.Sprintf("% X", got) != "0F 00 03 00 03 01 05" {
		t.Fatalf("FC15 PDU % X", got)
	}
}
