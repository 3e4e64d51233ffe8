package echonet

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// The Get map of an emulated 0x02A101 with all 42 Release-R EPCs
// (devices.md §1.5).
func TestPropertyMapBitmapSpecExample(t *testing.T) {
	edt := unhex(t, "2A 21 01 61 23 41 11 41 53 33 03 33 41 11 43 13 13")
	want := unhex(t, "80 81 82 83 84 85 86 87 88 89 8A 8B 8C 8D 8E 8F 93 97 98 99 9A 9D 9E 9F"+
		"C5 C7 C8 CA CC CE CF D0 D2 D3 D8 DA E2 E4 E6 E7 EB ED")
	m, err := DecodePropertyMap(edt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.EPCs, want) || !m.Consistent() {
		t.Fatalf("EPCs = %X (declared %d), want %X", m.EPCs, m.Declared, want)
	}
	enc, err := EncodePropertyMap(want)
	if err != nil || !bytes.Equal(enc, edt) {
		t.Fatalf("encode = %X, %v; want %X", enc, err, edt)
	}
}

// Single bits: which byte and bit each EPC lands on.
func TestPropertyMapBitPositions(t *testing.T) {
	filler := unhex(t, "81 82 83 84 85 86 87 88 89 8A 8B 8C 8D 8E")
	tests := []struct {
		epc       byte
		byteIndex int
		bit       uint
	}{{0x80, 0, 0}, {0x8F, 15, 0}, {0xC5, 5, 4}, {0xF0, 0, 7}, {0xFF, 15, 7}, {0x9D, 13, 1}}
	for _, tt := range tests {
		enc, err := EncodePropertyMap(append(slices.Clone(filler), 0x90, tt.epc))
		if err != nil {
			t.Fatal(err)
		}
		if len(enc) != 17 {
			t.Fatalf("16 EPCs encoded to %d bytes, want the 17-byte bitmap", len(enc))
		}
		if enc[1+tt.byteIndex]&(1<<tt.bit) == 0 {
			t.Errorf("EPC 0x%02X: byte %d bit %d not set in %X", tt.epc, tt.byteIndex, tt.bit, enc)
		}
	}
}

func TestPropertyMapListForm(t *testing.T) {
	// Status-announcement map of the same device.
	m, err := DecodePropertyMap(unhex(t, "05 80 81 88 C7 DA"))
	if err != nil || !bytes.Equal(m.EPCs, unhex(t, "80 81 88 C7 DA")) || !m.Has(0xC7) || m.Has(0xC8) {
		t.Fatalf("got %+v, %v", m, err)
	}
	enc, err := EncodePropertyMap(unhex(t, "DA C7 88 81 80 80"))
	if err != nil || !bytes.Equal(enc, unhex(t, "05 80 81 88 C7 DA")) {
		t.Fatalf("encode = %X, %v", enc, err)
	}
	// 15 stays a list, 16 becomes a bitmap.
	var fifteen []byte
	for e := byte(0x80); e < 0x8F; e++ {
		fifteen = append(fifteen, e)
	}
	if enc, _ := EncodePropertyMap(fifteen); len(enc) != 16 || enc[0] != 15 {
		t.Fatalf("15 EPCs: %X", enc)
	}
	if enc, _ := EncodePropertyMap(append(fifteen, 0xFF)); len(enc) != 17 || enc[0] != 16 {
		t.Fatalf("16 EPCs: %X", enc)
	}
}

// A device that masks the high bits (devices.md §1.5) declares 42 but its
// bits show only 24: the bits win and the mismatch is visible.
func TestPropertyMapCountMismatch(t *testing.T) {
	m, err := DecodePropertyMap(unhex(t, "2A 01 01 01 03 01 01 01 03 03 03 03 01 01 03 03 03"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.EPCs) != 24 || m.Declared != 42 || m.Consistent() || m.Has(0xC5) {
		t.Fatalf("got %d EPCs, declared %d", len(m.EPCs), m.Declared)
	}
	// Such a map would refuse 0xC5 that the device has: it restricts nothing.
	if m.Restricts() || !m.Allows(0xC5) {
		t.Fatalf("damaged map restricts: %+v", m)
	}
}

func TestPropertyMapAllows(t *testing.T) {
	m, err := DecodePropertyMap(unhex(t, "04 80 CD DA EB"))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Known || !m.Restricts() || !m.Allows(0xDA) || m.Allows(0xED) {
		t.Fatalf("Set map %+v: want 0xDA allowed, 0xED not", m)
	}
	var unknown PropertyMap // the device did not supply it
	if unknown.Restricts() || !unknown.Allows(0xED) {
		t.Fatal("a map that did not arrive restricts requests")
	}
}

func TestPropertyMapErrors(t *testing.T) {
	tests := []struct{ name, hex, want string }{
		{"empty", "", "offset 0: empty"},
		{"short list", "03 80 81", "offset 3: list of 3 EPCs needs 4 bytes, have 3"},
		{"long list", "01 80 81", "offset 2: list of 1 EPCs needs 2 bytes, have 3"},
		{"short bitmap", "10 01 02", "offset 3: bitmap (count 16) needs 17 bytes, have 3"},
	}
	for _, tt := range tests {
		_, err := DecodePropertyMap(unhex(t, tt.hex))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := EncodePropertyMap([]byte{0x80, 0x12}); err == nil || !strings.Contains(err.Error(), "0x12") {
		t.Errorf("EPC below 0x80: err = %v", err)
	}
}

func TestInstanceList(t *testing.T) {
	objs, err := DecodeInstanceList(unhex(t, "02 01 30 01 02 A1 01"))
	if err != nil || len(objs) != 2 || objs[1] != NewEOJ(0x02A1, 1) {
		t.Fatalf("got %v, %v", objs, err)
	}
	if _, err := DecodeInstanceList(unhex(t, "02 01 30 01")); err == nil || !strings.Contains(err.Error(), "count 2 needs 7 bytes") {
		t.Fatalf("short list: err = %v", err)
	}
	enc, err := EncodeInstanceList(objs)
	if err != nil || !bytes.Equal(enc, unhex(t, "02 01 30 01 02 A1 01")) {
		t.Fatalf("encode = %X, %v", enc, err)
	}
}
