package echonet

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// Frames seen from real implementations (devices.md §1.8).
func TestDecodeKnownFrames(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want Frame
	}{
		{"discovery Get D6", "10 81 00 01 05 FF 01 0E F0 01 62 01 D6 00", Frame{
			TID: 1, SEOJ: Controller, DEOJ: NodeProfile, ESV: Get, Props: []Property{{EPC: 0xD6}}}},
		{"D6 answer", "10 81 00 01 0E F0 01 05 FF 01 72 01 D6 04 01 02 A1 01", Frame{
			TID: 1, SEOJ: NodeProfile, DEOJ: Controller, ESV: GetRes,
			Props: []Property{{EPC: 0xD6, EDT: []byte{1, 0x02, 0xA1, 0x01}}}}},
		{"SetC DA charge", "10 81 00 05 05 FF 01 02 A1 01 61 01 DA 01 42", Frame{
			TID: 5, SEOJ: Controller, DEOJ: NewEOJ(0x02A1, 1), ESV: SetC,
			Props: []Property{{EPC: 0xDA, EDT: []byte{0x42}}}}},
		{"SetC_SNA", "10 81 00 05 02 A1 01 05 FF 01 51 01 DA 01 99", Frame{
			TID: 5, SEOJ: NewEOJ(0x02A1, 1), DEOJ: Controller, ESV: SetCSNA,
			Props: []Property{{EPC: 0xDA, EDT: []byte{0x99}}}}},
		{"SetGet two blocks", "10 81 12 34 05 FF 01 02 A1 01 6E 01 DA 01 42 02 80 00 DA 00", Frame{
			TID: 0x1234, SEOJ: Controller, DEOJ: NewEOJ(0x02A1, 1), ESV: SetGet,
			Props:    []Property{{EPC: 0xDA, EDT: []byte{0x42}}},
			GetProps: []Property{{EPC: 0x80}, {EPC: 0xDA}}}},
		{"SetGet_SNA empty blocks", "10 81 00 09 02 A1 01 05 FF 01 5E 00 00", Frame{
			TID: 9, SEOJ: NewEOJ(0x02A1, 1), DEOJ: Controller, ESV: SetGetSNA}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unhex(t, tt.hex)
			got, err := DecodeFrame(in)
			if err != nil {
				t.Fatalf("DecodeFrame: %v", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("got %v\nwant %v", got, &tt.want)
			}
			out, err := got.MarshalBinary()
			if err != nil || !bytes.Equal(out, in) {
				t.Fatalf("re-encode = %X, %v; want %X", out, err, in)
			}
		})
	}
}

