package station

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/store"
)

// BenchmarkStations runs n stations (Charger resources under the station
// controller, on the fixture's store) and n bare gorilla/websocket clients
// against the same in-process rpcCSMS, and reports what a station costs
// next to the bare client, measured in the same run: goroutines and heap
// per connection, and CPU per exchange. An exchange is the CSMS triggering
// a Heartbeat: TriggerMessage answered, then the Heartbeat CALL answered.
//
// The CSMS's share (its side of each connection and exchange) is in both
// figures of a ratio, so a ratio understates what the station alone costs
// over the bare client; the extra-* metrics are the plain differences.
// ns/op is the mean wall time of an exchange, both sides together. Run
// with a fixed count, e.g. -benchtime=4000x: setup dominates otherwise.
func BenchmarkStations(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchStations(b, n) })
	}
}

func benchStations(b *testing.B, n int) {
	var cs *rpcCSMS
	// Labelled, so that a CPU profile tells the sides apart: what the CSMS
	// and the bare clients run is tagged side=csms or side=bare (goroutines
	// inherit the labels of the one that started them), the stations'
	// goroutines are untagged.
	pprof.Do(context.Background(), pprof.Labels("side", "csms"), func(context.Context) { cs = startRPCCSMS(b) })
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := fixture.New(b, template.Setup(template.Options{}), func(m *controllers.Manager, st *store.Store, _ *slog.Logger) error {
		return Setup(Options{})(m, st, quiet)
	})
	spec := csmsSpec()
	spec.URL = cs.url()
	f.Create("CSMS", "csms", spec)
	f.Create(template.Kind, "t", v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus, Manufacturer: "ACME", Model: "Wallbox 22",
		Signals: map[string]string{"energyWh": "0.0", "powerW": "0.0"}})
	f.Settle()
	warmUp(b, f, cs)

	bareIDs := make([]string, n)
	g0 := ownGoroutines()
	h0, s0 := memNow()
	for i := range n {
		bareIDs[i] = fmt.Sprintf("BARE-%03d", i)
		var c *bareStation
		var err error
		pprof.Do(context.Background(), pprof.Labels("side", "bare"), func(context.Context) { c, err = dialBareStation(cs.url(), bareIDs[i]) })
		if err != nil {
			b.Fatalf("bare client %d: %v", i, err)
		}
		b.Cleanup(func() { _ = c.Close() })
	}
	fixture.Within(b, time.Minute, "bare clients", func() string { return cs.notReady(bareIDs) })
	g1 := ownGoroutines()
	h1, s1 := memNow()
	_, stationIDs, _ := createChargers(f, "GW-BENCH", n, nil)
	fixture.Within(b, 5*time.Minute, "stations", func() string { return cs.notReady(stationIDs) })
	f.Settle()
	g2 := ownGoroutines()
	h2, s2 := memNow()
	writeHeapProfile(b)

	stopCPU := startCPUProfile(b)
	var cpu [2]time.Duration
	var count [2]int
	pprof.Do(context.Background(), pprof.Labels("side", "csms"), func(context.Context) {
		cpu, count = exchangeBoth(b, cs, [2][]string{stationIDs, bareIDs})
	})
	stopCPU()
	per := func(v int64) float64 { return float64(v) / float64(n) }
	b.ReportMetric(per(int64(g2-g1)), "goroutines/station")
	b.ReportMetric(per(int64(g1-g0)), "bare-goroutines/conn")
	b.ReportMetric(per(h2-h1), "heap-B/station")
	b.ReportMetric(per(h1-h0), "bare-heap-B/conn")
	b.ReportMetric(float64(h2-h1)/float64(h1-h0), "heap-ratio")
	b.ReportMetric(per(h2-h1)-per(h1-h0), "extra-heap-B/station")
	b.ReportMetric(per(s2-s1), "stack-B/station")
	b.ReportMetric(per(s1-s0), "bare-stack-B/conn")
	if count[0] > 0 && count[1] > 0 {
		station := float64(cpu[0].Nanoseconds()) / float64(count[0])
		bare := float64(cpu[1].Nanoseconds()) / float64(count[1])
		b.ReportMetric(station, "cpu-ns/exchange")
		b.ReportMetric(bare, "bare-cpu-ns/exchange")
		b.ReportMetric(station/bare, "cpu-ratio")
		b.ReportMetric(station-bare, "extra-cpu-ns/exchange")
	}
	if fails := cs.failures(); len(fails) > 0 {
		b.Fatalf("frames failing the schemas: %v", fails)
	}
}

