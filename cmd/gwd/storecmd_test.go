package main

import "testing"

func TestByteSizeFlag(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1000": 1000, "512MiB": 512 << 20, "2GiB": 2 << 30, "4KiB": 4096} {
		var b byteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for _, in := range []string{"", "-1", "2GB", "1.5GiB", "99999999999GiB"} {
		var b byteSize
		if err := b.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %d", in, b)
		}
	}
	if b := byteSize(2 << 30); b.String() != "2GiB" {
		t.Errorf("String of 2 GiB = %q", b.String())
	}
}
