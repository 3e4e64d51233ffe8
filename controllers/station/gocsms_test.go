package station

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	ocpp2 "github.com/lorenzodonini/ocpp-go/ocpp2.0.1"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/authorization"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/availability"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/data"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/diagnostics"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/display"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/firmware"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/iso15118"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/localauth"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/meter"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/remotecontrol"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/reservation"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/security"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/smartcharging"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/tariffcost"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/transactions"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/lorenzodonini/ocpp-go/ocppj"
	"github.com/lorenzodonini/ocpp-go/ws"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// goCSMS is lorenzodonini/ocpp-go v0.19.0's OCPP 2.0.1 CSMS run in-process,
// a peer nobody here wrote (DESIGN §9). It answers what a station sends,
// records every request and connection, and collects every frame ocpp-go
// could not parse or validate: the test fails on any of those.
type goCSMS struct {
	csms ocpp2.CSMS
	ws   *ws.Server
	url  string

	mu       sync.Mutex
	boot     provisioning.RegistrationStatus
	interval int
	password string // the Basic-auth password accepted; "" takes none
	requests []goRequest
	connects []goConnect
	problems []string
}

// goRequest is one CALL a station sent.
type goRequest struct {
	station, action string
	req             ocpp.Request
}

// goConnect is one WebSocket handshake the CSMS accepted.
type goConnect struct {
	station        string
	user, password string // Basic auth, "" when absent
	basicAuth      bool
	tls            *tls.ConnectionState
}

// goOptions configure the CSMS's transport: Basic auth, TLS with a server
// certificate, and mutual TLS with clientCAs.
type goOptions struct {
	password  string
	basicAuth bool
	cert      *testPair
	clientCAs *x509.CertPool
}

func startGoCSMS(t *testing.T, o goOptions) *goCSMS {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()

	g := &goCSMS{boot: provisioning.RegistrationStatusAccepted, interval: 300, password: o.password}
	server, scheme, host := ws.NewServer(), "ws", "127.0.0.1"
	if o.cert != nil {
		conf := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.clientCAs != nil {
			conf.ClientAuth, conf.ClientCAs = tls.RequireAndVerifyClientCert, o.clientCAs
		}
		server, scheme, host = ws.NewTLSServer(o.cert.certPath, o.cert.keyPath, conf), "wss", "localhost"
	}
	if o.basicAuth {
		server.SetBasicAuthHandler(func(_, pass string) bool {
			g.mu.Lock()
			defer g.mu.Unlock()
			return pass == g.password
		})
	}
	endpoint := ocppj.NewServer(server, nil, nil, authorization.Profile, availability.Profile, data.Profile,
		diagnostics.Profile, display.Profile, firmware.Profile, iso15118.Profile, localauth.Profile, meter.Profile,
		provisioning.Profile, remotecontrol.Profile, reservation.Profile, security.Profile, smartcharging.Profile,
		tariffcost.Profile, transactions.Profile)
	endpoint.SetInvalidMessageHook(func(c ws.Channel, err *ocpp.Error, raw string, _ []any) *ocpp.Error {
		g.problem(fmt.Sprintf("ocpp-go rejected a frame of %s: %v: %s", c.ID(), err, raw))
		return nil
	})
	g.csms, g.ws = ocpp2.NewCSMS(endpoint, server), server
	g.csms.SetNewChargingStationValidationHandler(g.validate)
	g.csms.SetProvisioningHandler(g)
	g.csms.SetAvailabilityHandler(g)
	g.csms.SetSecurityHandler(g)
	g.csms.SetFirmwareHandler(g)
	g.csms.SetDiagnosticsHandler(g)
	g.csms.SetMeterHandler(g)
	errs, done := g.csms.Errors(), make(chan struct{})
	go func() {
		for {
			select {
			case err := <-errs:
				// A station stopped or replaced mid-CALL has closed its
				// socket; that ocpp-go cannot reply then is no fault.
				if !strings.Contains(err.Error(), "No socket with id") {
					g.problem(fmt.Sprintf("ocpp-go reported: %v", err))
				}
			case <-done:
				return
			}
		}
	}()
	go g.csms.Start(port, "/ocpp/{ws}")
	t.Cleanup(func() {
		g.csms.Stop()
		close(done)
	})
	t.Cleanup(func() { // runs first: the stations have stopped, the CSMS still runs
		for _, p := range g.snapshotProblems() {
			t.Errorf("%s", p)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	fixture.Eventually(t, "ocpp-go CSMS listening on "+addr, func() string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err.Error()
		}
		_ = c.Close()
		return ""
	})
	g.url = fmt.Sprintf("%s://%s:%d/ocpp", scheme, host, port)
	return g
}

// validate records the handshake. Basic auth's user must be the station id
// at the end of the URL (Part 4 §3.1.1); ocpp-go's Basic-auth callback is
// not given the id, so it is checked here.
func (g *goCSMS) validate(id string, r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.connects = append(g.connects, goConnect{station: id, user: user, password: pass, basicAuth: ok, tls: r.TLS})
	if ok && user != id {
		g.problems = append(g.problems, fmt.Sprintf("Basic-auth user %q is not the station id %q", user, id))
		return false
	}
	return true
}

func (g *goCSMS) problem(p string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.problems = append(g.problems, p)
}

func (g *goCSMS) snapshotProblems() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.problems...)
}

