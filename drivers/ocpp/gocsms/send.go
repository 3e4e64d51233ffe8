package gocsms

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/remotecontrol"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/transactions"
)

// Send sends req to a connected station and waits for its answer until ctx
// ends. A CALLERROR is an *ocpp.Error; an answer ocpp-go cannot parse or
// validate, or a disconnection first, is an error too. ocpp-go sends one
// request at a time per station; while two Sends to one station wait, a
// refused answer ends both.
func Send[Resp ocpp.Response](ctx context.Context, c *CSMS, station string, req ocpp.Request) (Resp, error) {
	res, _, err := SendRaw[Resp](ctx, c, station, req)
	return res, err
}

// SendRaw is Send that also returns the answer's payload exactly as the
// station sent it: ocpp-go's types drop what they do not know.
func SendRaw[Resp ocpp.Response](ctx context.Context, c *CSMS, station string, req ocpp.Request) (Resp, json.RawMessage, error) {
	var zero Resp
	payload, err := json.Marshal(req)
	if err != nil {
		return zero, nil, fmt.Errorf("gocsms: encode %s: %w", req.GetFeatureName(), err)
	}
	type result struct {
		res ocpp.Response
		err error
	}
	ch := make(chan result, 1)
	c.mu.Lock()
	refusedBefore := len(c.answers.refused[station])
	c.mu.Unlock()
	w := c.waitRaw(station, req.GetFeatureName(), payload)
	defer c.dropRaw(w)
	err = c.sendAsync(ctx, station, req, func(res ocpp.Response, err error) { ch <- result{res, err} })
	if err != nil {
		return zero, nil, fmt.Errorf("gocsms: send %s to %s: %w", req.GetFeatureName(), station, err)
	}
	for {
		c.mu.Lock()
		refused, changed := c.answers.refused[station][refusedBefore:], c.changed
		c.mu.Unlock()
		if len(refused) > 0 {
			return zero, nil, fmt.Errorf("gocsms: %s: %s", req.GetFeatureName(), refused[0])
		}
		select {
		case r := <-ch:
			if r.err != nil {
				return zero, nil, r.err
			}
			res, ok := r.res.(Resp)
			if !ok {
				return zero, nil, fmt.Errorf("gocsms: %s answered %s with %T", station, req.GetFeatureName(), r.res)
			}
			return res, rawAnswer(w), nil
		case <-changed:
		case <-c.done:
			return zero, nil, errStopped
		case <-ctx.Done():
			return zero, nil, fmt.Errorf("gocsms: no answer from %s to %s: %w", station, req.GetFeatureName(), ctx.Err())
		}
	}
}

// rawAnswer is the answer's bytes, seen by the tap before ocpp-go parsed
// them (the callback runs after), or nil if the tap could not tell which
// CALL was this Send's.
func rawAnswer(w *rawWaiter) json.RawMessage {
	select {
	case <-w.answered:
		return w.answer
	default:
		return nil
	}
}

// RequestStartTransaction asks station to start a session.
func (c *CSMS) RequestStartTransaction(ctx context.Context, station string, req *remotecontrol.RequestStartTransactionRequest) (*remotecontrol.RequestStartTransactionResponse, error) {
	return Send[*remotecontrol.RequestStartTransactionResponse](ctx, c, station, req)
}

// RequestStopTransaction asks station to stop transactionID.
func (c *CSMS) RequestStopTransaction(ctx context.Context, station, transactionID string) (*remotecontrol.RequestStopTransactionResponse, error) {
	return Send[*remotecontrol.RequestStopTransactionResponse](ctx, c, station, remotecontrol.NewRequestStopTransactionRequest(transactionID))
}

// GetTransactionStatus asks about transactionID, or about the station's
// queue when transactionID is "".
func (c *CSMS) GetTransactionStatus(ctx context.Context, station, transactionID string) (*transactions.GetTransactionStatusResponse, error) {
	req := transactions.NewGetTransactionStatusRequest()
	req.TransactionID = transactionID
	return Send[*transactions.GetTransactionStatusResponse](ctx, c, station, req)
}

// TriggerMessage asks station to send a message now.
func (c *CSMS) TriggerMessage(ctx context.Context, station string, req *remotecontrol.TriggerMessageRequest) (*remotecontrol.TriggerMessageResponse, error) {
	return Send[*remotecontrol.TriggerMessageResponse](ctx, c, station, req)
}

// SetVariables sets device-model variables of station.
func (c *CSMS) SetVariables(ctx context.Context, station string, data ...provisioning.SetVariableData) (*provisioning.SetVariablesResponse, error) {
	return Send[*provisioning.SetVariablesResponse](ctx, c, station, provisioning.NewSetVariablesRequest(data))
}

// GetVariables reads device-model variables of station.
func (c *CSMS) GetVariables(ctx context.Context, station string, data ...provisioning.GetVariableData) (*provisioning.GetVariablesResponse, error) {
	return Send[*provisioning.GetVariablesResponse](ctx, c, station, provisioning.NewGetVariablesRequest(data))
}

// sendAsync hands req to ocpp-go. ocpp-go announces a new connection before
// it can send to it ("no client ... exists" for a moment), so a station
// just connected is tried again for up to noClientGrace.
func (c *CSMS) sendAsync(ctx context.Context, station string, req ocpp.Request, cb func(ocpp.Response, error)) error {
	deadline := time.Now().Add(noClientGrace)
	for {
		err := c.ocpp.SendRequestAsync(station, req, cb)
		if err == nil || !strings.Contains(err.Error(), "no client") || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// noClientGrace bounds how long a send waits for ocpp-go to know a station.
const noClientGrace = 2 * time.Second
