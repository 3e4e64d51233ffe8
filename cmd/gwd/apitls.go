package main

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/ocppgw/ocppgw/api/servingcert"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// certSource is what serves the admin API's certificate.
type certSource interface {
	GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error)
	PEM() ([]byte, error)
}

// fileCert is a certificate and key the operator gave as files, read once
// at start.
type fileCert struct {
	cert *tls.Certificate
	pem  []byte
}

func (f *fileCert) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) { return f.cert, nil }
func (f *fileCert) PEM() ([]byte, error)                                          { return f.pem, nil }

// apiCertificate returns the source of the admin API's certificate: the
// PEM files given, or the tls Secret (made self-signed for the API's
// addresses when it is gwd's own and missing, expiring or lacking one).
func apiCertificate(st *store.Store, o *options, ln net.Listener, log *slog.Logger) (certSource, error) {
	if o.apiTLSCertFile != "" || o.apiTLSKeyFile != "" {
		if o.apiTLSCertFile == "" || o.apiTLSKeyFile == "" {
			return nil, fmt.Errorf("--api-tls-cert-file and --api-tls-key-file go together")
		}
		c, err := tls.LoadX509KeyPair(o.apiTLSCertFile, o.apiTLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("--api-tls-cert-file %s, --api-tls-key-file %s: %w", o.apiTLSCertFile, o.apiTLSKeyFile, err)
		}
		pem, err := os.ReadFile(o.apiTLSCertFile)
		if err != nil {
			return nil, fmt.Errorf("--api-tls-cert-file: %w", err)
		}
		return &fileCert{cert: &c, pem: pem}, nil
	}
	wrote, err := servingcert.Ensure(st, o.apiTLSSecret, apiHosts(ln.Addr()), time.Now())
	if err != nil {
		return nil, err
	}
	src := servingcert.NewSource(st, o.apiTLSSecret)
	pem, err := src.PEM()
	if err != nil {
		return nil, err
	}
	fp, _ := servingcert.Fingerprint(pem)
	if wrote {
		log.Info("made the admin API's self-signed certificate", "secret", o.apiTLSSecret, "sha256", fp)
	} else {
		log.Info("admin API certificate", "secret", o.apiTLSSecret, "sha256", fp)
	}
	return src, nil
}

// apiHosts are the names and addresses the self-signed certificate is for:
// loopback, the host name, and the listen address, or every interface's
// address when gwd listens on all of them.
func apiHosts(addr net.Addr) []string {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if name, err := os.Hostname(); err == nil && name != "" && name != "localhost" {
		hosts = append(hosts, name)
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return hosts
	}
	if !tcp.IP.IsUnspecified() {
		if !tcp.IP.IsLoopback() {
			hosts = append(hosts, tcp.IP.String())
		}
		return hosts
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			hosts = append(hosts, n.IP.String())
		}
	}
	return hosts
}

// localURL is the API's URL for gwctl on this machine: loopback when gwd
// listens on every address.
func localURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return "https://" + addr.String()
	}
	return fmt.Sprintf("https://127.0.0.1:%d", tcp.Port)
}

// caData is the certificate as gwctl.yaml pins it: base64 of the PEM, on
// one line, as kubeconfig's certificate-authority-data.
func caData(src certSource) (string, error) {
	pem, err := src.PEM()
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(pem), nil
}

// followCertificate rewrites gwctl.yaml whenever the certificate served
// changes (the operator replaced the Secret, or gwd renewed it), so that
// gwctl keeps trusting exactly what gwd serves.
func followCertificate(ctx context.Context, st *store.Store, src certSource, secret, dataDir, url string, log *slog.Logger) {
	if _, files := src.(*fileCert); files {
		return
	}
	w, err := st.Watch(ctx, store.WatchOptions{Kind: v1alpha1.KindSecret, Revision: st.Revision()})
	if err != nil {
		log.Warn("not following the admin API certificate; gwctl.yaml is updated at the next start", "err", err)
		return
	}
	defer w.Stop()
	for ev := range w.Events() {
		if ev.Object == nil || ev.Object.Metadata.Name != secret {
			continue
		}
		if _, err := writeClientConfig(st, dataDir, url, src, log); err != nil {
			log.Warn("gwctl.yaml not updated for the new admin API certificate", "err", err)
			continue
		}
		log.Info("admin API certificate changed; gwctl.yaml pins the new one", "secret", secret)
	}
}
