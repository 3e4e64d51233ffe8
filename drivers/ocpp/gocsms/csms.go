package gocsms

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
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
	"github.com/lorenzodonini/ocpp-go/ocppj"
	"github.com/lorenzodonini/ocpp-go/ws"
)

// Validator checks payloads against message schemas, for example
// ocaschema.Validator over the OCA schemas.
type Validator interface {
	ValidateRequest(action string, payload []byte) error
	ValidateResponse(action string, payload []byte) error
}

// Options configure a CSMS. The zero value serves ws:// without
// authentication.
type Options struct {
	// CertFile and KeyFile, when set, serve wss:// with that certificate
	// (PEM files, as ocpp-go takes them). TLSConfig then adds settings,
	// such as ClientAuth and ClientCAs for mutual TLS.
	CertFile, KeyFile string
	TLSConfig         *tls.Config
	// Host is the host name in URL: 127.0.0.1 by default; "localhost"
	// when the certificate names only that.
	Host string
	// BasicAuth requires HTTP Basic auth whose user is the station id and
	// whose password is the one SetPassword gave (Password at start).
	BasicAuth bool
	Password  string
	// Validator, when set, checks every CALL a station sends and every
	// answer it gives to this CSMS; a failure is a problem.
	Validator Validator
	// MessageTimeout is how long ocpp-go waits for a station's answer
	// before it fails the request and sends the next one queued for that
	// station; 0 keeps ocpp-go's 30 s.
	MessageTimeout time.Duration
}

// CSMS is a running ocpp-go CSMS. Its methods are safe for concurrent use.
type CSMS struct {
	// URL is the base a station appends "/<stationId>" to, like
	// ws://127.0.0.1:PORT/ocpp.
	URL string

	ocpp      ocpp2.CSMS
	tap       *tap
	validator Validator
	done      chan struct{}

	mu          sync.Mutex
	changed     chan struct{} // closed and replaced on every new message
	messages    []Message
	connections []Connection
	problems    []string
	answers     answers
}

// Start runs a CSMS on a free port until Stop. ocpp-go listens on every
// interface; URL names the loopback.
func Start(o Options) (*CSMS, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	server, scheme := ws.NewServer(), "ws"
	if o.CertFile != "" || o.KeyFile != "" {
		server, scheme = ws.NewTLSServer(o.CertFile, o.KeyFile, o.TLSConfig), "wss"
	}
	c := &CSMS{validator: o.Validator, done: make(chan struct{}), changed: make(chan struct{}),
		answers: newAnswers(o.Password)}
	if o.BasicAuth {
		server.SetBasicAuthHandler(func(_, pass string) bool { return c.passwordIs(pass) })
	}
	c.tap = &tap{Server: server, csms: c}
	dispatcher := ocppj.NewDefaultServerDispatcher(ocppj.NewFIFOQueueMap(0))
	if o.MessageTimeout > 0 {
		dispatcher.SetTimeout(o.MessageTimeout)
	}
	endpoint := ocppj.NewServer(c.tap, dispatcher, nil, authorization.Profile, availability.Profile, data.Profile,
		diagnostics.Profile, display.Profile, firmware.Profile, iso15118.Profile, localauth.Profile, meter.Profile,
		provisioning.Profile, remotecontrol.Profile, reservation.Profile, security.Profile, smartcharging.Profile,
		tariffcost.Profile, transactions.Profile)
	endpoint.SetInvalidMessageHook(func(ch ws.Channel, err *ocpp.Error, raw string, _ []any) *ocpp.Error {
		c.refused(ch.ID(), fmt.Sprintf("ocpp-go refused a frame of %s: %v: %s", ch.ID(), err, raw), raw)
		return nil
	})
	c.ocpp = ocpp2.NewCSMS(endpoint, c.tap)
	c.setHandlers()
	go c.watchErrors(c.ocpp.Errors())
	go c.ocpp.Start(port, "/ocpp/{ws}")
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := waitListening(addr); err != nil {
		c.Stop()
		return nil, err
	}
	host := o.Host
	if host == "" {
		host = "127.0.0.1"
	}
	c.URL = fmt.Sprintf("%s://%s/ocpp", scheme, net.JoinHostPort(host, fmt.Sprint(port)))
	return c, nil
}

// New starts a CSMS for the test tb and stops it at the end; any problem
// left then fails the test.
func New(tb testing.TB, o Options) *CSMS {
	tb.Helper()
	c, err := Start(o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		// Stations stop before this (later cleanups run first), so a
		// problem here is the station's, not a teardown race.
		for _, p := range c.TakeProblems() {
			tb.Errorf("gocsms: %s", p)
		}
		c.Stop()
	})
	return c
}

