package station

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/security"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
)

// Security profiles 1–3 against ocpp-go's CSMS (reference/ocpp201.md §g).

func secret(typ string, data map[string]string) v1alpha1.SecretSpec {
	return v1alpha1.SecretSpec{Type: typ, Data: data}
}

func passwordRef() *v1alpha1.SecretKeyRef { return &v1alpha1.SecretKeyRef{Name: "csms-password"} }

// lastConnect is the handshake ocpp-go accepted last from station.
func lastConnect(t *testing.T, g *gocsms.CSMS, station string) gocsms.Connection {
	t.Helper()
	var got gocsms.Connection
	fixture.Eventually(t, "a connection of "+station, func() string {
		for _, c := range handshakes(g) {
			if c.Station == station {
				got = c
			}
		}
		if got.Station == "" {
			return "none"
		}
		return ""
	})
	return got
}

// TestOcppGoSecurityProfiles (TC_A_01, TC_A_04, TC_A_07): the station
// connects with each profile, Basic auth as <stationId>:<password> for 1
// and 2, TLS 1.2 or later for 2 and 3, its certificate for 3 and then no
// Basic auth, and reports the profile in SecurityCtrlr.SecurityProfile.
func TestOcppGoSecurityProfiles(t *testing.T) {
	const password = "csms-password-0123456789"
	tests := []struct {
		name    string
		profile int
		caRef   bool // the CA bundle from a Secret instead of caBundle
	}{
		{"profile 1 Basic auth", 1, false},
		{"profile 2 caBundle", 2, false},
		{"profile 2 caSecretRef", 2, true},
		{"profile 3 mutual TLS", 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ca := newTestCA(t, "CSMS root")
			server, client := ca.server(t, "localhost"), ca.client(t, "SN-GO-SP", "ocppgw test")
			o := goOptions{password: password, basicAuth: tc.profile < 3}
			if tc.profile >= 2 {
				o.cert = &server
			}
			if tc.profile == 3 {
				o.clientCAs = ca.pool()
			}
			g := startGoCSMS(t, o)
			spec := csmsSpec()
			spec.SecurityProfile = tc.profile
			secrets := map[string]v1alpha1.SecretSpec{}
			switch {
			case tc.profile < 3:
				secrets["csms-password"] = secret(v1alpha1.SecretBasicAuth, map[string]string{"password": password})
				spec.BasicAuthPasswordSecretRef = passwordRef()
			default:
				secrets["station-cert"] = secret(v1alpha1.SecretTLS, map[string]string{"tls.crt": string(client.certPEM), "tls.key": string(client.keyPEM)})
				spec.ClientCertificateSecretRef = &v1alpha1.SecretRef{Name: "station-cert"}
			}
			switch {
			case tc.profile >= 2 && tc.caRef:
				secrets["csms-ca"] = secret(v1alpha1.SecretOpaque, map[string]string{"ca.crt": string(ca.pem)})
				spec.CASecretRef = &v1alpha1.SecretKeyRef{Name: "csms-ca"}
			case tc.profile >= 2:
				spec.CABundle = string(ca.pem)
			}
			f := stationFixture(t, g.URL, spec)
			for name, s := range secrets {
				f.Create("Secret", name, s)
			}
			ch := charger("GO-SP", 1)
			ch.OCPP.SerialNumber = "SN-GO-SP"
			f.Create(Kind, "ch1", ch)
			f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)

			c := lastConnect(t, g, "GO-SP")
			switch {
			case tc.profile < 3 && (!c.BasicAuth || c.User != "GO-SP" || c.Password != password):
				t.Fatalf("Basic auth %v %q:%q, want GO-SP:%s", c.BasicAuth, c.User, c.Password, password)
			case tc.profile == 3 && c.BasicAuth:
				t.Fatal("Basic auth sent with mutual TLS")
			case tc.profile == 1 && c.TLS != nil:
				t.Fatal("profile 1 used TLS")
			case tc.profile >= 2 && (c.TLS == nil || c.TLS.Version < tls.VersionTLS12):
				t.Fatalf("profile %d without TLS 1.2 or later: %+v", tc.profile, c.TLS)
			case tc.profile == 3 && (len(c.TLS.PeerCertificates) == 0 || c.TLS.PeerCertificates[0].Subject.CommonName != "SN-GO-SP"):
				t.Fatal("the CSMS did not see the station certificate")
			}
			got := goGetVariables(t, g, "GO-SP", getVar(comp("SecurityCtrlr"), "SecurityProfile"))
			if want := string(rune('0' + tc.profile)); got[0].AttributeValue != want {
				t.Fatalf("SecurityCtrlr.SecurityProfile %q, want %s", got[0].AttributeValue, want)
			}
		})
	}
}

