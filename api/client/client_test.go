package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func versionHandler(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprint(w, `{"version":"v9","commit":"c","goVersion":"go1"}`)
}

func TestHTTPSWithCAAndToken(t *testing.T) {
	var gotAuth string
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		versionHandler(w, r)
	}))
	defer ts.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})

	for name, cfg := range map[string]*Config{
		"inline PEM":    {Server: ts.URL, CertificateAuthorityData: string(caPEM), Token: "s3cret"},
		"inline base64": {Server: ts.URL, CertificateAuthorityData: base64.StdEncoding.EncodeToString(caPEM), Token: "s3cret"},
		"file":          {Server: ts.URL, CertificateAuthority: writeFile(t, "ca.pem", caPEM), Token: "s3cret"},
	} {
		c, err := New(cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if tc := c.http.Transport.(*http.Transport).TLSClientConfig; tc.MinVersion != tls.VersionTLS12 || tc.InsecureSkipVerify {
			t.Fatalf("%s: tls config %+v", name, tc)
		}
		v, err := c.Version(ctx(t))
		if err != nil || v.Version != "v9" {
			t.Fatalf("%s: version %+v, %v", name, v, err)
		}
		if gotAuth != "Bearer s3cret" {
			t.Fatalf("%s: Authorization = %q", name, gotAuth)
		}
	}

	// Without the CA the server's certificate is not trusted.
	c, err := New(&Config{Server: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Version(ctx(t)); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted server: %v", err)
	}
	if _, err := New(&Config{Server: ts.URL, CertificateAuthorityData: "-----BEGIN nothing"}); err == nil {
		t.Fatal("a CA without certificates was accepted")
	}
}

func TestHTTPSClientCertificate(t *testing.T) {
	certPEM, keyPEM, cert := selfSigned(t, "gwctl")
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "gwctl" {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		versionHandler(w, r)
	}))
	ts.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	ts.StartTLS()
	defer ts.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})

	c, err := New(&Config{Server: ts.URL, CertificateAuthorityData: string(caPEM),
		ClientCertificate: writeFile(t, "c.pem", certPEM), ClientKey: writeFile(t, "k.pem", keyPEM)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Version(ctx(t)); err != nil {
		t.Fatalf("with client certificate: %v", err)
	}
	c, _ = New(&Config{Server: ts.URL, CertificateAuthorityData: string(caPEM)})
	if _, err := c.Version(ctx(t)); err == nil {
		t.Fatal("the server accepted a client without certificate")
	}
}

func selfSigned(t *testing.T, cn string) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), cert
}

func writeFile(t *testing.T, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStatusErrors(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apis/ocppgw.dev/v1alpha1/chargers/gone":
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"apiVersion":"v1","kind":"Status","status":"Failure","message":"Charger \"gone\" not found","reason":"NotFound","code":404}`)
		default:
			http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
		}
	}))
	defer ts.Close()
	c, err := New(&Config{Server: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Get(ctx(t), "charger", "gone") // any form of the kind name works
	var se *StatusError
	if !errors.As(err, &se) || !IsNotFound(err) || err.Error() != `Charger "gone" not found` {
		t.Fatalf("err = %#v", err)
	}
	if IsConflict(err) || IsGone(err) || IsInvalid(err) || IsAlreadyExists(err) {
		t.Fatal("a NotFound matches another reason")
	}
	_, err = c.List(ctx(t), "Bus", "")
	if !errors.As(err, &se) || se.Status.Code != 502 || se.Status.Reason != v1alpha1.ReasonInternalError ||
		!strings.Contains(se.Error(), "502 Bad Gateway") || !strings.Contains(se.Error(), "bad gateway") {
		t.Fatalf("non-Status body: %#v", err)
	}
	if _, err := c.Get(ctx(t), "Widget", "x"); err == nil || !strings.Contains(err.Error(), `unknown kind "Widget"`) {
		t.Fatalf("unknown kind: %v", err)
	}
	for code, is := range map[int]func(error) bool{409: IsConflict, 410: IsGone, 422: IsInvalid} {
		err := &StatusError{Status: v1alpha1.APIStatus{Code: code, Reason: reasonForCode(code)}}
		if !is(err) || !is(fmt.Errorf("wrapped: %w", err)) {
			t.Errorf("code %d not recognised", code)
		}
	}
}

// streamServer answers a watch with the given lines, then ends the stream,
// or holds it open when hold is set.
func streamServer(t *testing.T, lines []string, hold bool) *Client {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" || r.URL.Query().Get("resourceVersion") != "7" ||
			r.URL.Query().Get("labelSelector") != "a=b" || r.URL.Query().Get("allowWatchBookmarks") != "true" {
			http.Error(w, "bad query "+r.URL.RawQuery, 400)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
		w.(http.Flusher).Flush()
		if hold {
			<-r.Context().Done()
		}
	}))
	t.Cleanup(ts.Close)
	c, err := New(&Config{Server: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var watchOpts = WatchOptions{ResourceVersion: "7", LabelSelector: "a=b", Bookmarks: true}

const addedLine = `{"type":"ADDED","object":{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b","resourceVersion":"8"}}}`

func drain(t *testing.T, w *Watch) []v1alpha1.Event {
	t.Helper()
	var out []v1alpha1.Event
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatal("watch did not end")
		}
	}
}

func TestWatchEnds(t *testing.T) {
	gone := `{"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","status":"Failure","message":"too old","reason":"Expired","code":410}}`
	tests := []struct {
		name  string
		lines []string
		check func(error) bool
	}{
		{"error event", []string{addedLine, gone}, IsGone},
		{"server closes", []string{addedLine}, func(err error) bool { return errors.Is(err, ErrStreamEnded) }},
		{"garbage", []string{addedLine, `{"type":`}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "watch /apis") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := streamServer(t, tt.lines, false).Watch(ctx(t), "Bus", watchOpts)
			if err != nil {
				t.Fatal(err)
			}
			evs := drain(t, w)
			if len(evs) != 1 || evs[0].Type != v1alpha1.Added || evs[0].Object.Metadata.ResourceVersion != "8" {
				t.Fatalf("events = %+v", evs)
			}
			if !tt.check(w.Err()) {
				t.Fatalf("Err() = %v", w.Err())
			}
		})
	}
}

func TestWatchStop(t *testing.T) {
	w, err := streamServer(t, []string{addedLine}, true).Watch(ctx(t), "Bus", watchOpts)
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-w.Events(); ev.Type != v1alpha1.Added {
		t.Fatalf("event = %+v", ev)
	}
	w.Stop()
	w.Stop()
	drain(t, w)
	if w.Err() != nil {
		t.Fatalf("Err after Stop = %v", w.Err())
	}
}
