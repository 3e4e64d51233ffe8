package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// mixCall is one exchange of the message mix: a station's CALL and the
// CSMS's CALLRESULT, both valid against the project and OCA schemas.
type mixCall struct {
	action          string
	request, result []byte
}

// messageMix is what a charging station sends in steady state, weighted
// roughly as a charging session sends it: mostly meter readings and
// transaction updates, some status changes and heartbeats, a rare boot.
var messageMix = func() []mixCall {
	const ts = `"2026-01-01T00:00:00.000Z"`
	sampled := `[{"value":12345.6,"measurand":"Energy.Active.Import.Register","unitOfMeasure":{"unit":"Wh"}},` +
		`{"value":7200,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"W"}},` +
		`{"value":16.1,"measurand":"Current.Import","phase":"L1"},{"value":15.9,"measurand":"Current.Import","phase":"L2"},` +
		`{"value":16,"measurand":"Current.Import","phase":"L3"}]`
	boot := mixCall{"BootNotification",
		[]byte(`{"reason":"PowerUp","chargingStation":{"model":"Wallbox 22","vendorName":"ACME","serialNumber":"SN-000123","firmwareVersion":"1.4.2"}}`),
		[]byte(`{"currentTime":` + ts + `,"interval":300,"status":"Accepted"}`)}
	heartbeat := mixCall{"Heartbeat", []byte(`{}`), []byte(`{"currentTime":` + ts + `}`)}
	status := mixCall{"StatusNotification",
		[]byte(`{"timestamp":` + ts + `,"connectorStatus":"Occupied","evseId":1,"connectorId":1}`), []byte(`{}`)}
	meter := mixCall{"MeterValues",
		[]byte(`{"evseId":1,"meterValue":[{"timestamp":` + ts + `,"sampledValue":` + sampled + `}]}`), []byte(`{}`)}
	tx := mixCall{"TransactionEvent",
		[]byte(`{"eventType":"Updated","timestamp":` + ts + `,"triggerReason":"MeterValuePeriodic","seqNo":7,` +
			`"transactionInfo":{"transactionId":"TX-2026-000123","chargingState":"Charging"},"evse":{"id":1,"connectorId":1},` +
			`"meterValue":[{"timestamp":` + ts + `,"sampledValue":` + sampled + `}]}`),
		[]byte(`{"idTokenInfo":{"status":"Accepted"}}`)}
	return []mixCall{boot, heartbeat, status, meter, tx, meter, tx, heartbeat, status, meter, tx, meter, tx}
}()

// mixResult is the CSMS's answer to a CALL of the mix.
func mixResult(action string) []byte {
	for _, m := range messageMix {
		if m.action == action {
			return m.result
		}
	}
	return []byte(`{}`)
}

// schemaValidator is the project's validator, as a station uses it. The
// external test package sets it (stations_validator_test.go): drivers/ocpp
// imports this package, so this one cannot import it.
var schemaValidator Validator

// bareClient is the floor: gorilla/websocket with its defaults, one reader
// goroutine (a station must hear CSMS-initiated CALLs), one TLS config for
// all, an exchange being one text frame out and one in, split into its
// array elements. No OCPP library, no validation.
type bareClient struct {
	ws     *websocket.Conn
	frames chan []byte
}

func dialBare(p benchPeer, id string) (*bareClient, error) {
	d := websocket.Dialer{Subprotocols: []string{Subprotocol}, TLSClientConfig: p.tls, NetDialContext: dialTo(p.addr)}
	ws, _, err := d.Dial(p.url+"/"+id, nil)
	if err != nil {
		return nil, err
	}
	c := &bareClient{ws: ws, frames: make(chan []byte, 1)}
	go func() {
		defer close(c.frames)
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			c.frames <- data
		}
	}()
	return c, nil
}

func (c *bareClient) exchange(m mixCall) error {
	if err := c.ws.WriteMessage(websocket.TextMessage, appendCall(nil, newID(), m.action, m.request)); err != nil {
		return err
	}
	data, ok := <-c.frames
	if !ok {
		return io.EOF
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil || len(elems) != 3 {
		return fmt.Errorf("bad answer %s", data)
	}
	return nil
}

// dialStationConn dials as a station does: its own TLS config built from
// the CSMS's PEM bundle, the project's validator on.
func dialStationConn(ctx context.Context, p benchPeer, id string) (*Conn, error) {
	o := DialOptions{URL: p.url, StationID: id, NetDialContext: dialTo(p.addr),
		Options: Options{Logger: quiet(), Validator: schemaValidator}}
	if p.noValidation {
		o.Options.Validator = nil
	}
	if p.caPEM != nil {
		conf, err := StationTLSConfig(TLSOptions{URL: p.url, RootCAs: p.caPEM})
		if err != nil {
			return nil, err
		}
		o.TLSConfig = conf
	}
	c, _, err := Dial(ctx, o)
	return c, err
}

type footprint struct{ goroutines, bytes, rss float64 }

// measure dials n connections, each after one exchange of every kind in
// the mix, and returns the per-connection growth in goroutines, heap plus
// stacks, and RSS.
func measure(b *testing.B, n int, dial func(i int) error) footprint {
	b.Helper()
	g0, m0, r0 := runtime.NumGoroutine(), memNow(), rssNow()
	for i := range n {
		if err := dial(i); err != nil {
			b.Fatalf("connection %d: %v", i, err)
		}
	}
	time.Sleep(100 * time.Millisecond) // let handshake goroutines exit
	g1, m1, r1 := runtime.NumGoroutine(), memNow(), rssNow()
	return footprint{float64(g1-g0) / float64(n), float64(m1-m0) / float64(n), float64(r1-r0) / float64(n)}
}

func memNow() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc + m.StackInuse)
}

