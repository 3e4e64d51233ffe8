// Command schemagen writes the project's OCPP 2.0.1 JSON Schemas
// (schemas/ocpp/<Action>Request.json and ...Response.json) from the Go types
// in drivers/ocpp. Run it through go generate ./drivers/ocpp.
//
// The mapping from Go to schema: a struct is an object with
// additionalProperties false whose json fields without omitempty are
// required; a named struct or enum type becomes a definition of the same
// name, referenced with $ref; int is integer, float64 number, bool boolean;
// ocpp.DateTime is a date-time string; json.RawMessage is any value; a slice
// is an array. Enum values come from ocpp.EnumValues. Other constraints come
// from the ocpp struct tag, a comma-separated list of
//
//	maxLength=N minLength=N minItems=N maxItems=N minimum=X maximum=X
//	items.maxLength=N ... (the same keys, applied to array items)
//	additionalProperties (on a json:"-" map field: the object is open)
package main
