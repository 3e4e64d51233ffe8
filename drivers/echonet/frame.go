package echonet

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Header constants of an ECHONET Lite frame.
const (
	EHD1        = 0x10 // ECHONET Lite (0x80 was conventional ECHONET)
	EHD2Format1 = 0x81 // specified message format: EOJ/ESV/properties
	EHD2Format2 = 0x82 // arbitrary message format, no structure to decode

	headerLen = 12 // EHD1 EHD2 TID(2) SEOJ(3) DEOJ(3) ESV OPC
	maxOPC    = 255
	maxPDC    = 255
)

// ESV is the service code of a frame.
type ESV byte

// Every service code the specification defines; the rest are reserved.
const (
	SetISNA   ESV = 0x50
	SetCSNA   ESV = 0x51
	GetSNA    ESV = 0x52
	InfSNA    ESV = 0x53
	SetGetSNA ESV = 0x5E
	SetI      ESV = 0x60
	SetC      ESV = 0x61
	Get       ESV = 0x62
	InfReq    ESV = 0x63
	SetGet    ESV = 0x6E
	SetRes    ESV = 0x71
	GetRes    ESV = 0x72
	Inf       ESV = 0x73
	InfC      ESV = 0x74
	InfCRes   ESV = 0x7A
	SetGetRes ESV = 0x7E
)

var esvNames = map[ESV]string{
	SetISNA: "SetI_SNA", SetCSNA: "SetC_SNA", GetSNA: "Get_SNA", InfSNA: "INF_SNA",
	SetGetSNA: "SetGet_SNA", SetI: "SetI", SetC: "SetC", Get: "Get", InfReq: "INF_REQ",
	SetGet: "SetGet", SetRes: "Set_Res", GetRes: "Get_Res", Inf: "INF", InfC: "INFC",
	InfCRes: "INFC_Res", SetGetRes: "SetGet_Res",
}

// Valid reports whether e is one of the defined service codes.
func (e ESV) Valid() bool { _, ok := esvNames[e]; return ok }

// IsSNA reports whether e is a "service not available" reply.
func (e ESV) IsSNA() bool { return e.Valid() && e&0xF0 == 0x50 }

// HasTwoBlocks reports whether frames of this service carry separate Set and
// Get property blocks (SetGet and its replies).
func (e ESV) HasTwoBlocks() bool { return e == SetGet || e == SetGetRes || e == SetGetSNA }

func (e ESV) String() string {
	if n, ok := esvNames[e]; ok {
		return n
	}
	return fmt.Sprintf("ESV(0x%02X)", byte(e))
}

// EOJ is an ECHONET object: class group code, class code, instance code.
type EOJ [3]byte

// Well-known objects.
var (
	NodeProfile = EOJ{0x0E, 0xF0, 0x01}
	Controller  = EOJ{0x05, 0xFF, 0x01}
)

// NewEOJ builds an EOJ from a 16-bit class (group and class code) and an instance.
func NewEOJ(class uint16, instance byte) EOJ {
	return EOJ{byte(class >> 8), byte(class), instance}
}

// Class returns the class group and class code as one number, e.g. 0x02A1.
func (o EOJ) Class() uint16 { return uint16(o[0])<<8 | uint16(o[1]) }

// Instance returns the instance code; 0 addresses every instance of the class.
func (o EOJ) Instance() byte { return o[2] }

func (o EOJ) String() string { return fmt.Sprintf("%02X%02X%02X", o[0], o[1], o[2]) }

// ParseEOJ reads six hex digits such as "02A101".
func ParseEOJ(s string) (EOJ, error) {
	var o EOJ
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 3 {
		return o, fmt.Errorf("echonet: EOJ %q: want six hex digits", s)
	}
	copy(o[:], b)
	return o, nil
}

// Property is one EPC with its data. EDT is empty in requests such as Get and
// in SNA replies for the properties that were refused or unavailable.
type Property struct {
	EPC byte
	EDT []byte
}

// Frame is a decoded format-1 ECHONET Lite frame. For SetGet, SetGet_Res and
// SetGet_SNA, Props is the Set block and GetProps the Get block; other
// services use Props only.
type Frame struct {
	TID      uint16
	SEOJ     EOJ
	DEOJ     EOJ
	ESV      ESV
	Props    []Property
	GetProps []Property
}

// DecodeError tells where a frame was malformed.
type DecodeError struct {
	Offset int
	Reason string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("echonet: decode frame: offset %d: %s", e.Offset, e.Reason)
}

// ErrFormat2 is wrapped by the DecodeError for arbitrary-format frames.
var ErrFormat2 = errors.New("format 2 (arbitrary message format) is not supported")

func decodeErr(off int, format string, a ...any) error {
	return &DecodeError{Offset: off, Reason: fmt.Sprintf(format, a...)}
}