// rssNow returns freed pages to the OS first, so that the delta reflects
// live memory rather than what an earlier run left mapped.
func rssNow() int64 {
	debug.FreeOSMemory()
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStations holds n station Conns (the project's validator on,
// each with the TLS config a station builds) and n bare gorilla clients
// to a CSMS in another process over wss://, and reports per-connection
// memory and goroutines and the CPU per exchange of the message mix
// (Boot, Heartbeat, StatusNotification, MeterValues, TransactionEvent),
// each next to the floor's and as a ratio. Figures are this process's
// only: the CSMS's side is not in them. Run with a fixed count, e.g.
// -benchtime=20000x: setup dominates otherwise. wss-novalidate is the
// same without the validator, to tell its share.
func BenchmarkStations(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("wss/n=%d", n), func(b *testing.B) { benchStations(b, n, true) })
	}
	b.Run("wss-novalidate/n=1000", func(b *testing.B) { benchStations(b, 1000, false) })
}

func benchStations(b *testing.B, n int, validate bool) {
	peer := startServerProcess(b, true)
	peer.noValidation = !validate
	ctx := context.Background()
	warmUp(b, ctx, peer)

	bare := make([]*bareClient, n)
	bareFP := measure(b, n, func(i int) error {
		c, err := dialBare(peer, fmt.Sprintf("BARE-%d", i))
		if err == nil {
			bare[i] = c
			err = bareMix(c)
		}
		return err
	})
	conns := make([]*Conn, n)
	rpcFP := measure(b, n, func(i int) error {
		c, err := dialStationConn(ctx, peer, fmt.Sprintf("CS-%d", i))
		if err == nil {
			conns[i] = c
			err = stationMix(ctx, c)
		}
		return err
	})
	defer func() {
		for i := range n {
			_ = conns[i].Close()
			_ = bare[i].ws.Close()
		}
	}()

	b.ResetTimer()
	rpcCPU, bareCPU := exchanges(b, conns, bare)
	b.StopTimer()

	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(rpcCPU), "cpu-ns/exchange")
	b.ReportMetric(per(bareCPU), "bare-cpu-ns/exchange")
	b.ReportMetric(per(rpcCPU)/per(bareCPU), "cpu-ratio")
	b.ReportMetric(rpcFP.goroutines, "goroutines/station")
	b.ReportMetric(bareFP.goroutines, "bare-goroutines/conn")
	b.ReportMetric(rpcFP.bytes, "heap+stack-B/station")
	b.ReportMetric(bareFP.bytes, "bare-heap+stack-B/conn")
	b.ReportMetric(rpcFP.bytes/bareFP.bytes, "mem-ratio")
	b.ReportMetric(rpcFP.rss, "rss-B/station")
	b.ReportMetric(bareFP.rss, "bare-rss-B/conn")
}

// warmUp sends the mix once on each side, so that what happens once per
// process (schema compilation, buffer pools) is not charged to the
// connections measured.
func warmUp(b *testing.B, ctx context.Context, peer benchPeer) {
	c, err := dialStationConn(ctx, peer, "CS-WARM")
	if err == nil {
		err = stationMix(ctx, c)
		defer c.Close()
	}
	if err != nil {
		b.Fatal("warm-up station: ", err)
	}
	bc, err := dialBare(peer, "BARE-WARM")
	if err == nil {
		err = bareMix(bc)
		defer bc.ws.Close()
	}
	if err != nil {
		b.Fatal("warm-up bare client: ", err)
	}
}

func stationMix(ctx context.Context, c *Conn) error {
	for _, m := range messageMix {
		if _, err := c.Call(ctx, m.action, m.request); err != nil {
			return err
		}
	}
	return nil
}

func bareMix(c *bareClient) error {
	for _, m := range messageMix {
		if err := c.exchange(m); err != nil {
			return err
		}
	}
	return nil
}

// exchanges runs b.N exchanges on each side, connection after connection
// and message after message of the mix, alternating chunks of 250 so that
// load from other processes on the box falls on both sides alike.
func exchanges(b *testing.B, conns []*Conn, bare []*bareClient) (rpcCPU, bareCPU time.Duration) {
	const chunk = 250
	ctx, n := context.Background(), len(conns)
	for done := 0; done < b.N; done += chunk {
		m := min(chunk, b.N-done)
		cpu0 := cpuNow()
		for i := done; i < done+m; i++ {
			call := messageMix[i%len(messageMix)]
			if _, err := conns[i%n].Call(ctx, call.action, call.request); err != nil {
				b.Fatal(err)
			}
		}
		rpcCPU += cpuNow() - cpu0
		cpu0 = cpuNow()
		for i := done; i < done+m; i++ {
			if err := bare[i%n].exchange(messageMix[i%len(messageMix)]); err != nil {
				b.Fatal(err)
			}
		}
		bareCPU += cpuNow() - cpu0
	}
	return rpcCPU, bareCPU
}
