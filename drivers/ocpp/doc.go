// Package ocpp holds the OCPP 2.0.1 messages the gateway exchanges: action
// names, Go types for the Core profile's requests and responses, the Part 4
// RPC error codes, and validation of payloads against the project's schemas.
// The OCPP-J transport is in drivers/ocpp/rpc.
package ocpp
