package connlimit

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestOverTheCap: with every slot held by clients that send nothing, a
// GET /healthz is still answered by the Health handler, any other request
// gets 503, and once a slot is free requests are served normally again.
func TestOverTheCap(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	health := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	l := New(raw, 4, 2, health)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "served "+r.URL.Path) })}
	go srv.Serve(l)
	defer srv.Close()
	addr := raw.Addr().String()

	var held []net.Conn
	for range 4 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	waitSlots(t, l, 4)
	get := func(path string) (int, string) {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
		resp, err := c.Get("http://" + addr + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("healthz over the cap: %d %q", code, body)
	}
	if code, body := get("/apis/x"); code != 503 || !strings.Contains(body, "serves 4 connections") {
		t.Errorf("a request over the cap: %d %q", code, body)
	}
	if n := l.Shed.Load(); n != 2 {
		t.Errorf("%d connections shed, want 2", n)
	}
	held[0].Close()
	// The slot comes back once the server notices the close.
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := get("/apis/x")
		if code == 200 && body == "served /apis/x" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot came back: %d %q", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range held[1:] {
		c.Close()
	}
}

func waitSlots(t *testing.T, l *Listener, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(l.slots) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d slots taken", len(l.slots), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShedBound: more connections over the cap than MaxShed at once are
// closed unread, so the process holds at most Max + MaxShed of them.
func TestShedBound(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(raw, 1, 1, nil)
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(l)
	defer srv.Close()
	var conns []net.Conn
	for range 5 { // one slot, one shed reader (held 2 s), three closed unread
		c, err := net.Dial("tcp", raw.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	closed := 0
	for _, c := range conns[2:] {
		c.SetReadDeadline(time.Now().Add(ShedTimeout / 2))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	if closed != 3 {
		t.Errorf("%d of the 3 connections beyond Max+MaxShed were closed at once, want 3", closed)
	}
	for _, c := range conns {
		c.Close()
	}
}
