package rpc

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestBasicAuth: the station sends stationId:password, the server checks
// it, and a wrong or missing password is ErrUnauthorized.
func TestBasicAuth(t *testing.T) {
	const id = "CS 01/é" // must survive path escaping
	var seen string
	srv := &Server{Auth: func(stationID, password string, _ *http.Request) bool {
		seen = stationID
		return password == "0123456789abcdef"
	}}
	url, conns := startServer(t, srv)
	tests := []struct {
		name, password string
		wantErr        error
	}{
		{"good password", "0123456789abcdef", nil},
		{"bad password", "wrong-password-00", ErrUnauthorized},
		{"no password", "", ErrUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, resp, err := Dial(testCtx(t), DialOptions{URL: url, StationID: id, Password: tc.password,
				Options: Options{Logger: quiet()}})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				if resp == nil || resp.StatusCode != http.StatusUnauthorized {
					t.Fatalf("response %v, want 401", resp)
				}
				return
			}
			defer c.Close()
			if got := recvConn(t, conns).StationID(); got != id || seen != id {
				t.Fatalf("server saw station %q (auth %q), want %q", got, seen, id)
			}
		})
	}
}

// TestServerRejectsWrongUser: the Basic user name must be the URL's id.
func TestServerRejectsWrongUser(t *testing.T) {
	url, _ := startServer(t, &Server{})
	h := http.Header{}
	(&http.Request{Header: h}).SetBasicAuth("someone-else", "pw")
	d := websocket.Dialer{Subprotocols: []string{Subprotocol}}
	_, resp, err := d.Dial(url+"/CS-1", h)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("got %v %v, want 401", resp, err)
	}
}

// TestSubprotocolEnforced covers both directions: a CSMS that does not
// select ocpp2.0.1 is refused by Dial, and the Server closes a client that
// did not offer it.
func TestSubprotocolEnforced(t *testing.T) {
	t.Run("CSMS selects none", func(t *testing.T) {
		up := websocket.Upgrader{} // ignores the offered subprotocols
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ws, err := up.Upgrade(w, r, nil); err == nil {
				defer ws.Close()
				_, _, _ = ws.ReadMessage()
			}
		}))
		defer srv.Close()
		_, _, err := Dial(testCtx(t), DialOptions{URL: "ws" + strings.TrimPrefix(srv.URL, "http"), StationID: "CS-S"})
		if !errors.Is(err, ErrSubprotocol) {
			t.Fatalf("got %v, want ErrSubprotocol", err)
		}
	})
	t.Run("client offers ocpp1.6 only", func(t *testing.T) {
		url, conns := startServer(t, &Server{})
		d := websocket.Dialer{Subprotocols: []string{"ocpp1.6"}}
		ws, _, err := d.Dial(url+"/CS-16", nil)
		if err != nil {
			t.Fatalf("handshake should complete (Part 4 §3.2), got %v", err)
		}
		defer ws.Close()
		_, _, err = ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseProtocolError {
			t.Fatalf("got %v, want close 1002", err)
		}
		select {
		case c := <-conns:
			t.Fatalf("OnConnect called for %s", c.StationID())
		default:
		}
	})
}

// TestDialRejectsOptions: configurations that would weaken a profile are
// refused before any packet is sent.
func TestDialRejectsOptions(t *testing.T) {
	tests := []struct {
		name string
		o    DialOptions
		want string
	}{
		{"insecure skip verify", DialOptions{URL: "wss://csms.test", StationID: "CS", TLSConfig: &tls.Config{InsecureSkipVerify: true}}, "InsecureSkipVerify"},
		{"wss without TLS config", DialOptions{URL: "wss://csms.test", StationID: "CS"}, "needs a TLSConfig"},
		{"TLS config on ws", DialOptions{URL: "ws://csms.test", StationID: "CS", TLSConfig: &tls.Config{}}, "ws:// but a TLSConfig"},
		{"max version below 1.2", DialOptions{URL: "wss://csms.test", StationID: "CS", TLSConfig: &tls.Config{MaxVersion: tls.VersionTLS11}}, "below TLS 1.2"},
		{"http scheme", DialOptions{URL: "http://csms.test", StationID: "CS"}, "scheme"},
		{"colon in station id", DialOptions{URL: "ws://csms.test", StationID: "CS:1"}, "station id"},
		{"station id too long", DialOptions{URL: "ws://csms.test", StationID: strings.Repeat("c", 49)}, "station id"},
		{"empty station id", DialOptions{URL: "ws://csms.test"}, "station id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Dial(testCtx(t), tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}
