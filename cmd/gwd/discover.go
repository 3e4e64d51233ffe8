package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
)

// discover answers `gwctl discover`: it decodes the protocol's request and
// runs it on the charger controller's drivers.
func discover(chargers *charger.Reconciler) func(context.Context, string, []byte) (any, error) {
	return func(ctx context.Context, protocol string, body []byte) (any, error) {
		var res any
		var err error
		switch protocol {
		case "modbus":
			var req v1alpha1.ModbusDiscoverRequest
			if err := strictJSON(body, &req); err != nil {
				return nil, err
			}
			res, err = chargers.DiscoverModbus(ctx, req)
		case "echonet":
			var req v1alpha1.EchonetDiscoverRequest
			if err := strictJSON(body, &req); err != nil {
				return nil, err
			}
			res, err = chargers.DiscoverEchonet(ctx, req)
		default:
			return nil, fmt.Errorf("%w: no discovery for %q; want modbus or echonet", server.ErrInvalidInput, protocol)
		}
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
