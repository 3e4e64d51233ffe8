// Package ocaschema validates OCPP 2.0.1 payloads against the official OCA
// JSON schemas, the test oracle of DESIGN §9. The schemas live outside the
// repository (../shared/ocpp201/schemas) and are read in place, never
// copied in; tests use Need to skip without them, or fail under CI.
package ocaschema
