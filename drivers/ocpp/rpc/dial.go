package rpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Handshake failures, distinguishable with errors.Is so the station can
// raise the matching SecurityEventNotification once it is connected.
var (
	// ErrUnauthorized: the CSMS answered 401 (FailedToAuthenticateAtCsms).
	ErrUnauthorized = errors.New("rpc: CSMS rejected the credentials (HTTP 401)")
	// ErrNotFound: the CSMS does not know the station id (HTTP 404).
	ErrNotFound = errors.New("rpc: CSMS does not know this station (HTTP 404)")
	// ErrHandshake: any other HTTP answer than 101.
	ErrHandshake = errors.New("rpc: WebSocket handshake refused")
	// ErrSubprotocol: the CSMS did not select the subprotocol offered
	// (Options.Subprotocol).
	ErrSubprotocol = errors.New("rpc: CSMS did not select the subprotocol offered")
	// ErrTLSCertificate: the CSMS certificate failed verification: unknown
	// root, expired, wrong host name or CN, or a wildcard not allowed
	// (InvalidCsmsCertificate).
	ErrTLSCertificate = errors.New("rpc: CSMS certificate rejected")
	// ErrTLSVersion: the CSMS offers no TLS 1.2 or later (InvalidTLSVersion).
	ErrTLSVersion = errors.New("rpc: CSMS does not offer TLS 1.2 or later")
	// ErrTLSHandshake: any other TLS failure, e.g. the CSMS refused the
	// client certificate or no cipher suite was shared.
	ErrTLSHandshake = errors.New("rpc: TLS handshake failed")
)

// maxStationIDLen is the identifierString limit of a station id (Part 4 §3.1.1).
const maxStationIDLen = 48

// DialOptions describe one station connection.
type DialOptions struct {
	// URL is the CSMS endpoint, ws:// (profile 1) or wss:// (profiles 2
	// and 3); the station id is appended as the last path segment.
	URL       string
	StationID string
	// Password is SecurityCtrlr.BasicAuthPassword, sent as Basic auth with
	// the station id as user name (profiles 1 and 2). Empty sends none.
	Password string
	// TLSConfig is required for wss://. MinVersion is raised to TLS 1.2;
	// InsecureSkipVerify is refused. StationTLSConfig builds one.
	TLSConfig        *tls.Config
	HandshakeTimeout time.Duration // default 30 s
	Header           http.Header   // extra handshake headers
	// NetDialContext replaces the TCP dialer, e.g. to bind a source
	// address; the TLS handshake still runs on top of it.
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	Options        Options
}

// writeBuffers is shared by every station: an idle connection then holds
// no write buffer, which is most of a bare gorilla client's per-connection
// cost.
var writeBuffers = &sync.Pool{}

// Dial connects a station to its CSMS and starts the Conn. The
// *http.Response is the handshake answer (nil when none arrived), useful
// when the error is ErrHandshake.
func Dial(ctx context.Context, o DialOptions) (*Conn, *http.Response, error) {
	opts, err := o.Options.normalize()
	if err != nil {
		return nil, nil, err
	}
	target, tlsConf, err := o.prepare()
	if err != nil {
		return nil, nil, err
	}
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: o.HandshakeTimeout,
		TLSClientConfig:  tlsConf,
		Subprotocols:     []string{opts.Subprotocol},
		WriteBufferPool:  writeBuffers,
		NetDialContext:   o.NetDialContext,
	}
	if d.HandshakeTimeout == 0 {
		d.HandshakeTimeout = 30 * time.Second
	}
	header := o.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if o.Password != "" {
		req := http.Request{Header: header}
		req.SetBasicAuth(o.StationID, o.Password)
	}
	ws, resp, err := d.DialContext(ctx, target, header)
	if err != nil {
		return nil, resp, classifyDialError(target, resp, err)
	}
	if ws.Subprotocol() != opts.Subprotocol {
		_ = ws.Close()
		return nil, resp, fmt.Errorf("%w: %s answered %q to %q", ErrSubprotocol, target, ws.Subprotocol(), opts.Subprotocol)
	}
	c := newConn(ws, o.StationID, opts)
	c.start()
	return c, resp, nil
}

