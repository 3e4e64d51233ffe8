package modbus

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	gmodbus "github.com/goburrow/modbus"
)

// BenchmarkTCPReadBlock is one 10-register block read round trip on
// loopback against the simonvetter server, through the pool ("driver") and,
// as the baseline measured in the same run, through a bare goburrow client.
func BenchmarkTCPReadBlock(b *testing.B) {
	peer := newTCPPeer()
	host, port := freeAddr(b)
	startServer(b, peer, host, port)
	b.Run("driver", func(b *testing.B) {
		pool := NewTCPPool(TCPPoolConfig{})
		defer pool.Close()
		d, err := pool.Acquire(TCPConfig{Host: host, Port: port})
		if err != nil {
			b.Fatal(err)
		}
		blocks := []Block{{Name: "status", Address: 0, Count: 10}}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := d.ReadBlocks(ctx, 1, blocks); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("goburrow-bare", func(b *testing.B) {
		h := gmodbus.NewTCPClientHandler(net.JoinHostPort(host, strconv.Itoa(port)))
		h.SlaveId = 1
		defer h.Close()
		c := gmodbus.NewClient(h)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.ReadHoldingRegisters(0, 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRTUPollCycle polls N units once each (one 10-register block per
// unit) over a pty at 115200 Bd, so t3.5 is 1.75 ms per frame. ns/unit-poll
// is the figure to compare with the line budget in the reference notes.
func BenchmarkRTUPollCycle(b *testing.B) {
	for _, n := range []int{5, 25} {
		b.Run(fmt.Sprintf("peer=responder/units=%d", n), func(b *testing.B) {
			a, p := startPtyPair(b)
			units := make([]byte, n)
			for i := range units {
				units[i] = byte(i + 1)
			}
			startResponder(b, a, units...)
			benchPollCycle(b, p, units)
		})
	}
	b.Run("peer=pymodbus/units=5", func(b *testing.B) {
		a, p := startPtyPair(b)
		startPymodbus(b, a, "1,2,3,4,5")
		benchPollCycle(b, p, []byte{1, 2, 3, 4, 5})
	})
}

func benchPollCycle(b *testing.B, device string, units []byte) {
	bus, err := OpenBus(BusConfig{Device: device, BaudRate: 115200, Parity: "none", Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer bus.Close()
	blocks := []Block{{Name: "status", Address: 0, Count: 10}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, u := range units {
			if _, err := bus.ReadBlocks(ctx, u, blocks); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(units)), "ns/unit-poll")
}
