package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// callTimeout bounds the wait for a station's answer; `gwsim ctl` waits
// a little longer.
const callTimeout = 20 * time.Second

// csms is the demo CSMS: it accepts every station, answers what stations
// send, logs every frame and sends remote start and stop on request.
type csms struct {
	interval int // BootNotification interval, seconds
	log      *frameLog
	txs      txLedger
	// fullFrames also logs a TransactionEvent's JSON under its summary.
	fullFrames bool
	// controlAddr is where serve's control API listens.
	controlAddr string

	mu       sync.Mutex
	stations map[string]*rpc.Conn
	rejected map[string]bool // idTokens answered Invalid
	remoteID atomic.Int64
}

func newCSMS(interval int, out io.Writer) *csms {
	return &csms{interval: interval, log: &frameLog{out: out}, stations: map[string]*rpc.Conn{}, rejected: map[string]bool{}}
}

// reject makes Authorize and TransactionEvent answer Invalid for token
// (on) or Accepted again (off).
func (s *csms) reject(token string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.rejected[token] = true
	} else {
		delete(s.rejected, token)
	}
}

// tokenInfo is the CSMS's verdict on an idToken.
func (s *csms) tokenInfo(t ocpp.IdTokenType) *ocpp.IdTokenInfoType {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rejected[t.IDToken] {
		return &ocpp.IdTokenInfoType{Status: ocpp.AuthorizationStatusInvalid}
	}
	return &ocpp.IdTokenInfoType{Status: ocpp.AuthorizationStatusAccepted}
}

// rejectedTokens lists the tokens answered Invalid, sorted.
func (s *csms) rejectedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.rejected))
}

// server returns the OCPP-J endpoint at <prefix>/<stationId>.
func (s *csms) server(prefix string) *rpc.Server {
	return &rpc.Server{
		Prefix: prefix,
		OnConnect: func(id string, c *rpc.Conn) {
			c.SetHandler(s.handler(id))
			s.track(id, c)
		},
		Options: rpc.Options{Validator: lenientValidator{s.log}, MessageTimeout: callTimeout, Redact: ocpp.RedactFrame},
	}
}

// track remembers a station's newest connection until it closes; a
// reconnecting station replaces its old one.
func (s *csms) track(id string, c *rpc.Conn) {
	s.mu.Lock()
	s.stations[id] = c
	s.mu.Unlock()
	s.log.note(id, "connected")
	go func() {
		<-c.Done()
		s.mu.Lock()
		if s.stations[id] == c {
			delete(s.stations, id)
		}
		s.mu.Unlock()
		s.log.note(id, fmt.Sprintf("disconnected: %v", c.Err()))
	}()
}

// conn returns the station's live connection.
func (s *csms) conn(id string) (*rpc.Conn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.stations[id]
	return c, ok
}

// connected lists the connected station ids, sorted.
func (s *csms) connected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.stations))
}

// handler answers one station's CALLs and logs both frames.
func (s *csms) handler(id string) rpc.Handler {
	return func(_ context.Context, action string, payload json.RawMessage) (any, error) {
		s.logCall(id, action, payload)
		resp, err := s.answer(id, action, payload)
		if err == nil {
			var b []byte
			if b, err = json.Marshal(resp); err == nil {
				err = validTyped(action, b, ocpp.ValidateResponse)
			}
			if err == nil {
				s.log.frame(id, "->", "RESULT", action, b)
				return json.RawMessage(b), nil
			}
		}
		var oe *rpc.Error
		if !errors.As(err, &oe) {
			oe = rpc.Errorf(rpc.InternalError, "%s: %v", action, err)
		}
		s.log.callError(id, "->", action, oe)
		return nil, oe
	}
}

// logCall logs a station's CALL: a TransactionEvent as its one-line
// summary (and its JSON with fullFrames), anything else as its JSON.
func (s *csms) logCall(id, action string, payload []byte) {
	var ev ocpp.TransactionEventRequest
	if action != "TransactionEvent" || json.Unmarshal(payload, &ev) != nil {
		s.log.frame(id, "<-", "CALL", action, payload)
		return
	}
	s.log.line(id, "<- CALL TransactionEvent "+txSummary(&ev))
	if s.fullFrames {
		s.log.line(id, "   "+compact(payload))
	}
}

// answer builds the response to a station's CALL: everything is accepted
// but the idTokens listed as rejected.
func (s *csms) answer(id, action string, payload json.RawMessage) (any, error) {
	now := ocpp.NewDateTime(time.Now())
	switch action {
	case "BootNotification":
		return ocpp.BootNotificationResponse{CurrentTime: now, Interval: s.interval, Status: ocpp.RegistrationStatusAccepted}, nil
	case "Heartbeat":
		return ocpp.HeartbeatResponse{CurrentTime: now}, nil
	case "Authorize":
		var req ocpp.AuthorizeRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, rpc.Errorf(rpc.FormatViolation, "Authorize: %v", err)
		}
		return ocpp.AuthorizeResponse{IDTokenInfo: *s.tokenInfo(req.IDToken)}, nil
	case "TransactionEvent":
		var req ocpp.TransactionEventRequest
		if err := json.Unmarshal(payload, &req); err != nil {
			return nil, rpc.Errorf(rpc.FormatViolation, "TransactionEvent: %v", err)
		}
		if note := s.txs.record(id, &req, time.Now()); note != "" {
			s.log.note(id, "TransactionEvent "+shortID(req.TransactionInfo.TransactionID)+": "+note)
		}
		var resp ocpp.TransactionEventResponse
		if req.IDToken != nil {
			resp.IDTokenInfo = s.tokenInfo(*req.IDToken)
		}
		return resp, nil
	}
	if !ocpp.IsKnownAction(action) {
		return nil, rpc.Errorf(rpc.NotImplemented, "unknown action %q", action)
	}
	if a, ok := requiredAnswers[action]; ok {
		return json.RawMessage(a), nil
	}
	// StatusNotification, MeterValues, NotifyReport, SecurityEventNotification
	// and the other notifications have no required field.
	return json.RawMessage(`{}`), nil
}

