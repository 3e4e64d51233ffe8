package echonet

import (
	"context"
	"net/netip"
	"testing"
)

// The Get_Res of five EPCs from devices.md §1.8.
const benchGetRes = "10 81 00 03 02 A1 01 05 FF 01 72 05 80 01 30 C7 01 41 DA 01 44 D8 04 00 01 E2 40" +
	" 9F 11 2A 21 01 61 23 41 11 41 53 33 03 33 41 11 43 13 13"

func BenchmarkDecodeFrame(b *testing.B) {
	in := unhex(b, benchGetRes)
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := DecodeFrame(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeFrame(b *testing.B) {
	f, err := DecodeFrame(unhex(b, benchGetRes))
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = f.AppendBinary(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePropertyMap(b *testing.B) {
	in := unhex(b, "2A 21 01 61 23 41 11 41 53 33 03 33 41 11 43 13 13")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePropertyMap(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGetRoundTrip is one Get of three EPCs against a Responder on
// loopback: encode, send, the device's decode and answer, receive, match.
func BenchmarkGetRoundTrip(b *testing.B) {
	c, err := NewClient(Config{ListenAddr: "127.0.0.1:0", Group: "127.0.0.1:9"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	r, err := NewResponder(ResponderConfig{ListenAddr: "127.0.0.1:0", Group: c.LocalAddr().String(), Objects: []*Object{evObject()}})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	to := netip.AddrPortFrom(r.Addr().Addr(), r.Addr().Port())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Get(ctx, to, evse, 0x80, 0xC7, 0xD8); err != nil {
			b.Fatal(err)
		}
	}
}
