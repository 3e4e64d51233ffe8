package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/drivers"
)

// discover answers `gwctl discover`: it decodes the protocol's request, of
// the type its registration names, and runs it on the charger controller's
// drivers.
func discover(chargers *charger.Reconciler) func(context.Context, string, []byte) (any, error) {
	return func(ctx context.Context, protocol string, body []byte) (any, error) {
		p, ok := drivers.Lookup(protocol)
		if !ok || p.DiscoverRequest == nil {
			return nil, fmt.Errorf("%w: no discovery for %q; want %s", server.ErrInvalidInput, protocol,
				strings.Join(drivers.Discoverable(), " or "))
		}
		req := reflect.New(p.DiscoverRequest)
		if err := strictJSON(body, req.Interface()); err != nil {
			return nil, err
		}
		res, err := chargers.Discover(ctx, protocol, req.Elem().Interface())
		if errors.Is(err, charger.ErrInvalidRequest) {
			return nil, fmt.Errorf("%w: %w", server.ErrInvalidInput, err)
		}
		return res, err
	}
}

func strictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: request body: %w", server.ErrInvalidInput, err)
	}
	return nil
}
