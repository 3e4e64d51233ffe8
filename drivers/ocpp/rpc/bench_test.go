package rpc

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const benchServerEnv = "RPC_BENCH_SERVER"

var heartbeatResult = []byte(`{"currentTime":"2026-01-01T00:00:00Z"}`)

// TestBenchServerProcess is not a test: run with RPC_BENCH_SERVER=1 it is
// the CSMS side of the benchmarks, in its own process so that only the
// station side is measured. It serves until its stdin closes.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) != "1" {
		t.Skip("helper process for BenchmarkStations1000")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Options: Options{Logger: quiet(), Handler: func(context.Context, string, json.RawMessage) (any, error) {
		return heartbeatResult, nil
	}}}
	if cert := os.Getenv(benchServerEnv + "_CERT"); cert != "" {
		pair, err := tls.X509KeyPair([]byte(cert), []byte(os.Getenv(benchServerEnv+"_KEY")))
		if err != nil {
			t.Fatal(err)
		}
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{pair}})
	}
	go func() { _ = http.Serve(l, s) }()
	fmt.Printf("ADDR %s\n", l.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// benchPeer says how the station side reaches the server process.
type benchPeer struct {
	url, addr string
	tls       *tls.Config // nil for ws://
}

func startServerProcess(b *testing.B, withTLS bool) benchPeer {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	var conf *tls.Config
	if withTLS {
		ca := newCA(b, "bench root")
		_, certPEM, keyPEM := ca.issue(b, csmsHost, false, csmsHost)
		cmd.Env = append(cmd.Env, benchServerEnv+"_CERT="+string(certPEM), benchServerEnv+"_KEY="+string(keyPEM))
		var err error
		if conf, err = StationTLSConfig(TLSOptions{URL: "wss://" + csmsHost, RootCAs: ca.pem}); err != nil {
			b.Fatal(err)
		}
	}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if addr, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			if conf == nil {
				return benchPeer{url: "ws://" + addr + "/ocpp", addr: addr}
			}
			return benchPeer{url: "wss://" + csmsHost + addr[strings.LastIndexByte(addr, ':'):] + "/ocpp", addr: addr, tls: conf}
		}
	}
	b.Fatalf("server process gave no address: %v", sc.Err())
	return benchPeer{}
}

// bareClient is the floor: gorilla/websocket with its defaults, one reader
// goroutine (a station must hear CSMS-initiated CALLs), an exchange being
// one text frame out and one in, split into its array elements.
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

func (c *bareClient) exchange() error {
	id := newID()
	if err := c.ws.WriteMessage(websocket.TextMessage, appendCall(nil, id, "Heartbeat", []byte("{}"))); err != nil {
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

type footprint struct{ goroutines, bytes, rss float64 }

// measure dials n connections, each after one exchange, and returns the
// per-connection growth in goroutines, heap plus stacks, and RSS.
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

// BenchmarkStations1000 holds 1,000 station Conns and 1,000 bare gorilla
// clients to a CSMS in another process, over ws:// and over wss://, and
// reports per-connection cost and CPU per Heartbeat exchange of both, as
// ratios. Run with -benchtime=20000x: setup dominates otherwise.
func BenchmarkStations1000(b *testing.B) {
	b.Run("ws", func(b *testing.B) { benchStations(b, false) })
	b.Run("wss", func(b *testing.B) { benchStations(b, true) })
}

func benchStations(b *testing.B, withTLS bool) {
	const n = 1000
	peer := startServerProcess(b, withTLS)
	ctx := context.Background()

	bare := make([]*bareClient, n)
	bareFP := measure(b, n, func(i int) error {
		c, err := dialBare(peer, fmt.Sprintf("BARE-%d", i))
		if err == nil {
			bare[i] = c
			err = c.exchange()
		}
		return err
	})
	conns := make([]*Conn, n)
	rpcFP := measure(b, n, func(i int) error {
		c, _, err := Dial(ctx, DialOptions{URL: peer.url, StationID: fmt.Sprintf("CS-%d", i), TLSConfig: peer.tls,
			NetDialContext: dialTo(peer.addr), Options: Options{Logger: quiet()}})
		if err == nil {
			conns[i] = c
			_, err = c.Call(ctx, "Heartbeat", nil)
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
	rpcCPU, bareCPU, rpcWall := exchanges(b, conns, bare)
	b.StopTimer()

	per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) }
	b.ReportMetric(per(rpcWall), "ns/op")
	b.ReportMetric(per(rpcCPU), "rpc-cpu-ns/exchange")
	b.ReportMetric(per(bareCPU), "bare-cpu-ns/exchange")
	b.ReportMetric(per(rpcCPU)/per(bareCPU), "cpu-ratio")
	b.ReportMetric(rpcFP.goroutines, "rpc-goroutines/conn")
	b.ReportMetric(bareFP.goroutines, "bare-goroutines/conn")
	b.ReportMetric(rpcFP.bytes, "rpc-heap+stack-B/conn")
	b.ReportMetric(bareFP.bytes, "bare-heap+stack-B/conn")
	b.ReportMetric(rpcFP.bytes/bareFP.bytes, "mem-ratio")
	b.ReportMetric(rpcFP.rss, "rpc-rss-B/conn")
	b.ReportMetric(bareFP.rss, "bare-rss-B/conn")
}

// exchanges runs b.N exchanges on each side, alternating chunks of 250 so
// that load from other processes on the box falls on both sides alike.
func exchanges(b *testing.B, conns []*Conn, bare []*bareClient) (rpcCPU, bareCPU, rpcWall time.Duration) {
	const chunk = 250
	ctx, n := context.Background(), len(conns)
	for done := 0; done < b.N; done += chunk {
		m := min(chunk, b.N-done)
		cpu0, t0 := cpuNow(), time.Now()
		for i := done; i < done+m; i++ {
			if _, err := conns[i%n].Call(ctx, "Heartbeat", nil); err != nil {
				b.Fatal(err)
			}
		}
		rpcCPU, rpcWall = rpcCPU+cpuNow()-cpu0, rpcWall+time.Since(t0)
		cpu0 = cpuNow()
		for i := done; i < done+m; i++ {
			if err := bare[i%n].exchange(); err != nil {
				b.Fatal(err)
			}
		}
		bareCPU += cpuNow() - cpu0
	}
	return rpcCPU, bareCPU, rpcWall
}
