// Package ocpp holds the OCPP 2.0.1 messages the gateway exchanges: action
// names, Go types for the Core profile's requests and responses, validation
// of payloads against the project's schemas, and a Mux that dispatches
// CALLs to handlers registered per action with their typed request and
// response. The OCPP-J transport and the Part 4 CALLERROR codes it carries
// are in drivers/ocpp/rpc, which this package builds on.
package ocpp
