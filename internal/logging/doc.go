// Package logging builds gwd's logger: slog text or JSON records on stderr
// or in a file rotated by size and age and compressed, with a level per
// component that can be changed while gwd runs, and a TRACE level below
// DEBUG for OCPP frames.
//
// A record's component comes from the attributes its logger was made with:
// "component" names it ("store", "api"), "controller" makes it
// "controllers/<name>", and "station" makes it "ocpp/<station id>". The
// level of a component is the one set for its longest prefix ("ocpp" covers
// "ocpp/CP001"), else the default.
package logging
