package station

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
)

// The station's side of the tests against ocpp-go's CSMS (drivers/ocpp/gocsms):
// how the CSMS is set up for a security profile and the waits and requests
// every test makes, failing the test rather than returning an error. Any
// frame ocpp-go refuses fails the test at its end (gocsms.New).

// goOptions configure the CSMS's transport: Basic auth, TLS 1.2 or later
// with a server certificate for localhost, and mutual TLS with clientCAs.
type goOptions struct {
	password  string
	basicAuth bool
	cert      *testPair
	clientCAs *x509.CertPool
}

func startGoCSMS(t *testing.T, o goOptions) *gocsms.CSMS {
	t.Helper()
	opts := gocsms.Options{BasicAuth: o.basicAuth, Password: o.password}
	if o.cert != nil {
		conf := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.clientCAs != nil {
			conf.ClientAuth, conf.ClientCAs = tls.RequireAndVerifyClientCert, o.clientCAs
		}
		opts.CertFile, opts.KeyFile, opts.TLSConfig, opts.Host = o.cert.certPath, o.cert.keyPath, conf, "localhost"
	}
	return gocsms.New(t, opts)
}

// goCtx bounds one wait or request as the fixture bounds its own.
func goCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), fixture.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// waitFor returns the first request of R's action, from any station, at
// or after position from that match accepts (nil accepts any), waiting
// for it.
func waitFor[R any, PR interface {
	*R
	ocpp.Request
}](t *testing.T, g *gocsms.CSMS, from int, match func(PR) bool) PR {
	t.Helper()
	r, _, err := gocsms.WaitRequest[R, PR](goCtx(t), g, from, "", match)
	if err != nil {
		t.Fatalf("%s at the CSMS since %d: %v", PR(new(R)).GetFeatureName(), from, err)
	}
	return r
}

// requests returns every request of R's action so far, from any station.
func requests[R any, PR interface {
	*R
	ocpp.Request
}](t *testing.T, g *gocsms.CSMS) []PR {
	t.Helper()
	out, err := gocsms.Requests[R, PR](g, "")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// must sends req to station and returns its answer, which must be a
// CALLRESULT of type Resp.
func must[Resp ocpp.Response](t *testing.T, g *gocsms.CSMS, station string, req ocpp.Request) Resp {
	t.Helper()
	res, err := gocsms.Send[Resp](goCtx(t), g, station, req)
	if err != nil {
		t.Fatalf("CSMS request %s to %s: %v", req.GetFeatureName(), station, err)
	}
	return res
}

// handshakes are the connections ocpp-go accepted, in order, without the
// disconnections.
func handshakes(g *gocsms.CSMS) []gocsms.Connection {
	var out []gocsms.Connection
	for _, c := range g.Connections() {
		if c.Connected {
			out = append(out, c)
		}
	}
	return out
}
