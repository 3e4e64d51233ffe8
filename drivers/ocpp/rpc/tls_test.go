package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

const csmsHost = "csms.example.test"

// tlsCSMS runs the package Server over TLS with the given server config
// and records the TLS state each accepted station presented.
type tlsCSMS struct {
	url, addr string
	mu        sync.Mutex
	states    []*tls.ConnectionState
}

func startTLSCSMS(t *testing.T, conf *tls.Config) *tlsCSMS {
	t.Helper()
	c := &tlsCSMS{}
	s := &Server{Options: Options{Logger: quiet()}, Auth: func(_, _ string, r *http.Request) bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.states = append(c.states, r.TLS)
		return true
	}}
	srv := httptest.NewUnstartedServer(s)
	srv.TLS = conf
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c.addr = srv.Listener.Addr().String()
	c.url = "wss://" + csmsHost + c.addr[strings.LastIndexByte(c.addr, ':'):] + "/ocpp"
	return c
}

func (c *tlsCSMS) last() *tls.ConnectionState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.states) == 0 {
		return nil
	}
	return c.states[len(c.states)-1]
}

func (c *tlsCSMS) dial(t *testing.T, conf *tls.Config) error {
	t.Helper()
	conn, _, err := Dial(testCtx(t), DialOptions{URL: c.url, StationID: "CS-TLS", Password: "0123456789abcdef",
		TLSConfig: conf, NetDialContext: dialTo(c.addr), Options: Options{Logger: quiet()}})
	if err == nil {
		_ = conn.Close()
	}
	return err
}

func TestTLSProfiles(t *testing.T) {
	ca, otherCA := newCA(t, "CSMS root"), newCA(t, "someone else")
	good, _, _ := ca.issue(t, csmsHost, false, csmsHost)
	wrongHost, _, _ := ca.issue(t, "other", false, "other.example.test")
	wildcard, _, _ := ca.issue(t, "*.example.test", false, "*.example.test")
	foreign, _, _ := otherCA.issue(t, csmsHost, false, csmsHost)
	badCN, _, _ := ca.issue(t, "Example CSMS", false, csmsHost)
	_, clientPEM, clientKey := ca.issue(t, "CS-TLS", true)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)

	tests := []struct {
		name   string
		server *tls.Config
		opts   TLSOptions
		want   error // nil: connects
	}{
		{"profile 2 valid certificate", &tls.Config{Certificates: []tls.Certificate{good}}, TLSOptions{}, nil},
		{"TLS 1.2 uses an A00 suite", &tls.Config{Certificates: []tls.Certificate{good}, MaxVersion: tls.VersionTLS12}, TLSOptions{}, nil},
		{"host name mismatch", &tls.Config{Certificates: []tls.Certificate{wrongHost}}, TLSOptions{}, ErrTLSCertificate},
		{"unknown root", &tls.Config{Certificates: []tls.Certificate{foreign}}, TLSOptions{}, ErrTLSCertificate},
		{"CN is not the host", &tls.Config{Certificates: []tls.Certificate{badCN}}, TLSOptions{}, ErrTLSCertificate},
		{"CN check skipped", &tls.Config{Certificates: []tls.Certificate{badCN}}, TLSOptions{SkipCommonNameCheck: true}, nil},
		{"wildcard refused by default", &tls.Config{Certificates: []tls.Certificate{wildcard}}, TLSOptions{}, ErrTLSCertificate},
		{"wildcard when allowed", &tls.Config{Certificates: []tls.Certificate{wildcard}}, TLSOptions{AllowWildcards: true}, nil},
		{"profile 3 mutual TLS", &tls.Config{Certificates: []tls.Certificate{good}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool},
			TLSOptions{ClientCert: clientPEM, ClientKey: clientKey}, nil},
		{"profile 3 without client certificate", &tls.Config{Certificates: []tls.Certificate{good}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool},
			TLSOptions{}, ErrTLSHandshake},
		{"TLS 1.1 server", &tls.Config{Certificates: []tls.Certificate{good}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}, TLSOptions{}, ErrTLSVersion},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			csms := startTLSCSMS(t, tc.server)
			tc.opts.URL, tc.opts.RootCAs = csms.url, ca.pem
			conf, err := StationTLSConfig(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			err = csms.dial(t, conf)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				if word := strings.Fields(tc.name)[0]; (word == "wildcard" || word == "CN") && !strings.Contains(err.Error(), word) {
					t.Fatalf("error %v does not name the %s rule", err, word)
				}
				return
			}
			st := csms.last()
			if st == nil || st.Version < tls.VersionTLS12 {
				t.Fatalf("connected without TLS 1.2+: %+v", st)
			}
			if st.Version == tls.VersionTLS12 && !slices.Contains(A00CipherSuites, st.CipherSuite) {
				t.Fatalf("TLS 1.2 suite %s is not an A00 suite", tls.CipherSuiteName(st.CipherSuite))
			}
			if tc.opts.ClientCert != nil && (len(st.PeerCertificates) == 0 || st.PeerCertificates[0].Subject.CommonName != "CS-TLS") {
				t.Fatalf("server did not see the station certificate")
			}
		})
	}
}

// TestTLSMinimumForced: a caller's own config allowing TLS 1.0 is raised
// to 1.2, so a TLS 1.1 CSMS is still refused.
func TestTLSMinimumForced(t *testing.T) {
	ca := newCA(t, "CSMS root")
	good, _, _ := ca.issue(t, csmsHost, false, csmsHost)
	csms := startTLSCSMS(t, &tls.Config{Certificates: []tls.Certificate{good}, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	err := csms.dial(t, &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10})
	if !errors.Is(err, ErrTLSVersion) {
		t.Fatalf("got %v, want ErrTLSVersion", err)
	}
}

func TestStationTLSConfigRejects(t *testing.T) {
	ca := newCA(t, "root")
	_, certPEM, _ := ca.issue(t, "CS", true)
	tests := []struct {
		name string
		o    TLSOptions
	}{
		{"no host", TLSOptions{URL: "wss:///x", RootCAs: ca.pem}},
		{"no roots", TLSOptions{URL: "wss://h/x", RootCAs: []byte("junk")}},
		{"cert without key", TLSOptions{URL: "wss://h/x", RootCAs: ca.pem, ClientCert: certPEM}},
	}
	for _, tc := range tests {
		if _, err := StationTLSConfig(tc.o); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// TestTLSCSMSByIPAddress: a CSMS addressed by IP (wss://127.0.0.1:…) is
// accepted when its certificate names that IP in a SAN, whatever its CN,
// and refused when no SAN names it.
func TestTLSCSMSByIPAddress(t *testing.T) {
	ca := newCA(t, "CSMS root")
	byIP, _, _ := ca.issue(t, "127.0.0.1", false, "127.0.0.1")
	byIPOtherCN, _, _ := ca.issue(t, "Example CSMS", false, "127.0.0.1")
	byName, _, _ := ca.issue(t, csmsHost, false, csmsHost)
	for _, tc := range []struct {
		name string
		cert tls.Certificate
		want error
	}{
		{"IP SAN and CN", byIP, nil},
		{"IP SAN, other CN", byIPOtherCN, nil},
		{"no IP SAN", byName, ErrTLSCertificate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csms := startTLSCSMS(t, &tls.Config{Certificates: []tls.Certificate{tc.cert}})
			csms.url = "wss://" + csms.addr + "/ocpp"
			conf, err := StationTLSConfig(TLSOptions{URL: csms.url, RootCAs: ca.pem})
			if err != nil {
				t.Fatal(err)
			}
			if err := csms.dial(t, conf); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}