// TestOcppGoInvalidCsmsCertificate (TC_A_05): a CSMS certificate from a CA
// the station does not trust keeps it offline, and the Registered
// condition says why; once the CSMS resource names the right CA the
// station connects and reports InvalidCsmsCertificate.
func TestOcppGoInvalidCsmsCertificate(t *testing.T) {
	const password = "csms-password-0123456789"
	ca, other := newTestCA(t, "CSMS root"), newTestCA(t, "someone else")
	server := ca.server(t, "localhost")
	g := startGoCSMS(t, goOptions{password: password, basicAuth: true, cert: &server})
	spec := csmsSpec()
	spec.SecurityProfile, spec.CABundle, spec.BasicAuthPasswordSecretRef = 2, string(other.pem), passwordRef()
	f := stationFixture(t, g.URL, spec)
	f.Create("Secret", "csms-password", secret(v1alpha1.SecretBasicAuth, map[string]string{"password": password}))
	f.Create(Kind, "ch1", charger("GO-BADCERT", 1))
	c := f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonOffline)
	if !strings.Contains(c.Message, "certificate") {
		t.Fatalf("Registered condition %q does not name the certificate problem", c.Message)
	}
	if n := len(handshakes(g)); n != 0 {
		t.Fatalf("the CSMS accepted %d connections with an untrusted certificate", n)
	}

	spec.CABundle, spec.URL = string(ca.pem), g.URL
	f.Update("CSMS", "csms", spec)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	ev := waitFor(t, g, 0, func(r *security.SecurityEventNotificationRequest) bool { return r.Type == "InvalidCsmsCertificate" })
	if ev.Timestamp == nil || !strings.Contains(ev.TechInfo, "certificate") {
		t.Fatalf("security event %+v", ev)
	}
}

// TestOcppGoWrongPassword (TC_A_01, A04): a password the CSMS refuses
// keeps the station offline; once the operator fixes the Secret the station
// connects and reports FailedToAuthenticateAtCsms.
func TestOcppGoWrongPassword(t *testing.T) {
	const password = "csms-password-0123456789"
	g := startGoCSMS(t, goOptions{password: password, basicAuth: true})
	spec := csmsSpec()
	spec.BasicAuthPasswordSecretRef = passwordRef()
	f := stationFixture(t, g.URL, spec)
	f.Create("Secret", "csms-password", secret(v1alpha1.SecretBasicAuth, map[string]string{"password": "not-the-password-0123"}))
	f.Create(Kind, "ch1", charger("GO-BADPASS", 1))
	c := f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonOffline)
	if !strings.Contains(c.Message, "401") {
		t.Fatalf("Registered condition %q does not say the CSMS refused the credentials", c.Message)
	}
	f.Update("Secret", "csms-password", secret(v1alpha1.SecretBasicAuth, map[string]string{"password": password}))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	waitFor(t, g, 0, func(r *security.SecurityEventNotificationRequest) bool { return r.Type == "FailedToAuthenticateAtCsms" })
	// The password that changed while offline made this connection: it is
	// not dropped for another one.
	heartbeat(t, g, "GO-BADPASS")
	if n := len(handshakes(g)); n != 1 {
		t.Fatalf("%d connections, want the one with the fixed password", n)
	}
}