func (g *goCSMS) setBoot(status provisioning.RegistrationStatus, interval int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.boot, g.interval = status, interval
}

func (g *goCSMS) setPassword(p string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.password = p
}

func (g *goCSMS) record(station, action string, req ocpp.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests = append(g.requests, goRequest{station, action, req})
}

// mark is a position in the request log; waits and counts start there.
func (g *goCSMS) mark() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.requests)
}

func (g *goCSMS) since(from int) []goRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]goRequest(nil), g.requests[from:]...)
}

func (g *goCSMS) connections() []goConnect {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]goConnect(nil), g.connects...)
}

// wait returns the first request of action at or after from that match
// accepts, waiting for it.
func wait[R ocpp.Request](t *testing.T, g *goCSMS, from int, action string, match func(R) bool) R {
	t.Helper()
	var got R
	fixture.Eventually(t, action+" at the CSMS", func() string {
		for _, r := range g.since(from) {
			if req, ok := r.req.(R); ok && r.action == action && (match == nil || match(req)) {
				got = req
				return ""
			}
		}
		return fmt.Sprintf("%d requests since %d, none matching", len(g.since(from)), from)
	})
	return got
}

// all returns the requests of action at or after from.
func all[R ocpp.Request](g *goCSMS, from int, action string) []R {
	var out []R
	for _, r := range g.since(from) {
		if req, ok := r.req.(R); ok && r.action == action {
			out = append(out, req)
		}
	}
	return out
}

// ask sends one CSMS request through an ocpp-go typed sender and returns
// what its callback got.
func ask[T any](t *testing.T, send func(func(T, error)) error) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	if err := send(func(v T, err error) { ch <- result{v, err} }); err != nil {
		t.Fatalf("ocpp-go did not send the request: %v", err)
	}
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(fixture.Timeout):
		t.Fatal("no answer to the CSMS request")
	}
	var zero T
	return zero, nil
}

// must is ask for a request that must be answered with a CALLRESULT.
func must[T any](t *testing.T, send func(func(T, error)) error) T {
	t.Helper()
	v, err := ask(t, send)
	if err != nil {
		t.Fatalf("CSMS request: %v", err)
	}
	return v
}

func (g *goCSMS) OnBootNotification(id string, req *provisioning.BootNotificationRequest) (*provisioning.BootNotificationResponse, error) {
	g.record(id, provisioning.BootNotificationFeatureName, req)
	g.mu.Lock()
	defer g.mu.Unlock()
	return provisioning.NewBootNotificationResponse(types.NewDateTime(time.Now()), g.interval, g.boot), nil
}

func (g *goCSMS) OnNotifyReport(id string, req *provisioning.NotifyReportRequest) (*provisioning.NotifyReportResponse, error) {
	g.record(id, provisioning.NotifyReportFeatureName, req)
	return provisioning.NewNotifyReportResponse(), nil
}

func (g *goCSMS) OnHeartbeat(id string, req *availability.HeartbeatRequest) (*availability.HeartbeatResponse, error) {
	g.record(id, availability.HeartbeatFeatureName, req)
	return availability.NewHeartbeatResponse(*types.NewDateTime(time.Now())), nil
}