// prepare checks the options and returns the full URL and the TLS config
// to use.
func (o DialOptions) prepare() (string, *tls.Config, error) {
	if o.StationID == "" || len(o.StationID) > maxStationIDLen || strings.Contains(o.StationID, ":") {
		return "", nil, fmt.Errorf("rpc: station id %q: want 1 to %d characters and no ':'", o.StationID, maxStationIDLen)
	}
	u, err := url.Parse(o.URL)
	if err != nil {
		return "", nil, fmt.Errorf("rpc: CSMS URL %q: %w", o.URL, err)
	}
	target := strings.TrimRight(o.URL, "/") + "/" + url.PathEscape(o.StationID)
	switch u.Scheme {
	case "ws":
		if o.TLSConfig != nil {
			return "", nil, fmt.Errorf("rpc: CSMS URL %q is ws:// but a TLSConfig was given; use wss://", o.URL)
		}
		return target, nil, nil
	case "wss":
		conf, err := checkTLSConfig(o.TLSConfig)
		if err != nil {
			return "", nil, fmt.Errorf("rpc: CSMS URL %q: %w", o.URL, err)
		}
		return target, conf, nil
	default:
		return "", nil, fmt.Errorf("rpc: CSMS URL %q: scheme must be ws or wss", o.URL)
	}
}

// checkTLSConfig enforces what security profiles 2 and 3 demand whatever
// the caller set.
func checkTLSConfig(conf *tls.Config) (*tls.Config, error) {
	if conf == nil {
		return nil, errors.New("wss needs a TLSConfig holding the CSMS root certificate")
	}
	if conf.InsecureSkipVerify {
		return nil, errors.New("TLSConfig sets InsecureSkipVerify; the CSMS certificate must be verified")
	}
	conf = conf.Clone()
	if conf.MinVersion < tls.VersionTLS12 {
		conf.MinVersion = tls.VersionTLS12
	}
	if conf.MaxVersion != 0 && conf.MaxVersion < tls.VersionTLS12 {
		return nil, errors.New("TLSConfig MaxVersion is below TLS 1.2")
	}
	return conf, nil
}

func classifyDialError(target string, resp *http.Response, err error) error {
	if resp != nil && errors.Is(err, websocket.ErrBadHandshake) {
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("%w: %s", ErrUnauthorized, target)
		case http.StatusNotFound:
			return fmt.Errorf("%w: %s", ErrNotFound, target)
		}
		return fmt.Errorf("%w: %s answered HTTP %d", ErrHandshake, target, resp.StatusCode)
	}
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verifyErr  *tls.CertificateVerificationError
		nameErr    *certNameError
		alert      tls.AlertError
		recordHdr  tls.RecordHeaderError
		isTLSAlert = errors.As(err, &alert)
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verifyErr), errors.As(err, &nameErr):
		return fmt.Errorf("%w: %s: %w", ErrTLSCertificate, target, err)
	// crypto/tls reports a received alert through an unexported type, so
	// the protocol_version alert is recognised by its text.
	case isTLSAlert && alert == tlsAlertProtocolVersion,
		strings.Contains(err.Error(), "protocol version not supported"),
		strings.Contains(err.Error(), "unsupported protocol version"):
		return fmt.Errorf("%w: %s: %w", ErrTLSVersion, target, err)
	case isTLSAlert, errors.As(err, &recordHdr), strings.Contains(err.Error(), "tls:"):
		return fmt.Errorf("%w: %s: %w", ErrTLSHandshake, target, err)
	}
	return fmt.Errorf("rpc: dial %s: %w", target, err)
}

// tlsAlertProtocolVersion is the TLS alert protocol_version (RFC 8446 §6).
const tlsAlertProtocolVersion = tls.AlertError(70)
