package servingcert

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

var hosts = []string{"localhost", "127.0.0.1", "::1"}

func openStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := store.Open(path, store.Options{NoSync: true, CompactInterval: -1, EncryptionKey: bytes.Repeat([]byte{7}, store.KeySize), SealedKinds: v1alpha1.SealedKinds()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// serve runs an HTTPS server on loopback with the Source's certificate.
func serve(t *testing.T, src *Source) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{GetCertificate: src.GetCertificate, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "https://" + ln.Addr().String()
}

// get fetches url trusting exactly pinned.
func get(url string, pinned []byte) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pinned)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	resp, err := c.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

// TestSelfSignedIsPinnedAndSealed: the first Ensure makes a Secret, the
// second leaves it; a client pinning the served certificate connects and
// one pinning another certificate is refused; the key is not in the store
// file in clear.
func TestSelfSignedIsPinnedAndSealed(t *testing.T) {
	st, path := openStore(t)
	now := time.Now()
	if wrote, err := Ensure(st, DefaultSecret, hosts, now); err != nil || !wrote {
		t.Fatalf("first Ensure: %v %v", wrote, err)
	}
	if wrote, err := Ensure(st, DefaultSecret, hosts, now); err != nil || wrote {
		t.Fatalf("second Ensure wrote again: %v %v", wrote, err)
	}
	src := NewSource(st, DefaultSecret)
	url := serve(t, src)
	pinned, err := src.PEM()
	if err != nil {
		t.Fatal(err)
	}
	if err := get(url, pinned); err != nil {
		t.Fatalf("a client pinning the served certificate: %v", err)
	}
	other, _, err := SelfSigned(hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := get(url, other); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client pinning another certificate connected: %v", err)
	}
	st.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("PRIVATE KEY")) {
		t.Error("the private key is in the store file in clear")
	}
}

// TestOperatorSecretIsServedAtOnceAndKept: replacing the Secret with the
// operator's own certificate changes what the next handshake serves, with
// no restart, and Ensure does not renew a Secret it did not make even
// when it is about to expire.
func TestOperatorSecretIsServedAtOnceAndKept(t *testing.T) {
	st, _ := openStore(t)
	now := time.Now()
	if _, err := Ensure(st, DefaultSecret, hosts, now); err != nil {
		t.Fatal(err)
	}
	src := NewSource(st, DefaultSecret)
	url := serve(t, src)
	certPEM, keyPEM, err := SelfSigned(hosts, now)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := st.Get("Secret", DefaultSecret)
	spec, _ := json.Marshal(v1alpha1.SecretSpec{Type: v1alpha1.SecretTLS, Data: map[string]string{"tls.crt": string(certPEM), "tls.key": string(keyPEM)}})
	mine := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Secret", Spec: spec,
		Metadata: v1alpha1.ObjectMeta{Name: DefaultSecret, ResourceVersion: cur.Metadata.ResourceVersion}}
	if _, err := st.Update(mine); err != nil {
		t.Fatal(err)
	}
	if err := get(url, certPEM); err != nil {
		t.Fatalf("the operator's certificate is not served after the change: %v", err)
	}
	if wrote, err := Ensure(st, DefaultSecret, hosts, now.Add(Validity)); err != nil || wrote {
		t.Errorf("Ensure renewed the operator's Secret: %v %v", wrote, err)
	}
}

// TestManagedCertificateIsRenewed: a certificate gwd made is made again
// when it is about to expire or lacks a host gwd now serves on.
func TestManagedCertificateIsRenewed(t *testing.T) {
	st, _ := openStore(t)
	now := time.Now()
	if _, err := Ensure(st, DefaultSecret, hosts, now); err != nil {
		t.Fatal(err)
	}
	first, _ := NewSource(st, DefaultSecret).PEM()
	if wrote, err := Ensure(st, DefaultSecret, hosts, now.Add(Validity-RenewBefore/2)); err != nil || !wrote {
		t.Fatalf("near expiry: wrote %v, %v", wrote, err)
	}
	if wrote, err := Ensure(st, DefaultSecret, append(hosts, "gw.example"), now); err != nil || !wrote {
		t.Fatalf("a new host: wrote %v, %v", wrote, err)
	}
	last, _ := NewSource(st, DefaultSecret).PEM()
	cert, err := parseCert(last)
	if err != nil || bytes.Equal(first, last) || cert.VerifyHostname("gw.example") != nil || cert.VerifyHostname("127.0.0.1") != nil {
		t.Fatalf("renewed certificate: %v", err)
	}
	if ip := net.ParseIP("::1"); !cert.IPAddresses[1].Equal(ip) {
		t.Errorf("IP SANs %v", cert.IPAddresses)
	}
}

func TestFingerprint(t *testing.T) {
	certPEM, _, err := SelfSigned(hosts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	fp, err := Fingerprint(certPEM)
	if err != nil || len(fp) != 95 || strings.Count(fp, ":") != 31 {
		t.Fatalf("fingerprint %q %v", fp, err)
	}
	if _, err := Fingerprint([]byte("nope")); err == nil {
		t.Error("fingerprint of garbage")
	}
}