func (g *goCSMS) OnStatusNotification(id string, req *availability.StatusNotificationRequest) (*availability.StatusNotificationResponse, error) {
	g.record(id, availability.StatusNotificationFeatureName, req)
	return availability.NewStatusNotificationResponse(), nil
}

func (g *goCSMS) OnSecurityEventNotification(id string, req *security.SecurityEventNotificationRequest) (*security.SecurityEventNotificationResponse, error) {
	g.record(id, security.SecurityEventNotificationFeatureName, req)
	return security.NewSecurityEventNotificationResponse(), nil
}

func (g *goCSMS) OnSignCertificate(id string, req *security.SignCertificateRequest) (*security.SignCertificateResponse, error) {
	g.record(id, security.SignCertificateFeatureName, req)
	return security.NewSignCertificateResponse(types.GenericStatusRejected), nil
}

func (g *goCSMS) OnFirmwareStatusNotification(id string, req *firmware.FirmwareStatusNotificationRequest) (*firmware.FirmwareStatusNotificationResponse, error) {
	g.record(id, firmware.FirmwareStatusNotificationFeatureName, req)
	return firmware.NewFirmwareStatusNotificationResponse(), nil
}

func (g *goCSMS) OnPublishFirmwareStatusNotification(id string, req *firmware.PublishFirmwareStatusNotificationRequest) (*firmware.PublishFirmwareStatusNotificationResponse, error) {
	g.record(id, firmware.PublishFirmwareStatusNotificationFeatureName, req)
	return firmware.NewPublishFirmwareStatusNotificationResponse(), nil
}

func (g *goCSMS) OnLogStatusNotification(id string, req *diagnostics.LogStatusNotificationRequest) (*diagnostics.LogStatusNotificationResponse, error) {
	g.record(id, diagnostics.LogStatusNotificationFeatureName, req)
	return diagnostics.NewLogStatusNotificationResponse(), nil
}

func (g *goCSMS) OnNotifyCustomerInformation(id string, req *diagnostics.NotifyCustomerInformationRequest) (*diagnostics.NotifyCustomerInformationResponse, error) {
	g.record(id, diagnostics.NotifyCustomerInformationFeatureName, req)
	return diagnostics.NewNotifyCustomerInformationResponse(), nil
}

func (g *goCSMS) OnNotifyEvent(id string, req *diagnostics.NotifyEventRequest) (*diagnostics.NotifyEventResponse, error) {
	g.record(id, diagnostics.NotifyEventFeatureName, req)
	return diagnostics.NewNotifyEventResponse(), nil
}

func (g *goCSMS) OnMeterValues(id string, req *meter.MeterValuesRequest) (*meter.MeterValuesResponse, error) {
	g.record(id, meter.MeterValuesFeatureName, req)
	return meter.NewMeterValuesResponse(), nil
}

func (g *goCSMS) OnNotifyMonitoringReport(id string, req *diagnostics.NotifyMonitoringReportRequest) (*diagnostics.NotifyMonitoringReportResponse, error) {
	g.record(id, diagnostics.NotifyMonitoringReportFeatureName, req)
	return diagnostics.NewNotifyMonitoringReportResponse(), nil
}

// TestGoCSMSReportsInvalidFrames shows the check of every test can fail: a
// BootNotification lacking required fields, sent without the station's
// own validation, is caught by ocpp-go and lands in its problems.
func TestGoCSMSReportsInvalidFrames(t *testing.T) {
	g := startGoCSMS(t, goOptions{})
	conn, _, err := rpc.Dial(ctxT(t), rpc.DialOptions{URL: g.url, StationID: "GO-INVALID",
		Options: rpc.Options{Logger: slog.New(slog.DiscardHandler)}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Call(ctxT(t), "BootNotification", json.RawMessage(`{"chargingStation":{"model":"M1"}}`)); err == nil {
		t.Fatal("ocpp-go accepted a BootNotification without reason and vendorName")
	}
	if p := g.snapshotProblems(); len(p) != 1 || !strings.Contains(p[0], "GO-INVALID") {
		t.Fatalf("problems %q, want the rejected frame", p)
	}
	g.mu.Lock()
	g.problems = nil // seen: the cleanup check is for unexpected ones
	g.mu.Unlock()
}
