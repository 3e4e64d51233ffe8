package servingcert

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// ManagedLabel marks the tls Secret gwd made itself: only that one is
// renewed by gwd; a Secret the operator provides is served as it is.
const ManagedLabel = "ocppgw.dev/managed-by"

// DefaultSecret is the name of the Secret gwd makes.
const DefaultSecret = "gwd-api-tls"

// Source serves the certificate of a tls Secret, parsed again only when
// the Secret's resourceVersion changes.
type Source struct {
	st   *store.Store
	name string

	mu   sync.Mutex
	rv   string
	cert *tls.Certificate
	pem  []byte
}

// NewSource serves the tls Secret name of st.
func NewSource(st *store.Store, name string) *Source { return &Source{st: st, name: name} }

// GetCertificate is tls.Config.GetCertificate.
func (s *Source) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c, _, err := s.current()
	return c, err
}

// PEM returns the certificate served now, in PEM.
func (s *Source) PEM() ([]byte, error) {
	_, p, err := s.current()
	return p, err
}

func (s *Source) current() (*tls.Certificate, []byte, error) {
	obj, err := s.st.Get(v1alpha1.KindSecret, s.name)
	if err != nil {
		return nil, nil, fmt.Errorf("admin API certificate: Secret %q: %w", s.name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj.Metadata.ResourceVersion == s.rv && s.cert != nil {
		return s.cert, s.pem, nil
	}
	certPEM, keyPEM, err := tlsData(obj)
	if err != nil {
		return nil, nil, err
	}
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("admin API certificate: Secret %q: %w", s.name, err)
	}
	s.rv, s.cert, s.pem = obj.Metadata.ResourceVersion, &c, certPEM
	return s.cert, s.pem, nil
}

// tlsData returns a tls Secret's certificate and key.
func tlsData(obj *v1alpha1.Object) (certPEM, keyPEM []byte, err error) {
	var spec v1alpha1.SecretSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("admin API certificate: Secret %q: %w", obj.Metadata.Name, err)
	}
	if spec.Type != v1alpha1.SecretTLS {
		return nil, nil, fmt.Errorf("admin API certificate: Secret %q is of type %q, want %q", obj.Metadata.Name, spec.Type, v1alpha1.SecretTLS)
	}
	return []byte(spec.Data["tls.crt"]), []byte(spec.Data["tls.key"]), nil
}

// Ensure makes sure the Secret name holds a certificate to serve. Missing,
// it is made self-signed for hosts and stored with ManagedLabel; made by
// gwd and about to expire or lacking one of hosts, it is renewed. A Secret
// the operator provides is left alone. It reports whether it wrote.
func Ensure(st *store.Store, name string, hosts []string, now time.Time) (bool, error) {
	obj, err := st.Get(v1alpha1.KindSecret, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return true, writeSelfSigned(st, name, "", hosts, now)
	case err != nil:
		return false, fmt.Errorf("admin API certificate: %w", err)
	}
	if obj.Metadata.Labels[ManagedLabel] != "gwd" {
		return false, nil
	}
	certPEM, _, err := tlsData(obj)
	if err == nil {
		var cert *x509.Certificate
		if cert, err = parseCert(certPEM); err == nil && !NeedsRenewal(cert, hosts, now) {
			return false, nil
		}
	}
	return true, writeSelfSigned(st, name, obj.Metadata.ResourceVersion, hosts, now)
}

func writeSelfSigned(st *store.Store, name, rv string, hosts []string, now time.Time) error {
	certPEM, keyPEM, err := SelfSigned(hosts, now)
	if err != nil {
		return err
	}
	spec, err := json.Marshal(v1alpha1.SecretSpec{Type: v1alpha1.SecretTLS,
		Data: map[string]string{"tls.crt": string(certPEM), "tls.key": string(keyPEM)}})
	if err != nil {
		return err
	}
	obj := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindSecret, Spec: spec,
		Metadata: v1alpha1.ObjectMeta{Name: name, ResourceVersion: rv, Labels: map[string]string{ManagedLabel: "gwd"},
			Annotations: map[string]string{"ocppgw.dev/owner": "gwd: the admin API's self-signed certificate; replace it with your own tls Secret to serve that"}}}
	if rv == "" {
		_, err = st.Create(obj)
	} else {
		_, err = st.Update(obj)
	}
	if err != nil {
		return fmt.Errorf("admin API certificate: store Secret %q: %w", name, err)
	}
	return nil
}

func parseCert(certPEM []byte) (*x509.Certificate, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("no PEM certificate")
	}
	return x509.ParseCertificate(block.Bytes)
}