// DecodeFrame parses one UDP payload. The EDTs of the result alias b, so a
// caller that reuses its read buffer must decode into a copy. Trailing bytes after the last property
// are an error: a frame whose length disagrees with its OPC/PDC fields cannot
// be trusted to mean what it says.
func DecodeFrame(b []byte) (*Frame, error) {
	if len(b) < 2 {
		return nil, decodeErr(len(b), "truncated: %d bytes, header needs %d", len(b), headerLen)
	}
	if b[0] != EHD1 {
		return nil, decodeErr(0, "bad EHD1 0x%02X, want 0x%02X", b[0], EHD1)
	}
	switch b[1] {
	case EHD2Format1:
	case EHD2Format2:
		return nil, fmt.Errorf("%w: %w", decodeErr(1, "EHD2 0x82"), ErrFormat2)
	default:
		return nil, decodeErr(1, "bad EHD2 0x%02X, want 0x81", b[1])
	}
	if len(b) < headerLen {
		return nil, decodeErr(len(b), "truncated: %d bytes, header needs %d", len(b), headerLen)
	}
	f := &Frame{TID: uint16(b[2])<<8 | uint16(b[3]), ESV: ESV(b[10])}
	copy(f.SEOJ[:], b[4:7])
	copy(f.DEOJ[:], b[7:10])
	if !f.ESV.Valid() {
		return nil, decodeErr(10, "reserved ESV 0x%02X", b[10])
	}
	props, off, err := decodeProps(b, 11)
	if err != nil {
		return nil, err
	}
	f.Props = props
	if f.ESV.HasTwoBlocks() {
		if off >= len(b) {
			return nil, decodeErr(off, "truncated: missing OPCGet of %v", f.ESV)
		}
		if f.GetProps, off, err = decodeProps(b, off); err != nil {
			return nil, err
		}
	}
	if off != len(b) {
		return nil, decodeErr(off, "%d trailing bytes after the last property", len(b)-off)
	}
	return f, nil
}

// decodeProps reads an OPC byte at off and that many properties.
func decodeProps(b []byte, off int) ([]Property, int, error) {
	opc := int(b[off])
	off++
	if opc == 0 {
		return nil, off, nil
	}
	// Each property needs at least EPC+PDC: reject absurd OPCs before allocating.
	if rest := len(b) - off; opc*2 > rest {
		return nil, off, decodeErr(len(b), "truncated: OPC %d needs at least %d bytes, %d left", opc, opc*2, rest)
	}
	props := make([]Property, opc)
	for i := range props {
		if off+2 > len(b) {
			return nil, off, decodeErr(len(b), "truncated: property %d of %d", i+1, opc)
		}
		epc, pdc := b[off], int(b[off+1])
		if off+2+pdc > len(b) {
			return nil, off, decodeErr(off+1, "PDC %d of EPC 0x%02X overruns the frame by %d bytes", pdc, epc, off+2+pdc-len(b))
		}
		props[i].EPC = epc
		if pdc > 0 {
			props[i].EDT = b[off+2 : off+2+pdc : off+2+pdc]
		}
		off += 2 + pdc
	}
	return props, off, nil
}

// MarshalBinary encodes f.
func (f *Frame) MarshalBinary() ([]byte, error) { return f.AppendBinary(nil) }

// AppendBinary appends the encoding of f to b.
func (f *Frame) AppendBinary(b []byte) ([]byte, error) {
	if !f.ESV.Valid() {
		return b, fmt.Errorf("echonet: encode frame: reserved ESV 0x%02X", byte(f.ESV))
	}
	if len(f.GetProps) > 0 && !f.ESV.HasTwoBlocks() {
		return b, fmt.Errorf("echonet: encode frame: %v has no Get block, %d GetProps given", f.ESV, len(f.GetProps))
	}
	b = append(b, EHD1, EHD2Format1, byte(f.TID>>8), byte(f.TID))
	b = append(b, f.SEOJ[:]...)
	b = append(b, f.DEOJ[:]...)
	b = append(b, byte(f.ESV))
	b, err := appendProps(b, f.Props)
	if err != nil {
		return b, err
	}
	if f.ESV.HasTwoBlocks() {
		return appendProps(b, f.GetProps)
	}
	return b, nil
}

func appendProps(b []byte, props []Property) ([]byte, error) {
	if len(props) > maxOPC {
		return b, fmt.Errorf("echonet: encode frame: %d properties, at most %d fit in OPC", len(props), maxOPC)
	}
	b = append(b, byte(len(props)))
	for _, p := range props {
		if len(p.EDT) > maxPDC {
			return b, fmt.Errorf("echonet: encode frame: EPC 0x%02X: EDT of %d bytes, at most %d", p.EPC, len(p.EDT), maxPDC)
		}
		b = append(b, p.EPC, byte(len(p.EDT)))
		b = append(b, p.EDT...)
	}
	return b, nil
}

// String renders f for logs, e.g. "TID=0001 05FF01>0EF001 Get [D6:]".
func (f *Frame) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "TID=%04X %v>%v %v %s", f.TID, f.SEOJ, f.DEOJ, f.ESV, propsString(f.Props))
	if f.ESV.HasTwoBlocks() {
		sb.WriteString(" get" + propsString(f.GetProps))
	}
	return sb.String()
}

func propsString(props []Property) string {
	parts := make([]string, len(props))
	for i, p := range props {
		parts[i] = fmt.Sprintf("%02X:%X", p.EPC, p.EDT)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// Lookup returns the EDT of epc in props and whether it was present.
func Lookup(props []Property, epc byte) ([]byte, bool) {
	for _, p := range props {
		if p.EPC == epc {
			return p.EDT, true
		}
	}
	return nil, false
}