// requiredAnswers are the station-to-CSMS actions whose response has a
// required field: the most neutral valid value for each.
var requiredAnswers = map[string]string{
	"DataTransfer":             `{"status":"UnknownVendorId"}`,
	"Get15118EVCertificate":    `{"status":"Failed","exiResponse":""}`,
	"GetCertificateStatus":     `{"status":"Failed"}`,
	"NotifyEVChargingNeeds":    `{"status":"Rejected"}`,
	"NotifyEVChargingSchedule": `{"status":"Accepted"}`,
	"SignCertificate":          `{"status":"Rejected"}`,
}

// call sends a CALL to a station, validated first against the project
// schema, and logs it and the answer. A CALLERROR comes back as *rpc.Error.
func (s *csms) call(ctx context.Context, id, action string, req any) (json.RawMessage, error) {
	c, ok := s.conn(id)
	if !ok {
		return nil, fmt.Errorf("station %q is not connected", id)
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", action, err)
	}
	if err := ocpp.ValidateRequest(action, b); err != nil {
		return nil, fmt.Errorf("own %s request invalid: %w", action, err)
	}
	s.log.frame(id, "->", "CALL", action, b)
	res, err := c.Call(ctx, action, json.RawMessage(b))
	var oe *rpc.Error
	switch {
	case errors.As(err, &oe):
		s.log.callError(id, "<-", action, oe)
	case err != nil:
		s.log.note(id, fmt.Sprintf("%s: %v", action, err))
	default:
		s.log.frame(id, "<-", "RESULT", action, res)
		if verr := validTyped(action, res, ocpp.ValidateResponse); verr != nil {
			s.log.note(id, fmt.Sprintf("%s answer violates the schema: %v", action, verr))
			return res, &schemaViolation{verr}
		}
	}
	return res, err
}

// schemaViolation is a station's answer that arrived but does not match
// the schema.
type schemaViolation struct{ err error }

func (e *schemaViolation) Error() string { return "answer violates the schema: " + e.err.Error() }

// remoteStart sends RequestStartTransaction with a new remoteStartId.
func (s *csms) remoteStart(ctx context.Context, id string, evse int, token string) (json.RawMessage, error) {
	req := ocpp.RequestStartTransactionRequest{
		IDToken:       ocpp.IdTokenType{IDToken: token, Type: ocpp.IdTokenCentral},
		RemoteStartID: int(s.remoteID.Add(1)),
	}
	if evse > 0 {
		req.EVSEID = &evse
	}
	return s.call(ctx, id, "RequestStartTransaction", req)
}

// remoteStop sends RequestStopTransaction.
func (s *csms) remoteStop(ctx context.Context, id, txID string) (json.RawMessage, error) {
	return s.call(ctx, id, "RequestStopTransaction", ocpp.RequestStopTransactionRequest{TransactionID: txID})
}

// validTyped runs check for actions the project has schemas for; the
// others pass, so that the demo CSMS answers whatever a station sends.
func validTyped(action string, payload []byte, check func(string, []byte) error) error {
	if a, ok := ocpp.Lookup(action); ok && !a.HasTypes() {
		return nil
	}
	return check(action, payload)
}

// lenientValidator validates what the project has schemas for. A station's
// CALL it refuses never reaches the handler, so the refusal is logged here;
// the CSMS validates its own CALLs before sending, so a failing
// ValidateRequest is always a station's.
type lenientValidator struct{ log *frameLog }

func (v lenientValidator) ValidateRequest(action string, payload []byte) error {
	err := validTyped(action, payload, ocpp.ValidateRequest)
	var oe *rpc.Error
	if errors.As(err, &oe) && oe.Code != rpc.NotImplemented {
		v.log.note("", fmt.Sprintf("refused %s %s: %v", action, compact(payload), err))
	}
	return err
}

// ValidateResponse passes everything: the handler validates the CSMS's own
// answers, and call checks a station's answer itself so that a schema
// violation is shown beside the answer instead of passing for a CALLERROR.
func (lenientValidator) ValidateResponse(string, []byte) error { return nil }

// frameLog writes one line per frame: time, station, direction (-> sent by
// the CSMS, <- received), kind, action and the compact JSON payload.
type frameLog struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *frameLog) line(station, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.out, "%s %s %s\n", time.Now().UTC().Format("15:04:05.000"), orDash(station), text)
}

func (l *frameLog) frame(station, dir, kind, action string, payload []byte) {
	l.line(station, fmt.Sprintf("%s %s %s %s", dir, kind, action, compact(payload)))
}

func (l *frameLog) callError(station, dir, action string, e *rpc.Error) {
	l.line(station, fmt.Sprintf("%s ERROR %s %s %q", dir, action, e.Code, e.Description))
}

func (l *frameLog) note(station, text string) { l.line(station, "-- "+text) }

func compact(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}
