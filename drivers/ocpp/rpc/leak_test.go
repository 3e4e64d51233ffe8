package rpc

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"
	"time"
)

// TestNoGoroutineLeak runs 1,000 connect, exchange, disconnect cycles,
// closing from the station and from the server in turn, with a ping timer
// armed, and checks the goroutine count returns to where it started.
func TestNoGoroutineLeak(t *testing.T) {
	cycles := 1000
	if testing.Short() {
		cycles = 100
	}
	srv := &Server{Options: Options{PingInterval: time.Minute, Handler: func(context.Context, string, json.RawMessage) (any, error) {
		return map[string]string{"currentTime": "2026-01-01T00:00:00Z"}, nil
	}}}
	url, conns := startServer(t, srv)
	cycle := func(i int) {
		st, _, err := Dial(context.Background(), DialOptions{URL: url, StationID: "CS-LEAK",
			Options: Options{PingInterval: time.Minute, Handler: stationHandler, Logger: quiet()}})
		if err != nil {
			t.Fatalf("cycle %d: dial: %v", i, err)
		}
		server := recvConn(t, conns)
		if _, err := st.Call(context.Background(), "Heartbeat", nil); err != nil {
			t.Fatalf("cycle %d: station call: %v", i, err)
		}
		if _, err := server.Call(context.Background(), "Reset", []byte(`{"type":"OnIdle"}`)); err != nil {
			t.Fatalf("cycle %d: server call: %v", i, err)
		}
		if i%2 == 0 {
			_ = st.Close()
			<-server.Done()
		} else {
			_ = server.Close()
			<-st.Done()
		}
	}
	cycle(-1) // warm up pools and the httptest server
	before := settledGoroutines(runtime.NumGoroutine())
	for i := range cycles {
		cycle(i)
	}
	if after := settledGoroutines(before); after > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before %d cycles, %d after:\n%s", before, cycles, after,
			buf[:runtime.Stack(buf, true)])
	}
}

// settledGoroutines waits for exiting goroutines to finish, up to a bound,
// and returns the count once it is at most target or stops falling.
func settledGoroutines(target int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(wait); n > target && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}
