package main

// The two CSMS peers the session flows run against, behind one interface so
// that each flow function runs unchanged against both: the npm ocpp-rpc
// server in strict mode (strictcsms) and the ocpp-go CSMS (gocsms).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	ocppgo "github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
	"github.com/ocppgw/ocppgw/drivers/ocpp/txledger"
)

// flowCall is one CALL a station sent the CSMS.
type flowCall struct {
	Action  string
	Payload json.RawMessage
}

// flowPeer is a CSMS as the flows use it.
type flowPeer interface {
	url() string
	// call sends a CSMS request; code is the CALLERROR code when the
	// station answered with one, and err is anything else that failed.
	call(ctx context.Context, station, action string, payload any) (res json.RawMessage, code string, err error)
	// calls are the CALLs from station, in arrival order, faulted ones included.
	calls(station string) []flowCall
	// setTxStatus makes the answer to a TransactionEvent carrying idToken
	// hold idTokenInfo.status.
	setTxStatus(idToken, status string) error
	// setAuthorizeStatus makes the answer to an Authorize of idToken hold
	// idTokenInfo.status.
	setAuthorizeStatus(idToken, status string) error
	// fault replaces the answers to the next TransactionEvents, from any station.
	fault(faults ...csmsfault.Fault) error
	ledger(station string) txledger.Summary
	// problems are the schema or protocol failures the CSMS found in what
	// station sent or answered.
	problems(station string) []string
	// canSendInvalid: the peer sends a payload that breaks its schema.
	canSendInvalid() bool
}

// strictPeer is the ocpp-rpc CSMS: strict mode validates every frame in
// both directions, so it cannot send the schema-invalid requests of the
// bad-input flow (it refuses them itself).
type strictPeer struct {
	cs *strictcsms.CSMS
	mu sync.Mutex
	// tx and auth are the per-token answers set so far: Settings replaces
	// a whole map.
	tx, auth map[string]string
}

// flowStartStrict starts the strict CSMS; without node it returns why
// instead, or fails under CI.
func flowStartStrict(t *testing.T) (flowPeer, string) {
	t.Helper()
	cs, err := strictcsms.Start(context.Background())
	if err != nil {
		if os.Getenv("CI") == "" && errors.Is(err, strictcsms.ErrNoNode) {
			return nil, fmt.Sprintf("the strict ocpp-rpc CSMS needs node and npm (apt-get install nodejs npm): %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(cs.Stop)
	return &strictPeer{cs: cs, tx: map[string]string{}, auth: map[string]string{}}, ""
}

func (p *strictPeer) url() string { return p.cs.URL }

// strictCallError is how strictcsms words a CALLERROR: "strictcsms: call CODE: message".
var strictCallError = regexp.MustCompile(`^strictcsms: call ([A-Za-z]+): `)

func (p *strictPeer) call(ctx context.Context, station, action string, payload any) (json.RawMessage, string, error) {
	res, err := p.cs.Call(ctx, station, action, payload)
	if err != nil {
		if m := strictCallError.FindStringSubmatch(err.Error()); m != nil {
			return nil, m[1], nil
		}
		return nil, "", err
	}
	return res, "", nil
}

func (p *strictPeer) calls(station string) []flowCall {
	var out []flowCall
	for _, e := range p.cs.Events() {
		if e.Ev == "call" && e.Identity == station {
			out = append(out, flowCall{e.Method, e.Payload()})
		}
	}
	return out
}

func (p *strictPeer) setTxStatus(idToken, status string) error {
	return p.cs.Set(context.Background(), strictcsms.Settings{TransactionEventStatus: p.add(p.tx, idToken, status)})
}

func (p *strictPeer) setAuthorizeStatus(idToken, status string) error {
	return p.cs.Set(context.Background(), strictcsms.Settings{AuthorizeStatus: p.add(p.auth, idToken, status)})
}

// add sets m[k] and returns a copy of m to send.
func (p *strictPeer) add(m map[string]string, k, v string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	m[k] = v
	return maps.Clone(m)
}

func (p *strictPeer) fault(faults ...csmsfault.Fault) error {
	return p.cs.Set(context.Background(), strictcsms.Settings{TransactionEventFaults: faults})
}

func (p *strictPeer) ledger(station string) txledger.Summary { return p.cs.Ledger(station).Summary() }

func (p *strictPeer) problems(station string) []string {
	var out []string
	for _, f := range p.cs.Failures() {
		if f.Identity == station {
			b, _ := json.Marshal(f)
			out = append(out, string(b))
		}
	}
	return out
}

func (p *strictPeer) canSendInvalid() bool { return false }

// goPeer is the ocpp-go CSMS, with the OCA schemas checking every CALL the
// station sends and every answer it gives.
type goPeer struct{ cs *gocsms.CSMS }

func flowStartGo(t *testing.T) *goPeer {
	t.Helper()
	return &goPeer{cs: gocsms.New(t, gocsms.Options{Validator: ocaschema.Need(t)})}
}

func (p *goPeer) url() string { return p.cs.URL }

// flowRawRequest is any payload sent as action. ocpp-go sends whatever
// request value it is given under its feature name and parses the answer
// into its own type of the action's response, so one value covers every
// request the flows send, schema-invalid ones included.
type flowRawRequest struct {
	action  string
	payload json.RawMessage
}

func (r flowRawRequest) GetFeatureName() string       { return r.action }
func (r flowRawRequest) MarshalJSON() ([]byte, error) { return r.payload, nil }

func (p *goPeer) call(ctx context.Context, station, action string, payload any) (json.RawMessage, string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return nil, "", err
	}
	_, res, err := gocsms.SendRaw[ocppgo.Response](ctx, p.cs, station, flowRawRequest{action, raw})
	var oe *ocppgo.Error
	switch {
	case errors.As(err, &oe):
		return nil, string(oe.Code), nil
	case err != nil:
		return nil, "", err
	case res == nil:
		return nil, "", fmt.Errorf("the bytes of %s's answer to %s were not seen", station, action)
	}
	// The answer as the station sent it: ocpp-go's types drop what they
	// do not know (its composite schedule is a 2.0 draft's).
	return res, "", nil
}

func (p *goPeer) calls(station string) []flowCall {
	var out []flowCall
	for _, m := range p.cs.Messages(station, "") {
		out = append(out, flowCall{m.Action, m.Payload})
	}
	return out
}

func (p *goPeer) setTxStatus(idToken, status string) error {
	p.cs.SetTransactionEventStatus(idToken, types.AuthorizationStatus(status))
	return nil
}

func (p *goPeer) setAuthorizeStatus(idToken, status string) error {
	p.cs.SetAuthorizeStatus(idToken, types.AuthorizationStatus(status))
	return nil
}

func (p *goPeer) fault(faults ...csmsfault.Fault) error {
	return p.cs.FaultTransactionEvents(faults...)
}

func (p *goPeer) ledger(station string) txledger.Summary { return p.cs.Ledger(station).Summary() }

func (p *goPeer) problems(station string) []string {
	var out []string
	for _, pr := range p.cs.Problems() {
		if strings.Contains(pr, station) {
			out = append(out, pr)
		}
	}
	return out
}

func (p *goPeer) canSendInvalid() bool { return true }

// flowCSMSDoc is the CSMS resource of a peer.
func flowCSMSDoc(name string, p flowPeer) string {
	return fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: %s}
spec:
  url: %s
  securityProfile: 1
  retryBackOff: {waitMinimum: 1s, randomRange: 1s, repeatTimes: 1}
`, name, p.url())
}
