package rpc

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// TLSOptions are the station's trust material for security profiles 2
// and 3, as PEM.
type TLSOptions struct {
	// URL is the CSMS endpoint; its host becomes the verified ServerName.
	URL string
	// RootCAs is the CSMSRootCertificate bundle. Only these roots are
	// trusted, never the system pool.
	RootCAs []byte
	// ClientCert and ClientKey, both or neither, are the station
	// certificate for profile 3 (mutual TLS).
	ClientCert, ClientKey []byte
	// AllowWildcards is SecurityCtrlr.AllowCSMSTLSWildcards. When false, a
	// CSMS certificate that names the host only through a wildcard is
	// rejected, which Go's verifier alone would accept.
	AllowWildcards bool
	// SkipCommonNameCheck turns off the A00.FR.510 check that the CSMS
	// certificate's subject CN is the host name, for CSMSs whose
	// certificates name the host only in the SAN. Go checks the SAN always.
	SkipCommonNameCheck bool
}

// A00CipherSuites are the TLS 1.2 suites OCPP 2.0.1 Part 2 A00.FR.318/319
// names, ECDHE first for forward secrecy. TLS 1.3 suites are not
// configurable in Go and all of them are acceptable.
var A00CipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
}

// StationTLSConfig builds the tls.Config a station dials with: TLS 1.2
// minimum, the A00 cipher suites, only the CSMS roots, ServerName from the
// URL, an optional client certificate and the wildcard rule.
func StationTLSConfig(o TLSOptions) (*tls.Config, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("rpc: TLS options: CSMS URL %q has no host", o.URL)
	}
	roots, err := rootPool(o.RootCAs)
	if err != nil {
		return nil, err
	}
	conf := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		CipherSuites: A00CipherSuites,
		RootCAs:      roots,
		ServerName:   u.Hostname(),
	}
	if len(o.ClientCert) > 0 || len(o.ClientKey) > 0 {
		cert, err := tls.X509KeyPair(o.ClientCert, o.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("rpc: TLS options: client certificate: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	conf.VerifyConnection = verifyCSMS(u.Hostname(), o.AllowWildcards, !o.SkipCommonNameCheck)
	return conf, nil
}

// certNameError is a CSMS certificate Go's verifier accepted but OCPP
// does not: named only through a wildcard, or with a CN that is not the host.
type certNameError struct {
	host, name, why string
}

func (e *certNameError) Error() string {
	return fmt.Sprintf("rpc: CSMS certificate for %s: %s %q", e.host, e.why, e.name)
}

// verifyCSMS runs after Go's chain and SAN checks succeeded, so it only
// adds the OCPP rules on top. The host is the URL's: Go leaves the
// connection state's ServerName empty for an IP address (no SNI), and a CN
// check against "" would refuse a CSMS whose IP SAN matched.
func verifyCSMS(urlHost string, allowWildcards, checkCN bool) func(tls.ConnectionState) error {
	host := strings.TrimSuffix(urlHost, ".")
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("rpc: CSMS sent no certificate")
		}
		leaf := cs.PeerCertificates[0]
		if net.ParseIP(host) != nil {
			return nil // matched by an IP address SAN: no wildcard, no host name CN
		}
		if !allowWildcards {
			if err := rejectWildcard(leaf, host); err != nil {
				return err
			}
		}
		if checkCN && !nameMatches(leaf.Subject.CommonName, host, allowWildcards) {
			return &certNameError{host: host, name: leaf.Subject.CommonName, why: "subject CN is not the host name:"}
		}
		return nil
	}
}

// rejectWildcard tells an exact SAN match from a wildcard one.
func rejectWildcard(leaf *x509.Certificate, host string) error {
	var wildcard string
	for _, name := range leaf.DNSNames {
		if strings.EqualFold(strings.TrimSuffix(name, "."), host) {
			return nil
		}
		if strings.HasPrefix(name, "*.") && wildcard == "" {
			wildcard = name
		}
	}
	if wildcard == "" {
		return nil
	}
	return &certNameError{host: host, name: wildcard, why: "matches only through a wildcard, which is not allowed:"}
}

// nameMatches compares a certificate name with the host, a leading "*."
// covering exactly one label when wildcards are allowed.
func nameMatches(name, host string, allowWildcards bool) bool {
	name = strings.TrimSuffix(name, ".")
	if strings.EqualFold(name, host) {
		return true
	}
	rest, isWildcard := strings.CutPrefix(name, "*.")
	_, parent, ok := strings.Cut(host, ".")
	return allowWildcards && isWildcard && ok && strings.EqualFold(rest, parent)
}
