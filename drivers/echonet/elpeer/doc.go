// Package elpeer locates the ECHONET Lite test peer: the npm package
// echonet-lite at its pinned version, installed once outside the
// repository, and the device script drivers/echonet/testdata/evpeer.js
// that plays EV chargers on it with fault injection. Tests outside the
// driver (the gateway's fault sweep) run the same peer as the driver's own
// tests.
package elpeer
