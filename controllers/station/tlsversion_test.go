package station

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/security"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestOcppGoInvalidTLSVersion (TC_A_06): a CSMS endpoint that offers only
// TLS 1.1 is refused; once the operator points the CSMS resource at one that
// speaks TLS 1.2, the station connects and reports InvalidTLSVersion.
func TestOcppGoInvalidTLSVersion(t *testing.T) {
	const password = "csms-password-0123456789"
	ca := newTestCA(t, "CSMS root")
	server := ca.server(t, "localhost")
	pair, err := tls.X509KeyPair(server.certPEM, server.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	old, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair},
		MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	go func() {
		for {
			c, err := old.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).Handshake() // fails: the station wants TLS 1.2 or later
			c.Close()
		}
	}()
	g := startGoCSMS(t, goOptions{password: password, basicAuth: true, cert: &server})
	spec := csmsSpec()
	spec.SecurityProfile, spec.CABundle, spec.BasicAuthPasswordSecretRef = 2, string(ca.pem), passwordRef()
	f := stationFixture(t, fmt.Sprintf("wss://localhost:%d/ocpp", old.Addr().(*net.TCPAddr).Port), spec)
	f.Create("Secret", "csms-password", secret(v1alpha1.SecretBasicAuth, map[string]string{"password": password}))
	f.Create(Kind, "ch1", charger("GO-TLS11", 1))
	c := f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonOffline)
	if !strings.Contains(c.Message, "TLS 1.2") {
		t.Fatalf("Registered condition %q does not name the TLS version problem", c.Message)
	}
	spec.URL = g.URL
	f.Update("CSMS", "csms", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, func(r *security.SecurityEventNotificationRequest) bool { return r.Type == "InvalidTLSVersion" })
}