// TestOcppGoBasicAuthPasswordChange (TC_A_09, TC_A_10): a password outside
// 16–64 characters is Rejected; a good one is Accepted, the station
// reconnects with it without booting again, keeps it in its own Secret
// (sealed: the bbolt file never holds it in plain text) and uses it again
// when the station is rebuilt.
func TestOcppGoBasicAuthPasswordChange(t *testing.T) {
	const (
		old   = "csms-password-0123456789"
		fresh = "fresh-Password:from+CSMS=42"
	)
	g := startGoCSMS(t, goOptions{password: old, basicAuth: true})
	spec := csmsSpec()
	spec.BasicAuthPasswordSecretRef = passwordRef()
	f := stationFixture(t, g.URL, spec)
	f.Create("Secret", "csms-password", secret(v1alpha1.SecretBasicAuth, map[string]string{"password": old}))
	ch := charger("GO-NEWPASS", 1)
	f.Create(Kind, "ch1", ch)
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	const id = "GO-NEWPASS"
	pw := comp("SecurityCtrlr")
	if r := goSetVariables(t, g, id, setVar(pw, "BasicAuthPassword", "too-short")); r[0].AttributeStatus != provisioning.SetVariableStatusRejected {
		t.Fatalf("a 9-character password: %s, want Rejected", r[0].AttributeStatus)
	}
	if n := len(handshakes(g)); n != 1 {
		t.Fatalf("%d connections after a rejected password, want 1", n)
	}

	g.SetPassword(fresh) // from now on only the new password is accepted
	if r := goSetVariables(t, g, id, setVar(pw, "BasicAuthPassword", fresh)); r[0].AttributeStatus != provisioning.SetVariableStatusAccepted {
		t.Fatalf("a good password: %s, want Accepted", r[0].AttributeStatus)
	}
	fixture.Eventually(t, "a connection with the new password", func() string {
		if c := lastConnect(t, g, id); c.Password != fresh {
			return "last with " + c.Password
		}
		return ""
	})
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	if n := len(g.Messages("", actBoot)); n != 1 {
		t.Fatalf("%d BootNotifications: a new password is a reconnect, not a reboot", n)
	}

	ref := storedOCPP(t, f, "ch1").BasicAuthPasswordSecretRef
	if ref == nil || ref.Name != "ch1-ocpp-password" || ref.Key != "password" {
		t.Fatalf("status.ocpp.basicAuthPasswordSecretRef %+v", ref)
	}
	obj, err := f.Store.Get("Secret", "ch1-ocpp-password")
	if err != nil {
		t.Fatal(err)
	}
	var sec v1alpha1.SecretSpec
	if err := json.Unmarshal(obj.Spec, &sec); err != nil || sec.Data["password"] != fresh {
		t.Fatalf("Secret ch1-ocpp-password: %v %+v", err, sec)
	}
	raw, err := os.ReadFile(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("ch1-ocpp-password")) {
		t.Fatal("the status naming the Secret is not in the bbolt file: the check below would prove nothing")
	}
	for _, p := range []string{fresh, old} {
		if bytes.Contains(raw, []byte(p)) {
			t.Errorf("the bbolt file holds the password %q in plain text", p)
		}
	}

	// Rebuilt from the stored Charger, the station still uses the new password.
	from := len(handshakes(g))
	ch.OCPP.FirmwareVersion = "2.0"
	f.Update(Kind, "ch1", ch)
	waitFor(t, g, 0, func(r *provisioning.BootNotificationRequest) bool { return r.ChargingStation.FirmwareVersion == "2.0" })
	for _, c := range handshakes(g)[from:] {
		if c.Password != fresh {
			t.Fatalf("the rebuilt station connected with %q", c.Password)
		}
	}
}
