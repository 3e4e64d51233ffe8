// Package npmpeer installs the pinned npm packages the test suite runs as
// independent peers (ocpp-rpc, echonet-lite) once per version, outside the
// repository.
package npmpeer
