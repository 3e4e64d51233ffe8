package metrics_test

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/echonetdev"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/metrics"
)

// TestScenarioEchonetSilent asks an ECHONET Lite node that never answers
// (a UDP socket that only counts what arrives) for its property maps: each
// request is sent once and retransmitted twice, then times out. The
// metrics must say so, in step with what the socket received.
func TestScenarioEchonetSilent(t *testing.T) {
	silent, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	var got atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := silent.ReadFrom(buf); err != nil {
				return
			}
			got.Add(1)
		}
	}()
	drivers := charger.NewDrivers(map[string]any{v1alpha1.ProtocolEchonet: echonet.Config{ListenAddr: "127.0.0.1:0",
		Group: silent.LocalAddr().String(), Timeout: 50 * time.Millisecond, Retries: 2}})
	defer drivers.Close()
	reg := metrics.New()
	if err := reg.WatchDrivers(drivers); err != nil {
		t.Fatal(err)
	}
	if n := value(t, reg.Gatherer(), "ocppgw_echonet_frames_sent_total", nil); n != -1 {
		t.Fatalf("ECHONET Lite families before the opener is made: frames sent %v", n)
	}
	o, err := drivers.Opener(v1alpha1.ProtocolEchonet)
	if err != nil {
		t.Fatal(err)
	}
	if n := value(t, reg.Gatherer(), "ocppgw_echonet_frames_sent_total", nil); n != -1 {
		t.Fatalf("ECHONET Lite families before the opener made the client: frames sent %v", n)
	}
	cl, err := o.(*echonetdev.Opener).Client()
	if err != nil {
		t.Fatal(err)
	}
	to := netip.MustParseAddrPort(silent.LocalAddr().String())
	if _, err := cl.PropertyMaps(context.Background(), to, echonet.EOJ{0x02, 0xA1, 0x01}); err == nil {
		t.Fatal("a silent node answered")
	}
	sent := value(t, reg.Gatherer(), "ocppgw_echonet_frames_sent_total", nil)
	if sent < 3 {
		t.Fatalf("%v frames counted as sent, want at least 3", sent)
	}
	// A datagram sent may still be on its way to the socket.
	testutil.Eventually(t, 5*time.Second, "the node to receive every frame counted as sent", func() string {
		if n := got.Load(); n != int64(sent) {
			return fmt.Sprintf("%v frames counted as sent, the node received %d", sent, n)
		}
		return ""
	})
	t.Logf("%v frames sent to the silent node", sent)
	checkValues(t, reg.Gatherer(), map[string]float64{
		`ocppgw_echonet_retransmissions_total{}`: sent * 2 / 3,
		`ocppgw_echonet_timeouts_total{}`:        sent / 3,
		`ocppgw_echonet_snas_total{}`:            0,
		`ocppgw_echonet_frames_received_total{}`: 0,
	})
}
