package connlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of a Listener.
const (
	DefaultMax     = 512
	DefaultMaxShed = 256
	// ShedTimeout is how long a connection over the cap may take to send
	// its request: a probe sends it at once.
	ShedTimeout = time.Second
)

// Listener is a net.Listener that serves at most Max connections at once.
type Listener struct {
	net.Listener
	// Health answers GET /healthz on connections over the cap.
	Health http.Handler

	slots chan struct{}
	shed  chan struct{}
	// Shed counts connections answered over the cap or closed unread.
	Shed atomic.Int64
}

// New wraps l; max and maxShed of 0 take the defaults.
func New(l net.Listener, max, maxShed int, health http.Handler) *Listener {
	if max <= 0 {
		max = DefaultMax
	}
	if maxShed <= 0 {
		maxShed = DefaultMaxShed
	}
	return &Listener{Listener: l, Health: health, slots: make(chan struct{}, max), shed: make(chan struct{}, maxShed)}
}

// Accept returns the next connection within the cap; those over it are
// answered and closed on their own goroutine.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &conn{Conn: c, release: func() { <-l.slots }}, nil
		default:
		}
		l.Shed.Add(1)
		select {
		case l.shed <- struct{}{}:
			go func() {
				defer func() { <-l.shed }()
				l.answer(c)
			}()
		default:
			c.Close()
		}
	}
}

// answer reads one request within ShedTimeout and answers it.
func (l *Listener) answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(ShedTimeout))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	w := &response{header: http.Header{}, code: http.StatusOK}
	if req.Method == http.MethodGet && req.URL.Path == "/healthz" && l.Health != nil {
		l.Health.ServeHTTP(w, req)
	} else {
		w.header.Set("Content-Type", "application/json")
		w.header.Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"ServiceUnavailable","code":503,"message":"the admin API serves %d connections already; retry"}`+"\n", cap(l.slots))
	}
	w.header.Set("Connection", "close")
	resp := &http.Response{StatusCode: w.code, ProtoMajor: 1, ProtoMinor: 1, Header: w.header,
		ContentLength: int64(w.body.Len()), Body: http.NoBody, Close: true}
	if w.body.Len() > 0 {
		resp.Body = readCloser{&w.body}
	}
	resp.Write(c)
}

// response collects a handler's answer for a connection over the cap.
type response struct {
	header http.Header
	code   int
	wrote  bool
	body   bytes.Buffer
}

func (r *response) Header() http.Header { return r.header }
func (r *response) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
func (r *response) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
}

type readCloser struct{ *bytes.Buffer }

func (readCloser) Close() error { return nil }

// conn gives its slot back once, when it is closed.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
