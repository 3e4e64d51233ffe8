package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/spf13/cobra"
)

type csmsOptions struct {
	listen     string
	path       string
	control    string
	interval   int
	reject     []string
	fullFrames bool
}

func newCSMSCmd(out io.Writer) *cobra.Command {
	o := &csmsOptions{}
	cmd := &cobra.Command{
		Use:   "csms",
		Short: "Run a small OCPP 2.0.1 CSMS for demos until interrupted",
		Long: `Run a small OCPP 2.0.1 CSMS for demos until interrupted.

Stations connect to ws://<listen><path>/<stationId> (security profile 1, any
password). Every BootNotification is accepted. Authorize and the idToken of a
TransactionEvent are Accepted, except the tokens of --reject-tokens (or
gwsim ctl --csms reject), which are Invalid. Every other CALL gets a valid
answer.
Every frame is printed on one line: time, station, direction (-> sent by the
CSMS, <- received), CALL/RESULT/ERROR, action and payload. A TransactionEvent
is summed up instead: eventType, seqNo, triggerReason, chargingState, energy
and power when present, the transactionId's first 8 characters, evse and
idToken. A seqNo that repeats or skips is pointed out.

RequestStartTransaction and RequestStopTransaction are sent through the
control API at --control, which also lists the transactions seen: see
gwsim ctl --csms.`,
		Example: `  gwsim csms
  gwsim csms --listen 127.0.0.1:9000 --control 127.0.0.1:9001 --interval 60
  gwsim csms --reject-tokens STOLEN-1,EXPIRED-2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), out) },
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:9000", "OCPP-J WebSocket address")
	f.StringVar(&o.path, "path", "/ocpp", "path before /<stationId>")
	f.StringVar(&o.control, "control", "127.0.0.1:9001", "address of the control API (gwsim ctl --csms)")
	f.IntVar(&o.interval, "interval", 60, "heartbeat interval, seconds, given in the BootNotification answer")
	f.StringSliceVar(&o.reject, "reject-tokens", nil, "idTokens answered Invalid (comma-separated)")
	f.BoolVar(&o.fullFrames, "full-frames", false, "also print each TransactionEvent's JSON under its summary")
	return cmd
}

func (o *csmsOptions) run(ctx context.Context, out io.Writer) error {
	if o.interval < 1 {
		return fmt.Errorf("--interval %d: must be at least 1 second", o.interval)
	}
	s := newCSMS(o.interval, out)
	s.fullFrames = o.fullFrames
	for _, t := range o.reject {
		if t = strings.TrimSpace(t); t == "" {
			return fmt.Errorf("--reject-tokens %q: empty token", strings.Join(o.reject, ","))
		}
		s.reject(t, true)
	}
	stop, err := s.serve(o.listen, o.path, o.control, out)
	if err != nil {
		return err
	}
	defer stop()
	<-ctx.Done()
	return nil
}

// serve starts the OCPP-J and control listeners, prints their addresses
// and returns a function that closes both.
func (s *csms) serve(listen, path, control string, out io.Writer) (func(), error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("--listen: %w", err)
	}
	cln, err := net.Listen("tcp", control)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("--control: %w", err)
	}
	s.controlAddr = cln.Addr().String()
	ocppSrv := &http.Server{Handler: s.server(path), ReadHeaderTimeout: 10 * time.Second}
	ctlSrv := &http.Server{Handler: s.controlHandler(), ReadHeaderTimeout: 5 * time.Second}
	go ocppSrv.Serve(ln)
	go ctlSrv.Serve(cln)
	fmt.Fprintf(out, "csms: ws://%s%s/<stationId>\ncsms control: http://%s\n", ln.Addr(), path, cln.Addr())
	return func() {
		ctlSrv.Close()
		ocppSrv.Close() // hijacked WebSockets are not closed by it
		s.mu.Lock()
		conns := make([]interface{ Close() error }, 0, len(s.stations))
		for _, c := range s.stations {
			conns = append(conns, c)
		}
		s.mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	}, nil
}

// stationAnswer is what the control API returns for a CALL it sent: the
// station's CALLRESULT payload or its CALLERROR.
type stationAnswer struct {
	Station   string          `json:"station"`
	Action    string          `json:"action"`
	Result    json.RawMessage `json:"result,omitempty"`
	CallError *callErrorView  `json:"callError,omitempty"`
	// SchemaViolation is set when the result does not match the schema.
	SchemaViolation string `json:"schemaViolation,omitempty"`
}

type callErrorView struct {
	Code        rpc.ErrorCode `json:"code"`
	Description string        `json:"description"`
}

// controlHandler is the HTTP API `gwsim ctl --csms` talks to:
//
//	GET  /stations                                  connected station ids
//	POST /stations/{id}/start?evse=N&idToken=T      RequestStartTransaction
//	POST /stations/{id}/stop?transactionId=X        RequestStopTransaction
//	GET  /transactions                              every transaction seen
//	GET  /tokens/rejected                           idTokens answered Invalid
//	POST /tokens/{token}/reject, /tokens/{token}/accept
func (s *csms) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /transactions", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.txs.list())
	})
	mux.HandleFunc("GET /tokens/rejected", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.rejectedTokens())
	})
	for op, on := range map[string]bool{"reject": true, "accept": false} {
		mux.HandleFunc("POST /tokens/{token}/"+op, func(w http.ResponseWriter, r *http.Request) {
			s.reject(r.PathValue("token"), on)
			s.log.note("", fmt.Sprintf("idToken %q is now answered %s", r.PathValue("token"), s.tokenInfo(ocpp.IdTokenType{IDToken: r.PathValue("token")}).Status))
			writeJSON(w, http.StatusOK, s.rejectedTokens())
		})
	}
	mux.HandleFunc("GET /stations", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.connected())
	})
	mux.HandleFunc("POST /stations/{id}/start", s.sendCall("RequestStartTransaction", func(ctx context.Context, id string, r *http.Request) (json.RawMessage, error) {
		evse := 0
		if v := r.URL.Query().Get("evse"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, badRequest{fmt.Errorf("evse=%q: want a positive number", v)}
			}
			evse = n
		}
		token := r.URL.Query().Get("idToken")
		if token == "" {
			return nil, badRequest{errors.New("idToken is required")}
		}
		return s.remoteStart(ctx, id, evse, token)
	}))
	mux.HandleFunc("POST /stations/{id}/stop", s.sendCall("RequestStopTransaction", func(ctx context.Context, id string, r *http.Request) (json.RawMessage, error) {
		tx := r.URL.Query().Get("transactionId")
		if tx == "" {
			return nil, badRequest{errors.New("transactionId is required")}
		}
		return s.remoteStop(ctx, id, tx)
	}))
	return mux
}

type badRequest struct{ error }

// sendCall runs send for the station in the path and answers with the
// station's answer (200, a CALLERROR included), 404 when the station is
// not connected, 400 for a bad query and 502 when no answer came.
func (s *csms) sendCall(action string, send func(context.Context, string, *http.Request) (json.RawMessage, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, ok := s.conn(id); !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("station %q is not connected", id)})
			return
		}
		res, err := send(r.Context(), id, r)
		var oe *rpc.Error
		var bad badRequest
		var sv *schemaViolation
		switch {
		case err == nil:
			writeJSON(w, http.StatusOK, stationAnswer{Station: id, Action: action, Result: res})
		case errors.As(err, &sv):
			writeJSON(w, http.StatusOK, stationAnswer{Station: id, Action: action, Result: res, SchemaViolation: sv.err.Error()})
		case errors.As(err, &oe):
			writeJSON(w, http.StatusOK, stationAnswer{Station: id, Action: action,
				CallError: &callErrorView{Code: oe.Code, Description: oe.Description}})
		case errors.As(err, &bad):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		}
	}
}