func (c *CSMS) setHandlers() {
	h := handlers{c}
	c.ocpp.SetNewChargingStationValidationHandler(c.validateHandshake)
	c.ocpp.SetNewChargingStationHandler(func(cs ocpp2.ChargingStationConnection) { c.connected(cs.ID(), true) })
	c.ocpp.SetChargingStationDisconnectedHandler(func(cs ocpp2.ChargingStationConnection) { c.connected(cs.ID(), false) })
	c.ocpp.SetProvisioningHandler(h)
	c.ocpp.SetAvailabilityHandler(h)
	c.ocpp.SetAuthorizationHandler(h)
	c.ocpp.SetTransactionsHandler(h)
	c.ocpp.SetMeterHandler(h)
	c.ocpp.SetSecurityHandler(h)
	c.ocpp.SetFirmwareHandler(h)
	c.ocpp.SetDiagnosticsHandler(h)
	c.ocpp.SetDataHandler(h)
	c.ocpp.SetSmartChargingHandler(h)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("gocsms: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitListening polls until ocpp-go, started in a goroutine, accepts
// connections: it does not say when it is listening.
func waitListening(addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gocsms: ocpp-go is not listening on %s: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *CSMS) watchErrors(errs <-chan error) {
	for {
		select {
		case err, ok := <-errs:
			if !ok {
				return
			}
			// A station gone mid-CALL has closed its socket; that ocpp-go
			// cannot answer it then is no fault of the station.
			if !strings.Contains(err.Error(), "No socket with id") {
				c.problem("ocpp-go reported: %v", err)
			}
		case <-c.done:
			return
		}
	}
}

// Stop closes every connection and the listener.
func (c *CSMS) Stop() {
	select {
	case <-c.done:
		return
	default:
	}
	close(c.done)
	c.ocpp.Stop()
}

// Connection is one accepted WebSocket handshake or one disconnection.
type Connection struct {
	Station   string
	Connected bool // false: the disconnection of a station
	// On a handshake: Basic auth as sent ("" when absent) and TLS state.
	User, Password string
	BasicAuth      bool
	TLS            *tls.ConnectionState
}

// validateHandshake records the handshake. Basic auth's user must be the
// station id at the end of the URL (Part 4 §3.1.1); ocpp-go's Basic-auth
// callback is not given the id, so it is checked here.
func (c *CSMS) validateHandshake(id string, r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok && user != id {
		c.problems = append(c.problems, fmt.Sprintf("Basic-auth user %q is not the station id %q", user, id))
		return false
	}
	c.connections = append(c.connections, Connection{Station: id, Connected: true, User: user, Password: pass, BasicAuth: ok, TLS: r.TLS})
	c.notify()
	return true
}

func (c *CSMS) connected(id string, up bool) {
	if up {
		return // recorded by validateHandshake, with the request
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.connections = append(c.connections, Connection{Station: id})
	c.notify()
}

// Disconnect closes the connection of station from the CSMS side with a
// WebSocket close frame of code and reason, as a CSMS going down for
// maintenance would; the station is then free to dial again.
func (c *CSMS) Disconnect(station string, code int, reason string) error {
	if err := c.tap.StopConnection(station, websocket.CloseError{Code: code, Text: reason}); err != nil {
		return fmt.Errorf("gocsms: disconnect %s: %w", station, err)
	}
	return nil
}

// Connections returns every handshake and disconnection so far, in order.
func (c *CSMS) Connections() []Connection {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Connection(nil), c.connections...)
}

// refused records a frame ocpp-go refused. A refused answer to this CSMS's
// CALL also ends the Send waiting for it: ocpp-go would only time out.
func (c *CSMS) refused(station, problem, raw string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, problem)
	if f, ok := parseFrame([]byte(raw)); ok && f.kind != 2 {
		c.answers.refused[station] = append(c.answers.refused[station], problem)
		c.notify()
	}
}

func (c *CSMS) problem(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// Problems returns what went wrong so far: frames ocpp-go refused, errors
// it reported, Validator failures and bad Basic-auth users. A conformant
// station causes none.
func (c *CSMS) Problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.problems...)
}

// TakeProblems returns the problems and forgets them, for a test that
// provoked some on purpose.
func (c *CSMS) TakeProblems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.problems
	c.problems = nil
	return p
}

// OCPP is the ocpp-go CSMS itself, for requests this package does not wrap.
func (c *CSMS) OCPP() ocpp2.CSMS { return c.ocpp }

var errStopped = errors.New("gocsms: the CSMS is stopped")