func TestEveryESVRoundTrips(t *testing.T) {
	for esv := range esvNames {
		f := &Frame{TID: 0xBEEF, SEOJ: Controller, DEOJ: NewEOJ(0x027E, 2), ESV: esv,
			Props: []Property{{EPC: 0x80, EDT: []byte{0x30}}, {EPC: 0xD8}}}
		if esv.HasTwoBlocks() {
			f.GetProps = []Property{{EPC: 0xE4, EDT: []byte{50}}}
		}
		b, err := f.MarshalBinary()
		if err != nil {
			t.Fatalf("%v: encode: %v", esv, err)
		}
		g, err := DecodeFrame(b)
		if err != nil {
			t.Fatalf("%v: decode: %v", esv, err)
		}
		if !reflect.DeepEqual(f, g) {
			t.Fatalf("%v: got %v want %v", esv, g, f)
		}
	}
	if len(esvNames) != 16 {
		t.Fatalf("%d ESVs defined, the specification has 16", len(esvNames))
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, hex  string
		offset     int
		reasonPart string
	}{
		{"empty", "", 0, "truncated"},
		{"conventional ECHONET", "80 81 00 01 05 FF 01 0E F0 01 62 01 D6 00", 0, "bad EHD1 0x80"},
		{"bad EHD2", "10 83 00 01 05 FF 01 0E F0 01 62 01 D6 00", 1, "bad EHD2 0x83"},
		{"short header", "10 81 00 01 05 FF 01", 7, "header needs 12"},
		{"reserved ESV", "10 81 00 01 05 FF 01 0E F0 01 54 00", 10, "reserved ESV 0x54"},
		{"OPC beyond data", "10 81 00 01 05 FF 01 0E F0 01 62 03 D6 00", 14, "OPC 3"},
		{"PDC overrun", "10 81 00 01 0E F0 01 05 FF 01 72 01 D6 04 01 02 A1", 13, "PDC 4 of EPC 0xD6 overruns"},
		{"second property truncated", "10 81 00 01 05 FF 01 02 A1 01 62 02 80 01 30 DA", 16, "property 2 of 2"},
		{"trailing", "10 81 00 01 05 FF 01 0E F0 01 62 01 D6 00 FF", 14, "1 trailing bytes"},
		{"SetGet without OPCGet", "10 81 00 01 05 FF 01 02 A1 01 6E 01 DA 01 42", 15, "missing OPCGet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeFrame(unhex(t, tt.hex))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.Offset != tt.offset || !strings.Contains(de.Reason, tt.reasonPart) {
				t.Fatalf("err = %v, want offset %d and %q", err, tt.offset, tt.reasonPart)
			}
		})
	}
}

func TestDecodeRejectsFormat2(t *testing.T) {
	_, err := DecodeFrame(unhex(t, "10 82 00 01 DE AD BE EF"))
	if !errors.Is(err, ErrFormat2) {
		t.Fatalf("err = %v, want ErrFormat2", err)
	}
	if !strings.Contains(err.Error(), "offset 1") {
		t.Fatalf("err %q does not name the offset", err)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		f    Frame
		want string
	}{
		{"reserved ESV", Frame{ESV: 0x64}, "reserved ESV 0x64"},
		{"Get block on Get", Frame{ESV: Get, GetProps: []Property{{EPC: 0x80}}}, "Get has no Get block"},
		{"EDT too long", Frame{ESV: SetC, Props: []Property{{EPC: 0xE6, EDT: make([]byte, 256)}}}, "EPC 0xE6: EDT of 256 bytes"},
		{"too many properties", Frame{ESV: Get, Props: make([]Property, 256)}, "256 properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.f.MarshalBinary()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestEOJ(t *testing.T) {
	o, err := ParseEOJ("02a101")
	if err != nil || o != NewEOJ(0x02A1, 1) || o.String() != "02A101" || o.Class() != 0x02A1 || o.Instance() != 1 {
		t.Fatalf("ParseEOJ = %v, %v", o, err)
	}
	for _, bad := range []string{"", "02A1", "02A1011", "zz0101"} {
		if _, err := ParseEOJ(bad); err == nil {
			t.Errorf("ParseEOJ(%q) accepted", bad)
		}
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		"10 81 00 01 05 FF 01 0E F0 01 62 01 D6 00",
		"10 81 00 01 0E F0 01 05 FF 01 72 01 D6 04 01 02 A1 01",
		"10 81 12 34 05 FF 01 02 A1 01 6E 01 DA 01 42 02 80 00 DA 00",
		"10 81 00 09 02 A1 01 05 FF 01 5E 00 00",
		"10 82 00 01",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fr, err := DecodeFrame(in)
		if err != nil {
			return
		}
		out, err := fr.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded frame does not encode: %v (%v)", err, fr)
		}
		// The codec is exact: no field is normalised or dropped.
		if !bytes.Equal(out, in) {
			t.Fatalf("re-encode %X != input %X", out, in)
		}
		again, err := DecodeFrame(out)
		if err != nil || !reflect.DeepEqual(again, fr) {
			t.Fatalf("decode(encode(x)) = %v, %v; want %v", again, err, fr)
		}
	})
}
