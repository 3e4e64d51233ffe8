package goe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
)

// These tests check the driver's own handling of what an HTTP server can
// do wrong; the go-e behaviour itself is tested against the peer.

// server answers every request with status and body, recording the
// request URIs.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	uris []string
}

func newServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request)) *server {
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.uris = append(s.uris, r.URL.RequestURI())
		s.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func answering(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func open(t *testing.T, url, timeout string, keys ...string) drivers.Device {
	t.Helper()
	o, _ := newOpener(nil)
	t.Cleanup(func() { _ = o.(*opener).Close() })
	read := &v1alpha1.TemplateRead{Sections: map[string]v1alpha1.ReadSpec{Protocol: &Read{Keys: keys, Optional: []string{"psm"}}}}
	dev, err := o.Open(context.Background(), drivers.Config{Charger: "wb",
		Connection: v1alpha1.NewConnection(ConnectionKey, &Connection{URL: url, Timeout: v1alpha1.Duration(timeout)}), Read: read})
	if err != nil {
		t.Fatal(err)
	}
	return dev
}

func TestReadAsksForTheTemplateKeysAndMarksMissingOnes(t *testing.T) {
	s := newServer(t, answering(200, `{"car":2,"amp":null}`))
	rd, err := open(t, s.URL, "1s", "car", "amp", "psm").Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.uris[0] != "/api/status?filter=car,amp,psm" {
		t.Errorf("asked %s", s.uris[0])
	}
	if rd.Input.Data["car"] != 2.0 || len(rd.Input.Data) != 1 {
		t.Errorf("data %v", rd.Input.Data)
	}
	if rd.Input.DataAbsent["amp"] != "answered null" || rd.Input.DataAbsent["psm"] != "not in the answer" {
		t.Errorf("absent %v", rd.Input.DataAbsent)
	}
	if len(rd.Failed) != 2 || rd.Failed[0].Optional || !rd.Failed[1].Optional || !errors.Is(rd.Failed[1].Err, drivers.ErrRejected) {
		t.Errorf("failed %+v", rd.Failed)
	}
}

// TestGarbageIsMalformed: an answer that is not one JSON object of at most
// MaxAnswer bytes leaves every key unknown as malformed; nothing is decoded
// from it.
func TestGarbageIsMalformed(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":     `car=2`,
		"array":        `[{"car":2}]`,
		"truncated":    `{"car":2,"amp":`,
		"two objects":  `{"car":2} {"car":3}`,
		"too large":    `{"car":2,"x":"` + strings.Repeat("a", MaxAnswer) + `"}`,
		"empty":        ``,
		"html error":   `<html>busy</html>`,
		"number first": `2`,
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, answering(200, body))
			rd, err := open(t, s.URL, "1s", "car").Read(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(rd.Input.Data) != 0 || len(rd.Failed) != 1 || !errors.Is(rd.Failed[0].Err, drivers.ErrMalformed) ||
				rd.Input.DataAbsent["car"] != "malformed answer" {
				t.Errorf("data %v, failed %+v", rd.Input.Data, rd.Failed)
			}
		})
	}
}

func TestHTTPErrorIsAnAnswerNotSilence(t *testing.T) {
	s := newServer(t, answering(500, `internal`))
	rd, err := open(t, s.URL, "1s", "car").Read(context.Background())
	if err != nil {
		t.Fatalf("a charger that answered 500 answered: %v", err)
	}
	if len(rd.Failed) != 1 || !errors.Is(rd.Failed[0].Err, drivers.ErrRejected) || !strings.Contains(rd.Failed[0].Err.Error(), "500") {
		t.Errorf("failed %+v", rd.Failed)
	}
}

func TestSilenceIsATimeout(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	dev := open(t, s.URL, "50ms", "car")
	if _, err := dev.Read(context.Background()); !errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("read: %v", err)
	}
	if err := dev.Write(context.Background(), []cel.Write{{Kind: cel.WriteKey, Key: "amp", Value: []byte("16")}}); !errors.Is(err, drivers.ErrTimeout) {
		t.Errorf("write: %v", err)
	}
}

// TestWriteIsDoneOnlyWhenConfirmed: a set is done when the charger answers
// the key with true, and nothing else counts as done.
func TestWriteIsDoneOnlyWhenConfirmed(t *testing.T) {
	cases := []struct {
		status int
		body   string
		want   error // nil: done
	}{
		{200, `{"amp":true}`, nil},
		{200, `{"amp":"value out of range"}`, drivers.ErrRejected},
		{200, `{"amp":false}`, drivers.ErrRejected},
		{200, `{"frc":true}`, drivers.ErrMalformed},
		{200, `{"amp":1}`, drivers.ErrMalformed},
		{200, `ok`, drivers.ErrMalformed},
		{400, `{"amp":"bad"}`, drivers.ErrRejected},
	}
	for _, c := range cases {
		s := newServer(t, answering(c.status, c.body))
		err := open(t, s.URL, "1s").Write(context.Background(), []cel.Write{{Kind: cel.WriteKey, Key: "amp", Value: []byte("16")}})
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%d %s: %v, want %v", c.status, c.body, err, c.want)
		}
		if s.uris[0] != "/api/set?amp=16" {
			t.Errorf("asked %s", s.uris[0])
		}
	}
}

func TestWritesStopAtTheFirstFailure(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("frc") {
			_, _ = w.Write([]byte(`{"frc":"not allowed"}`))
			return
		}
		_, _ = w.Write([]byte(`{"amp":true}`))
	})
	err := open(t, s.URL, "1s").Write(context.Background(), []cel.Write{
		{Kind: cel.WriteKey, Key: "frc", Value: []byte("2")}, {Kind: cel.WriteKey, Key: "amp", Value: []byte("16")}})
	if !errors.Is(err, drivers.ErrRejected) || len(s.uris) != 1 {
		t.Errorf("err %v after %v", err, s.uris)
	}
	if err := open(t, s.URL, "1s").Write(context.Background(), []cel.Write{{Kind: cel.WriteRegister, Address: 1, Words: []uint16{1}}}); !errors.Is(err, cel.ErrUnsupported) {
		t.Errorf("a register write: %v", err)
	}
}

func TestSetKeyQuotesStrings(t *testing.T) {
	v := setKey(typesString("fna"), typesString(`my "charger"`))
	w, ok := v.Value().(cel.Write)
	if !ok || string(w.Value) != `"my \"charger\""` {
		t.Fatalf("%v", v)
	}
	s := newServer(t, answering(200, `{"fna":true}`))
	if err := open(t, s.URL, "1s").Write(context.Background(), []cel.Write{w}); err != nil {
		t.Fatal(err)
	}
	if s.uris[0] != `/api/set?fna=%22my+%5C%22charger%5C%22%22` {
		t.Errorf("asked %s", s.uris[0])
	}
}
