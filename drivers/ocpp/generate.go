package ocpp

// The project schemas in schemas/ocpp are generated from the types in this
// package; regenerate after changing a type or an ocpp struct tag.
//go:generate go run ./schemagen -out ../../schemas/ocpp
