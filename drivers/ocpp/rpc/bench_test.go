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
	"strings"
	"testing"
)

const benchServerEnv = "RPC_BENCH_SERVER"

var heartbeatResult = []byte(`{"currentTime":"2026-01-01T00:00:00Z"}`)

// TestBenchServerProcess is not a test: run with RPC_BENCH_SERVER=1 it is
// the CSMS side of the benchmarks, in its own process so that only the
// station side is measured. It answers every CALL of the message mix with
// a valid CALLRESULT, and serves until its stdin closes.
func TestBenchServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) != "1" {
		t.Skip("helper process for BenchmarkStations")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Options: Options{Logger: quiet(), Handler: func(_ context.Context, action string, _ json.RawMessage) (any, error) {
		return mixResult(action), nil
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
	caPEM     []byte      // the CSMS root, nil for ws://
	tls       *tls.Config // built once from caPEM, for the floor
	// noValidation dials station Conns without a Validator.
	noValidation bool
}

func startServerProcess(b *testing.B, withTLS bool) benchPeer {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	var peer benchPeer
	if withTLS {
		ca := newCA(b, "bench root")
		_, certPEM, keyPEM := ca.issue(b, csmsHost, false, csmsHost)
		cmd.Env = append(cmd.Env, benchServerEnv+"_CERT="+string(certPEM), benchServerEnv+"_KEY="+string(keyPEM))
		var err error
		peer.caPEM = ca.pem
		if peer.tls, err = StationTLSConfig(TLSOptions{URL: "wss://" + csmsHost, RootCAs: ca.pem}); err != nil {
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
			peer.addr = addr
			if peer.tls == nil {
				peer.url = "ws://" + addr + "/ocpp"
			} else {
				peer.url = "wss://" + csmsHost + addr[strings.LastIndexByte(addr, ':'):] + "/ocpp"
			}
			return peer
		}
	}
	b.Fatalf("server process gave no address: %v", sc.Err())
	return benchPeer{}
}