// warmUp runs one bare client and one station through an exchange, so
// that what happens once per process (schema compilation, buffer pools,
// the device-model catalog) is not charged to the connections measured.
func warmUp(b *testing.B, f *fixture.Fixture, cs *rpcCSMS) {
	c, err := dialBareStation(cs.url(), "BARE-WARM")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	_, ids, _ := createChargers(f, "GW-WARM", 1, nil)
	ids = append(ids, "BARE-WARM")
	fixture.Within(b, time.Minute, "warm-up connections", func() string { return cs.notReady(ids) })
	for _, id := range ids {
		if err := cs.triggerHeartbeat(context.Background(), id); err != nil {
			b.Fatal(err)
		}
	}
	f.Settle()
}

// exchangeBoth runs the benchmark's exchanges, round robin over each
// side's connections, alternating sides every chunk so that whatever else
// loads the box falls on both alike. It returns each side's process CPU
// time and exchange count.
func exchangeBoth(b *testing.B, cs *rpcCSMS, ids [2][]string) (cpu [2]time.Duration, count [2]int) {
	const chunk = 100
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	i, mark := 0, cpuNow()
	for b.Loop() {
		side := i / chunk % 2
		if i%chunk == 0 && i > 0 {
			now := cpuNow()
			cpu[1-side] += now - mark
			mark = now
		}
		if err := cs.triggerHeartbeat(ctx, ids[side][count[side]%len(ids[side])]); err != nil {
			b.Fatal(err)
		}
		count[side]++
		i++
	}
	if i > 0 {
		cpu[(i-1)/chunk%2] += cpuNow() - mark
	}
	return cpu, count
}

// bareStation is the floor: gorilla/websocket with its defaults and one
// reader goroutine, doing the same exchanges as a station with no more
// work than splitting each frame into its array elements.
type bareStation struct {
	ws *websocket.Conn
	id int // the last message id used
}

func dialBareStation(url, id string) (*bareStation, error) {
	d := websocket.Dialer{Subprotocols: []string{rpc.Subprotocol}}
	ws, _, err := d.Dial(url+"/"+id, nil)
	if err != nil {
		return nil, err
	}
	c := &bareStation{ws: ws}
	now := time.Now().UTC().Format(time.RFC3339)
	for _, call := range []string{
		`"BootNotification",{"reason":"PowerUp","chargingStation":{"model":"Wallbox 22","vendorName":"ACME"}}`,
		`"StatusNotification",{"timestamp":"` + now + `","connectorStatus":"Available","evseId":1,"connectorId":1}`,
	} {
		if err := c.call(call); err != nil {
			_ = ws.Close()
			return nil, err
		}
		if _, data, err := ws.ReadMessage(); err != nil || !strings.HasPrefix(string(data), "[3,") {
			_ = ws.Close()
			return nil, fmt.Errorf("answer %s: %v", data, err)
		}
	}
	go c.serve()
	return c, nil
}

// call sends [2,"<id>",<actionAndPayload>].
func (c *bareStation) call(actionAndPayload string) error {
	c.id++
	return c.ws.WriteMessage(websocket.TextMessage, []byte(`[2,"`+strconv.Itoa(c.id)+`",`+actionAndPayload+`]`))
}

// serve answers a CALL (the TriggerMessage) with Accepted and then sends
// the Heartbeat; a CALLRESULT (the Heartbeat's) needs nothing.
func (c *bareStation) serve() {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil || len(elems) < 3 || string(elems[0]) != "2" {
			continue
		}
		answer := append(append([]byte(`[3,`), elems[1]...), `,{"status":"Accepted"}]`...)
		if c.ws.WriteMessage(websocket.TextMessage, answer) != nil || c.call(`"Heartbeat",{}`) != nil {
			return
		}
	}
}

func (c *bareStation) Close() error { return c.ws.Close() }

// ownGoroutines counts goroutines but the CSMS's: it serves each
// connection on a net/http connection goroutine.
func ownGoroutines() int {
	settleGoroutines(0)
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	k := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "net/http.(*conn).serve") {
			k++
		}
	}
	return k
}

// memNow is the live heap and the goroutine stacks in use after a
// collection (which also shrinks stacks that use a quarter of theirs).
func memNow() (heap, stack int64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc), int64(m.StackInuse)
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// writeHeapProfile writes the heap as it is with every station connected to
// the file named by OCPPGW_BENCH_HEAPPROFILE, if set: -memprofile writes it
// only after the stations are gone. Read it with
// go tool pprof -sample_index=inuse_space.
func writeHeapProfile(b *testing.B) {
	name := os.Getenv("OCPPGW_BENCH_HEAPPROFILE")
	if name == "" {
		return
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// startCPUProfile profiles the CPU of the exchanges alone to the file named
// by OCPPGW_BENCH_CPUPROFILE, if set (-cpuprofile takes in the setup too,
// which dominates), until the returned stop. Both sides' exchanges are in
// it: tell them apart by their frames (rpc.(*Conn) and Station for the
// stations, bareStation for the floor).
func startCPUProfile(b *testing.B) (stop func()) {
	name := os.Getenv("OCPPGW_BENCH_CPUPROFILE")
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}
