// Command schemagen writes the project's OCPP 2.0.1 JSON Schemas
// (schemas/ocpp/<Action>Request.json and ...Response.json) from the Go types
// in drivers/ocpp. Run it through go generate ./drivers/ocpp.
//
// The mapping is schemas/gen's, with draft-07 "definitions": every named
// struct or enum type becomes a definition referenced with $ref;
// ocpp.DateTime is a date-time string; json.RawMessage is any value; enum
// values come from ocpp.EnumValues. Constraints come from the ocpp struct
// tag (schemas/gen documents its keys). TestCommittedSchemasMatchTypes keeps
// the committed files equal to the generator's output.
package main
