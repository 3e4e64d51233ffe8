package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/servingcert"
	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// servedCert returns the certificate gwd presents at url.
func servedCert(t *testing.T, url string) *x509.Certificate {
	t.Helper()
	c, err := tls.Dial("tcp", strings.TrimPrefix(url, "https://"), &tls.Config{InsecureSkipVerify: true}) // only to read what is served
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0]
}

// TestAPIServesHTTPS: gwd listening on every address serves HTTPS only,
// with a self-signed certificate that gwctl.yaml pins; plain HTTP and a
// client pinning another certificate get nothing. When the operator
// replaces the certificate's Secret, the next connection gets the new one
// and gwctl.yaml pins it, so gwctl goes on working without a restart.
func TestAPIServesHTTPS(t *testing.T) {
	d := startGwd(t, t.TempDir(), "--api-listen", "0.0.0.0:0")
	defer d.stop(t)
	cfg := d.config(t)
	if !strings.HasPrefix(cfg.Server, "https://127.0.0.1:") || cfg.CertificateAuthorityData == "" {
		t.Fatalf("gwctl.yaml: server %q, pinned certificate %d bytes", cfg.Server, len(cfg.CertificateAuthorityData))
	}
	if _, errOut, code := d.gwctl(t, nil, "get", "chargers"); code != 0 {
		t.Fatalf("gwctl over HTTPS: %s", errOut)
	}
	plain := strings.Replace(cfg.Server, "https://", "http://", 1)
	if resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(plain + "/healthz"); err == nil && resp.StatusCode == http.StatusOK {
		t.Fatal("plain HTTP was answered 200")
	}
	otherPEM, otherKey, err := servingcert.SelfSigned([]string{"localhost", "127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(otherPEM)
	other := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if _, err := other.Get(cfg.Server + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client pinning another certificate: %v", err)
	}
	first := servedCert(t, cfg.Server)
	if first.Subject.Organization[0] != "ocppgw gwd" || first.VerifyHostname("127.0.0.1") != nil {
		t.Fatalf("served certificate %v", first.Subject)
	}

	indent := func(pem []byte) string {
		return "      " + strings.ReplaceAll(strings.TrimSpace(string(pem)), "\n", "\n      ")
	}
	doc := fmt.Sprintf("apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata: {name: %s}\nspec:\n  type: tls\n  data:\n    tls.crt: |\n%s\n    tls.key: |\n%s\n",
		servingcert.DefaultSecret, indent(otherPEM), indent(otherKey))
	if _, errOut, code := d.gwctl(t, strings.NewReader(doc), "apply", "-f", "-"); code != 0 {
		t.Fatalf("replace the certificate: %s", errOut)
	}
	fixture.Within(t, 30*time.Second, "gwd to serve the new certificate and gwctl.yaml to pin it", func() string {
		if servedCert(t, cfg.Server).Equal(first) {
			return "still the old certificate"
		}
		pinned, _ := base64.StdEncoding.DecodeString(d.config(t).CertificateAuthorityData)
		if string(pinned) != string(otherPEM) {
			return "gwctl.yaml pins the old certificate"
		}
		return ""
	})
	if _, errOut, code := d.gwctl(t, nil, "get", "chargers"); code != 0 {
		t.Fatalf("gwctl after the certificate changed: %s", errOut)
	}
}

// TestAPICertificateFromFiles: with --api-tls-cert-file and
// --api-tls-key-file gwd serves those, and gwctl.yaml pins them.
func TestAPICertificateFromFiles(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, err := servingcert.SelfSigned([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := dir+"/api.crt", dir+"/api.key"
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--api-tls-cert-file", certFile, "--api-tls-key-file", keyFile)
	defer d.stop(t)
	pinned, _ := base64.StdEncoding.DecodeString(d.config(t).CertificateAuthorityData)
	if string(pinned) != string(certPEM) {
		t.Fatal("gwctl.yaml does not pin the certificate of the files")
	}
	if _, errOut, code := d.gwctl(t, nil, "version"); code != 0 {
		t.Fatalf("gwctl with the files' certificate: %s", errOut)
	}
}
