package testutil

import (
	"fmt"
	"math/rand/v2"
	"net"
	"testing"
)

// FreeTCPPort is a loopback TCP port nothing listens on now. Another
// process may take it before the test does; tests that start a server on
// it retry or fail clearly.
func FreeTCPPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free TCP port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// FreeUDPPort is a loopback UDP port nothing listens on now.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free UDP port: %v", err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// FreeTCPRange returns the first of n consecutive loopback TCP ports that
// are free now, for programs that number their listeners from a base. It
// starts at random places in 20000-49999 so that packages testing at the
// same time rarely pick the same range.
func FreeTCPRange(t testing.TB, n int) int {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(30000)
		if rangeFree(base, n) {
			return base
		}
	}
	t.Fatalf("no %d consecutive free TCP ports found", n)
	return 0
}

func rangeFree(base, n int) bool {
	for p := base; p < base+n; p++ {
		ln, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		ln.Close()
	}
	return true
}
