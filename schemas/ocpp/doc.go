// Package ocppschema embeds the project's JSON Schemas (draft-07) for the
// OCPP 2.0.1 messages the gateway has Go types for, one
// <Action>Request.json and <Action>Response.json per action. The files are
// generated from the Go types in drivers/ocpp by drivers/ocpp/schemagen
// (go generate ./drivers/ocpp) and must not be edited by hand; a test in
// schemagen fails when they drift from the types.
package ocppschema
