package ocpp_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// TestMuxDispatchesTyped: the handler gets the receiver Serve was given and
// the payload decoded into its request type, and its typed response comes back, wrapped in an
// rpc.Reply when it asked for work after the answer.
func TestMuxDispatchesTyped(t *testing.T) {
	m := ocpp.NewMux[*int]()
	var got *ocpp.ResetRequest
	var gotRecv *int
	ocpp.Handle(m, ocpp.Reset, func(recv *int, _ context.Context, r *ocpp.ResetRequest) (*ocpp.ResetResponse, func(), error) {
		got, gotRecv = r, recv
		return &ocpp.ResetResponse{Status: ocpp.ResetStatusScheduled}, nil, nil
	})
	followed := 0
	ocpp.Handle(m, ocpp.TriggerMessage, func(*int, context.Context, *ocpp.TriggerMessageRequest) (*ocpp.TriggerMessageResponse, func(), error) {
		return &ocpp.TriggerMessageResponse{Status: ocpp.TriggerMessageStatusAccepted}, func() { followed++ }, nil
	})

	station := 7
	resp, err := m.Serve(&station, context.Background(), ocpp.ActionReset, json.RawMessage(`{"type":"OnIdle","evseId":2}`))
	if err != nil || got == nil || got.Type != ocpp.ResetOnIdle || got.EVSEID == nil || *got.EVSEID != 2 || gotRecv != &station {
		t.Fatalf("Reset: handler saw %+v for %v, err %v", got, gotRecv, err)
	}
	if r, ok := resp.(*ocpp.ResetResponse); !ok || r.Status != ocpp.ResetStatusScheduled {
		t.Fatalf("Reset answered %#v, want *ResetResponse Scheduled", resp)
	}

	resp, err = m.Serve(nil, context.Background(), ocpp.ActionTriggerMessage, json.RawMessage(`{"requestedMessage":"Heartbeat"}`))
	reply, ok := resp.(rpc.Reply)
	if err != nil || !ok || reply.Then == nil {
		t.Fatalf("TriggerMessage answered %#v, %v; want an rpc.Reply with Then", resp, err)
	}
	if r, ok := reply.Payload.(*ocpp.TriggerMessageResponse); !ok || r.Status != ocpp.TriggerMessageStatusAccepted {
		t.Fatalf("TriggerMessage payload %#v", reply.Payload)
	}
	if followed != 0 {
		t.Fatal("the follow-up ran before the answer was sent")
	}
	reply.Then()
	if followed != 1 {
		t.Fatalf("follow-up ran %d times, want 1", followed)
	}
	if !reflect.DeepEqual(m.Actions(), []string{ocpp.ActionReset, ocpp.ActionTriggerMessage}) || !m.Handles(ocpp.ActionReset) || m.Handles(ocpp.ActionGetLog) {
		t.Fatalf("Actions %v", m.Actions())
	}
}

// TestMuxUnregisteredActions: Part 4 §4.2.3 — an action the receiver
// knows but has no handler for is NotSupported; one it does not know at
// all is NotImplemented. Neither reaches a handler.
func TestMuxUnregisteredActions(t *testing.T) {
	m := ocpp.NewMux[*int]()
	ocpp.Handle(m, ocpp.Reset, func(*int, context.Context, *ocpp.ResetRequest) (*ocpp.ResetResponse, func(), error) {
		t.Error("the Reset handler ran for another action")
		return &ocpp.ResetResponse{}, nil, nil
	})
	for action, want := range map[string]rpc.ErrorCode{
		ocpp.ActionClearCache: rpc.NotSupported,   // typed, no handler
		ocpp.ActionReserveNow: rpc.NotSupported,   // no Go types either
		"FlyToTheMoon":        rpc.NotImplemented, // not an OCPP 2.0.1 action
	} {
		_, err := m.Serve(nil, context.Background(), action, json.RawMessage(`{}`))
		var oe *rpc.Error
		if !errors.As(err, &oe) || oe.Code != want {
			t.Errorf("%s: %v, want CALLERROR %s", action, err, want)
		}
	}
}

// TestMuxDecodeAndAnswerFailures: a payload that passed the schema but does
// not fit the Go type gets TypeConstraintViolation, as DecodeRequest gives;
// a handler that returns no response is a plain error (InternalError on the
// wire), not an empty CALLRESULT.
func TestMuxDecodeAndAnswerFailures(t *testing.T) {
	m := ocpp.NewMux[*int]()
	ran := false
	ocpp.Handle(m, ocpp.Reset, func(*int, context.Context, *ocpp.ResetRequest) (*ocpp.ResetResponse, func(), error) {
		ran = true
		return nil, nil, nil
	})
	_, err := m.Serve(nil, context.Background(), ocpp.ActionReset, json.RawMessage(`{"type":"OnIdle","evseId":1e10}`))
	var oe *rpc.Error
	if !errors.As(err, &oe) || oe.Code != rpc.TypeConstraintViolation || ran {
		t.Fatalf("evseId 1e10: %v (handler ran %v), want TypeConstraintViolation before the handler", err, ran)
	}
	_, err = m.Serve(nil, context.Background(), ocpp.ActionReset, json.RawMessage(`{"type":"OnIdle"}`))
	if err == nil || errors.As(err, &oe) || !ran {
		t.Fatalf("nil response: %v, want a plain error", err)
	}
}

func TestMuxRefusesSecondHandler(t *testing.T) {
	m := ocpp.NewMux[*int]()
	h := func(*int, context.Context, *ocpp.ResetRequest) (*ocpp.ResetResponse, func(), error) {
		return nil, nil, nil
	}
	ocpp.Handle(m, ocpp.Reset, h)
	defer func() {
		if recover() == nil {
			t.Fatal("a second Reset handler was accepted")
		}
	}()
	ocpp.Handle(m, ocpp.Reset, h)
}

// TestTypedActionsAgreeWithRegistry: the registry is built from the Action
// values; each typed action's entry must carry its own name and the
// <Action>Request / <Action>Response types, so no entry was wired to
// another action's value.
func TestTypedActionsAgreeWithRegistry(t *testing.T) {
	typed := ocpp.TypedActions()
	if len(typed) < 30 {
		t.Fatalf("only %d typed actions", len(typed))
	}
	for _, name := range typed {
		info, _ := ocpp.Lookup(name)
		req, resp := reflect.TypeOf(info.NewRequest()).Elem().Name(), reflect.TypeOf(info.NewResponse()).Elem().Name()
		if info.Name != name || req != name+"Request" || resp != name+"Response" {
			t.Errorf("registry[%s] = %s with %s/%s", name, info.Name, req, resp)
		}
	}
	if ocpp.GetVariables.Name() != ocpp.ActionGetVariables {
		t.Errorf("GetVariables.Name() = %q", ocpp.GetVariables.Name())
	}
}
