package ocpp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// Handler answers one CALL of an action with its typed request, for the
// receiver recv the CALL arrived at (a station). then, when not nil, runs
// once the CALLRESULT is on the wire (rpc.Reply's Then), for what must
// follow the answer and never overtake it: a triggered message, a report,
// a reconnect. An *rpc.Error becomes that CALLERROR; any other error an
// InternalError. A method expression such as (*Station).onReset is one.
type Handler[T, Req, Resp any] func(recv T, ctx context.Context, req *Req) (resp *Resp, then func(), err error)

// Mux dispatches CALLs to the handler registered for their action. The
// receiver is an argument of Serve rather than captured by each handler, so
// one Mux, built once, serves every station: 1,000 stations share its
// routes instead of holding a copy each. Register every handler before the
// first Serve: the Mux is read without a lock.
type Mux[T any] struct {
	routes map[string]func(T, context.Context, json.RawMessage) (any, error)
}

// NewMux returns a Mux with no handler.
func NewMux[T any]() *Mux[T] {
	return &Mux[T]{routes: map[string]func(T, context.Context, json.RawMessage) (any, error){}}
}

// Handle registers h for action a. Registering an action twice is a
// programming error and panics, as http.ServeMux does.
func Handle[T, Req, Resp any](m *Mux[T], a Action[Req, Resp], h Handler[T, Req, Resp]) {
	if h == nil {
		panic(fmt.Sprintf("ocpp: nil handler for %s", a.name))
	}
	if _, dup := m.routes[a.name]; dup {
		panic(fmt.Sprintf("ocpp: a second handler for %s", a.name))
	}
	m.routes[a.name] = func(recv T, ctx context.Context, payload json.RawMessage) (any, error) {
		req := new(Req)
		if _, err := decodeInto(req, payload); err != nil {
			return nil, err
		}
		resp, then, err := h(recv, ctx, req)
		switch {
		case err != nil:
			return nil, err
		case resp == nil:
			return nil, fmt.Errorf("ocpp: the %s handler returned no response", a.name)
		case then != nil:
			return rpc.Reply{Payload: resp, Then: then}, nil
		}
		return resp, nil
	}
}

// Serve decodes the payload into the action's request type, runs its
// handler for recv and returns the typed response; wrapped in a closure
// over recv it is an rpc.Handler. The payload must have passed the
// schema already (the Conn's Validator). An action without a handler gets
// the Part 4 code for it: NotSupported when it is an OCPP 2.0.1 action,
// NotImplemented when it is not one.
func (m *Mux[T]) Serve(recv T, ctx context.Context, action string, payload json.RawMessage) (any, error) {
	route, ok := m.routes[action]
	if ok {
		return route(recv, ctx, payload)
	}
	if !IsKnownAction(action) {
		return nil, rpc.Errorf(rpc.NotImplemented, "unknown action %q", action)
	}
	return nil, rpc.Errorf(rpc.NotSupported, "%s is not supported here", action)
}

// Handles reports whether a handler is registered for action.
func (m *Mux[T]) Handles(action string) bool {
	_, ok := m.routes[action]
	return ok
}

// Actions returns the actions with a handler, sorted.
func (m *Mux[T]) Actions() []string {
	return slices.Sorted(maps.Keys(m.routes))
}
